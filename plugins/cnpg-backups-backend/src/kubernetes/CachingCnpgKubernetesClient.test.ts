import { FakeKubernetesClient } from '../service/__testUtils__/fakes';
import { CachingCnpgKubernetesClient } from './CachingCnpgKubernetesClient';
import { KubernetesReadCache } from './KubernetesReadCache';

function cluster(namespace: string, name: string) {
  return { metadata: { namespace, name } } as any;
}

describe('CachingCnpgKubernetesClient', () => {
  function setup() {
    let now = 0;
    const cache = KubernetesReadCache.create({
      ttlSeconds: 15,
      now: () => now,
    });
    const raw = new FakeKubernetesClient('prod');
    raw.clusters = [cluster('db', 'orders'), cluster('other', 'billing')];
    raw.secrets = { 'db/creds': { key: 'v' } };
    const calls = (method: string) =>
      raw.calls.filter(c => c.method === method).length;
    return {
      cache,
      raw,
      calls,
      client: CachingCnpgKubernetesClient.wrap(raw, cache),
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('reads once per cluster, namespace and resource for the TTL, shared by every wrapper', async () => {
    const { cache, raw, calls, client, advance } = setup();
    expect(client.clusterName).toBe('prod');
    await client.listClusters({ namespace: 'db' });
    await CachingCnpgKubernetesClient.wrap(raw, cache).listClusters({
      namespace: 'db',
    });
    await client.getCluster({ namespace: 'db', name: 'orders' });
    await client.getCluster({ namespace: 'db', name: 'orders' });
    expect(calls('listClusters')).toBe(1);
    expect(calls('getCluster')).toBe(1);
    // A different label selector or namespace is a different read.
    await client.listClusters({ namespace: 'db', labelSelector: 'a=b' });
    await client.listClusters({ namespace: 'other' });
    expect(calls('listClusters')).toBe(3);
    advance(15_000);
    await client.listClusters({ namespace: 'db' });
    expect(calls('listClusters')).toBe(4);
  });

  it('never caches Secrets, and refresh reads again (keeping the fresh value)', async () => {
    const { cache, raw, calls, client } = setup();
    await client.getSecret({ namespace: 'db', name: 'creds' });
    await client.getSecret({ namespace: 'db', name: 'creds' });
    expect(calls('getSecret')).toBe(2);
    await client.listBackups({ namespace: 'db' });
    await CachingCnpgKubernetesClient.wrap(raw, cache, {
      refresh: true,
    }).listBackups({ namespace: 'db' });
    await client.listBackups({ namespace: 'db' });
    expect(calls('listBackups')).toBe(2);
  });

  it('never keeps a failed read', async () => {
    const { raw, calls, client } = setup();
    raw.faults.listObjectStores = new Error('boom');
    await expect(client.listObjectStores({ namespace: 'db' })).rejects.toThrow(
      'boom',
    );
    delete raw.faults.listObjectStores;
    await client.listObjectStores({ namespace: 'db' });
    await client.listObjectStores({ namespace: 'db' });
    expect(calls('listObjectStores')).toBe(2);
  });

  it('a write forgets the reads of its namespace and the all-namespace Cluster lists, not other namespaces', async () => {
    const { calls, client } = setup();
    const readAll = () =>
      Promise.all([
        client.listBackups({ namespace: 'db' }),
        client.listBackups({ namespace: 'other' }),
        client.listClusters({}),
      ]);
    await readAll();
    await client.createBackup({
      namespace: 'db',
      backup: { metadata: { name: 'b1', namespace: 'db' } } as any,
    });
    await readAll();
    expect(calls('listBackups')).toBe(3); // db again, other not
    expect(calls('listClusters')).toBe(2);
    await client.createCluster({
      namespace: 'other',
      cluster: cluster('other', 'new'),
    });
    await readAll();
    expect(calls('listBackups')).toBe(4);
    expect(calls('listClusters')).toBe(3);
  });
});

describe('KubernetesReadCache', () => {
  it('keeps nothing when disabled, but joins concurrent identical reads', async () => {
    const cache = KubernetesReadCache.disabled();
    let resolve!: (v: string[]) => void;
    const read = jest.fn(
      () =>
        new Promise<string[]>(r => {
          resolve = r;
        }),
    );
    const key = KubernetesReadCache.key('k', 'ns', 'backups');
    const a = cache.read({ key, read });
    const b = cache.read({ key, read });
    resolve(['x']);
    await expect(Promise.all([a, b])).resolves.toEqual([['x'], ['x']]);
    const again = cache.read({ key, read });
    resolve(['y']);
    await expect(again).resolves.toEqual(['y']);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('does not keep a read that overlapped an invalidation', async () => {
    const cache = KubernetesReadCache.create({ ttlSeconds: 15 });
    const key = KubernetesReadCache.key('k', 'ns', 'backups');
    let resolve!: (v: string[]) => void;
    const slow = cache.read({
      key,
      read: () =>
        new Promise<string[]>(r => {
          resolve = r;
        }),
    });
    cache.invalidate({ kubernetesCluster: 'k', namespace: 'ns' });
    resolve(['stale']);
    await expect(slow).resolves.toEqual(['stale']);
    const read = jest.fn(async () => ['fresh']);
    await expect(cache.read({ key, read })).resolves.toEqual(['fresh']);
    expect(read).toHaveBeenCalledTimes(1);
  });
});
