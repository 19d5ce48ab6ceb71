import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import yaml from 'yaml';
import {
  readBackgroundRefreshConfig,
  RecentlyRequestedDatabases,
  recordRequestedDatabases,
  refreshRequestedDatabases,
} from './BackgroundRefresh';
import type { CnpgBackupsService } from './types';

function memoryCache() {
  const values = new Map<string, unknown>();
  return {
    values,
    cache: {
      get: async (key: string) => values.get(key),
      set: async (key: string, value: unknown) => {
        values.set(key, JSON.parse(JSON.stringify(value)));
      },
      delete: async (key: string) => {
        values.delete(key);
      },
      withOptions() {
        return this;
      },
    } as any,
  };
}

const ref = (name: string) => ({
  kubernetesCluster: 'k8s',
  namespace: 'db',
  name,
});

describe('readBackgroundRefreshConfig', () => {
  it('defaults to on, every 5 minutes, for databases requested in the last hour', () => {
    expect(readBackgroundRefreshConfig(new ConfigReader({}))).toEqual({
      enabled: true,
      frequency: { minutes: 5 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 1 },
      requestedWithin: { hours: 1 },
    });
  });

  it('reads durations as objects or strings, and can be disabled', () => {
    const config = readBackgroundRefreshConfig(
      new ConfigReader({
        cnpgBackups: {
          refresh: {
            enabled: false,
            frequency: { seconds: 30 },
            timeout: 'PT2M',
          },
        },
      }),
    );
    expect(config.enabled).toBe(false);
    expect(config.frequency).toEqual({ seconds: 30 });
    expect(config.timeout).toEqual(expect.objectContaining({ minutes: 2 }));
  });

  it('reads the shipped app-config.production.yaml', () => {
    const file = path.resolve(
      __dirname,
      '../../../../app-config.production.yaml',
    );
    const data = yaml.parse(fs.readFileSync(file, 'utf8'));
    expect(readBackgroundRefreshConfig(new ConfigReader(data))).toMatchObject({
      enabled: true,
      frequency: { minutes: 5 },
    });
    expect(data.backend.cache.store).toBe('redis');
    expect(data.backend.database.client).toBe('pg');
    expect(data.cnpgBackups.demo.enabled).toBe(false);
  });
});

describe('RecentlyRequestedDatabases', () => {
  it('records in the shared cache, lists oldest first, forgets and expires', async () => {
    const { cache } = memoryCache();
    let now = 1_000_000;
    const replicaA = new RecentlyRequestedDatabases({
      cache,
      requestedWithin: { minutes: 10 },
      rewriteAfterMs: 0,
      now: () => now,
    });
    const replicaB = new RecentlyRequestedDatabases({
      cache,
      requestedWithin: { minutes: 10 },
      rewriteAfterMs: 0,
      now: () => now,
    });
    await replicaA.record([ref('a')]);
    now += 1000;
    await replicaB.record([ref('b')]);
    now += 1000;
    await replicaB.record([ref('a')]);
    // One shared list: B's newer request of `a` moved it to the end.
    expect(await replicaA.list()).toEqual([ref('b'), ref('a')]);
    await replicaA.forget(ref('b'));
    expect(await replicaB.list()).toEqual([ref('a')]);
    now += 11 * 60_000;
    expect(await replicaA.list()).toEqual([]);
  });

  it('writes the cache at most once per database and rewrite interval', async () => {
    const { cache } = memoryCache();
    const set = jest.spyOn(cache, 'set');
    let now = 0;
    const requested = new RecentlyRequestedDatabases({
      cache,
      requestedWithin: { hours: 1 },
      rewriteAfterMs: 60_000,
      now: () => now,
    });
    await requested.record([ref('a')]);
    await requested.record([ref('a')]);
    now += 30_000;
    await requested.record([ref('a')]);
    expect(set).toHaveBeenCalledTimes(1);
    now += 31_000;
    await requested.record([ref('a')]);
    expect(set).toHaveBeenCalledTimes(2);
  });
});

describe('background refresh', () => {
  it('records the databases a status request returned, and refreshes each with refresh=true', async () => {
    const { cache } = memoryCache();
    const requested = new RecentlyRequestedDatabases({
      cache,
      requestedWithin: { hours: 1 },
    });
    const calls: any[] = [];
    const service = {
      getEntityStatus: async () => ({
        entityRef: 'component:default/x',
        databases: [{ cluster: ref('a') }, { cluster: ref('gone') }],
        errors: [],
        generatedAt: '',
      }),
      getDatabaseStatus: async (options: any) => {
        calls.push(options);
        if (options.name === 'gone')
          throw new NotFoundError('Cluster db/gone not found');
        return {} as any;
      },
    } as unknown as CnpgBackupsService;
    const logger = mockServices.logger.mock();
    const served = recordRequestedDatabases(service, requested, logger);
    await served.getEntityStatus({ entity: {} as any });
    expect(await requested.list()).toEqual([ref('a'), ref('gone')]);

    const result = await refreshRequestedDatabases({
      service,
      requested,
      logger,
    });
    expect(result).toEqual({ refreshed: 1, failed: 1 });
    expect(calls).toEqual([
      { ...ref('a'), refresh: true },
      { ...ref('gone'), refresh: true },
    ]);
    // A database that no longer exists is not refreshed again.
    expect(await requested.list()).toEqual([ref('a')]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('k8s/db/gone'),
      expect.objectContaining({
        error: expect.stringContaining('NotFoundError'),
      }),
    );
  });

  it('a failing shared cache never fails a status request', async () => {
    const requested = new RecentlyRequestedDatabases({
      cache: {
        get: async () => {
          throw new Error('redis down');
        },
      } as any,
      requestedWithin: { hours: 1 },
    });
    const service = {
      getDatabaseStatus: async () => ({ id: 'k8s/db/a' }),
    } as unknown as CnpgBackupsService;
    const logger = mockServices.logger.mock();
    const served = recordRequestedDatabases(service, requested, logger);
    await expect(served.getDatabaseStatus(ref('a'))).resolves.toEqual({
      id: 'k8s/db/a',
    });
    expect(logger.warn).toHaveBeenCalled();
  });
});
