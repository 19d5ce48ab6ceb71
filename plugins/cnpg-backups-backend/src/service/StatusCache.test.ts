import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import { StatusCache } from './StatusCache';

function status(id: string, errors: DatabaseStatus['errors'] = []) {
  return { id, errors } as unknown as DatabaseStatus;
}

function memoryCache() {
  const store = new Map<string, unknown>();
  return {
    store,
    get: jest.fn(async (key: string) => store.get(key)),
    set: jest.fn(async (key: string, value: unknown) => {
      store.set(key, value);
    }),
    delete: jest.fn(async (key: string) => {
      store.delete(key);
    }),
    withOptions: jest.fn(),
  };
}

describe('StatusCache', () => {
  it('reuses a status for the TTL and builds it again after', async () => {
    let now = 0;
    const cache = StatusCache.create({ ttlSeconds: 15, now: () => now });
    const build = jest.fn(async () => status('k/ns/a'));
    const first = await cache.getStatus({ id: 'k/ns/a', build });
    now = 14_999;
    expect(await cache.getStatus({ id: 'k/ns/a', build })).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
    now = 15_000;
    expect(await cache.getStatus({ id: 'k/ns/a', build })).not.toBe(first);
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('keep: false builds a fresh status and keeps none, dropping the one it replaces', async () => {
    const cache = StatusCache.create({ ttlSeconds: 15 });
    const build = jest.fn(async () => status('k/ns/a'));
    const kept = await cache.getStatus({ id: 'k/ns/a', build });
    const fresh = await cache.getStatus({
      id: 'k/ns/a',
      refresh: true,
      keep: false,
      build,
    });
    expect(fresh).not.toBe(kept);
    // Nothing kept: the next plain request builds again.
    const next = await cache.getStatus({ id: 'k/ns/a', build });
    expect(next).not.toBe(fresh);
    expect(next).not.toBe(kept);
    expect(build).toHaveBeenCalledTimes(3);
    expect(await cache.getStatus({ id: 'k/ns/a', build })).toBe(next);
  });

  it('builds once for concurrent requests (single-flight), refresh included', async () => {
    const cache = StatusCache.create({ ttlSeconds: 15 });
    let release!: () => void;
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    const build = jest.fn(async () => {
      await gate;
      return status('k/ns/a');
    });
    const all = Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cache.getStatus({ id: 'k/ns/a', build, refresh: i % 4 === 0 }),
      ),
    );
    release();
    const results = await all;
    expect(build).toHaveBeenCalledTimes(1);
    expect(new Set(results).size).toBe(1);
  });

  it('refresh bypasses the stored status and repopulates it', async () => {
    const cache = StatusCache.create({ ttlSeconds: 15 });
    let n = 0;
    const build = jest.fn(async () => ({ ...status('k/ns/a'), n: ++n }));
    const first = await cache.getStatus({ id: 'k/ns/a', build });
    const refreshed = await cache.getStatus({
      id: 'k/ns/a',
      build,
      refresh: true,
    });
    expect(refreshed).not.toBe(first);
    expect(await cache.getStatus({ id: 'k/ns/a', build })).toBe(refreshed);
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('never keeps a status with errors (default), nor a failed build', async () => {
    const cache = StatusCache.create({ ttlSeconds: 15 });
    const broken = status('k/ns/a', [
      {
        source: 's3',
        name: 'S3Unavailable',
        message: 'the bucket answered 500',
      },
    ]);
    const build = jest.fn(async () => broken);
    await cache.getStatus({ id: 'k/ns/a', build });
    await cache.getStatus({ id: 'k/ns/a', build });
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('keeps an errored status only for errorTtlSeconds', async () => {
    let now = 0;
    const cache = StatusCache.create({
      ttlSeconds: 15,
      errorTtlSeconds: 2,
      now: () => now,
    });
    const build = jest.fn(async () =>
      status('k/ns/a', [
        { source: 'kubernetes', name: 'KubernetesUnavailable', message: 'x' },
      ]),
    );
    await cache.getStatus({ id: 'k/ns/a', build });
    now = 1_999;
    await cache.getStatus({ id: 'k/ns/a', build });
    expect(build).toHaveBeenCalledTimes(1);
    now = 2_000;
    await cache.getStatus({ id: 'k/ns/a', build });
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('keeps nothing with ttlSeconds 0', async () => {
    const cache = StatusCache.disabled();
    const build = jest.fn(async () => status('k/ns/a'));
    await cache.getStatus({ id: 'k/ns/a', build });
    await cache.getStatus({ id: 'k/ns/a', build });
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('shares healthy statuses through the Backstage cache with the remaining TTL, and deletes them on invalidation', async () => {
    let now = 0;
    const shared = memoryCache();
    const a = StatusCache.create({
      ttlSeconds: 15,
      cache: shared as any,
      now: () => now,
    });
    const b = StatusCache.create({
      ttlSeconds: 15,
      cache: shared as any,
      now: () => now,
    });
    await a.getStatus({ id: 'k/ns/a', build: async () => status('k/ns/a') });
    expect(shared.set).toHaveBeenCalledWith(
      'status:k/ns/a',
      { json: JSON.stringify(status('k/ns/a')), storedAt: 0 },
      { ttl: 15_000 },
    );
    now = 10_000;
    const buildB = jest.fn(async () => status('k/ns/a'));
    await b.getStatus({ id: 'k/ns/a', build: buildB });
    expect(buildB).not.toHaveBeenCalled();
    // The other replica keeps it only for what is left of the TTL.
    now = 15_000;
    shared.store.clear();
    await b.getStatus({ id: 'k/ns/a', build: buildB });
    expect(buildB).toHaveBeenCalledTimes(1);

    await b.invalidate({ kubernetesCluster: 'k', namespace: 'ns', name: 'a' });
    expect(shared.delete).toHaveBeenCalledWith('status:k/ns/a');
  });

  it('invalidates one database, or a whole namespace', async () => {
    const cache = StatusCache.create({ ttlSeconds: 15 });
    const build = jest.fn(async () => status('x'));
    await cache.getStatus({ id: 'k/ns/a', build });
    await cache.getStatus({ id: 'k/ns/b', build });
    await cache.getStatus({ id: 'k/other/a', build });
    expect(build).toHaveBeenCalledTimes(3);

    await cache.invalidate({
      kubernetesCluster: 'k',
      namespace: 'ns',
      name: 'a',
    });
    await cache.getStatus({ id: 'k/ns/a', build });
    await cache.getStatus({ id: 'k/ns/b', build });
    expect(build).toHaveBeenCalledTimes(4);

    await cache.invalidate({ kubernetesCluster: 'k', namespace: 'ns' });
    await cache.getStatus({ id: 'k/ns/a', build });
    await cache.getStatus({ id: 'k/ns/b', build });
    await cache.getStatus({ id: 'k/other/a', build });
    expect(build).toHaveBeenCalledTimes(6);
  });

  it('does not keep a status whose build overlapped an invalidation', async () => {
    const cache = StatusCache.create({ ttlSeconds: 15 });
    let release!: () => void;
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    const slow = jest.fn(async () => {
      await gate;
      return status('k/ns/a');
    });
    const pending = cache.getStatus({ id: 'k/ns/a', build: slow });
    await cache.invalidate({
      kubernetesCluster: 'k',
      namespace: 'ns',
      name: 'a',
    });
    release();
    await pending;
    const fresh = jest.fn(async () => status('k/ns/a'));
    await cache.getStatus({ id: 'k/ns/a', build: fresh });
    expect(fresh).toHaveBeenCalledTimes(1);
  });

  it('serves an entity response (with its JSON text) only while its statuses are current', async () => {
    let now = 0;
    const cache = StatusCache.create({ ttlSeconds: 15, now: () => now });
    const a = await cache.getStatus({
      id: 'k/ns/a',
      build: async () => status('k/ns/a'),
    });
    const response = {
      entityRef: 'component:default/shop',
      databases: [a],
      errors: [],
      generatedAt: 'then',
    };
    cache.setEntityResponse('e', response, [a]);
    expect(cache.getEntityResponse('e')).toBe(response);
    expect(cache.preSerialized(response)?.body.toString('utf8')).toBe(
      JSON.stringify(response),
    );
    expect(cache.preSerialized(response)?.etag).toMatch(/^W\/"[0-9a-f]+-/);

    await cache.invalidate({
      kubernetesCluster: 'k',
      namespace: 'ns',
      name: 'a',
    });
    expect(cache.getEntityResponse('e')).toBeUndefined();

    const again = await cache.getStatus({
      id: 'k/ns/a',
      build: async () => status('k/ns/a'),
    });
    cache.setEntityResponse('e', { ...response, databases: [again] }, [again]);
    expect(cache.getEntityResponse('e')).toBeDefined();
    now = 15_000;
    expect(cache.getEntityResponse('e')).toBeUndefined();
  });
});
