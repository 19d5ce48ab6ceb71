import type { BarmanCatalog } from '@cnpg-backups/plugin-cnpg-backups-common';
import { ScanCache } from './ScanCache';

function fakeCatalog(marker: string, complete = true): BarmanCatalog {
  return {
    schemaVersion: 1,
    destination: 's3://b',
    serverName: marker,
    backups: [],
    wal: { timelines: [], compressions: [], segmentSize: 16777216 },
    recoveryWindow: { ranges: [] },
    diagnoses: [],
    scan: {
      complete,
      errors: [],
      requests: 1,
      durationMs: 1,
      scannedAt: '2025-01-01T00:00:00Z',
      walObjects: 0,
      incremental: false,
    },
  };
}

describe('ScanCache', () => {
  it('makes ONE scan for N concurrent cold requests', async () => {
    const cache = ScanCache.create({
      ttlSeconds: 60,
      cache: { get: async () => undefined, set: async () => undefined } as any,
    });
    let scans = 0;
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    const scan = jest.fn(async () => {
      scans++;
      await gate;
      return { catalog: fakeCatalog('a'), state: { n: scans } };
    });
    const requests = Array.from({ length: 20 }, () =>
      cache.getCatalog({ key: 'k', scan }),
    );
    release();
    const results = await Promise.all(requests);
    expect(scans).toBe(1);
    expect(new Set(results).size).toBe(1);
  });

  it('keeps the catalog packed: a hit within the TTL is an equal, fresh copy', async () => {
    const cache = ScanCache.create({ ttlSeconds: 60 });
    const scanned = fakeCatalog('a');
    scanned.diagnoses.push({
      id: 'x',
      severity: 'warning',
      title: 'ü ✓ 日本',
    } as any);
    const scan = jest.fn(async () => ({ catalog: scanned, state: {} }));
    expect(await cache.getCatalog({ key: 'k', scan })).toBe(scanned);
    const hit = await cache.getCatalog({ key: 'k', scan });
    const again = await cache.getCatalog({ key: 'k', scan });
    expect(scan).toHaveBeenCalledTimes(1);
    expect(hit).toEqual(scanned);
    expect(hit).not.toBe(scanned);
    expect(again).not.toBe(hit);
  });

  it('serves from memory within the TTL and rescans after it, passing the previous state', async () => {
    let now = 0;
    const cache = ScanCache.create({ ttlSeconds: 60, now: () => now });
    const scan = jest.fn(async (previous?: unknown) => ({
      catalog: fakeCatalog('a'),
      state: { previous },
    }));
    await cache.getCatalog({ key: 'k', scan });
    now = 30_000;
    await cache.getCatalog({ key: 'k', scan });
    expect(scan).toHaveBeenCalledTimes(1);
    now = 61_000;
    await cache.getCatalog({ key: 'k', scan });
    expect(scan).toHaveBeenCalledTimes(2);
    expect(scan.mock.calls[1][0]).toEqual({ previous: undefined });
  });

  it('refresh=true rescans incrementally from the previous state', async () => {
    const cache = ScanCache.create({ ttlSeconds: 60 });
    const scan = jest.fn(async (_previous?: unknown) => ({
      catalog: fakeCatalog('a'),
      state: 'state-1',
    }));
    await cache.getCatalog({ key: 'k', scan });
    await cache.getCatalog({ key: 'k', scan, refresh: true });
    expect(scan).toHaveBeenCalledTimes(2);
    expect(scan.mock.calls[1][0]).toBe('state-1');
  });

  it("reuses another replica's result from the shared cache", async () => {
    const shared = new Map<string, unknown>();
    const sharedCache = {
      get: jest.fn(async (k: string) => shared.get(k)),
      set: jest.fn(async (k: string, v: unknown) => void shared.set(k, v)),
      delete: jest.fn(),
      withOptions: jest.fn(),
    };
    const replicaA = ScanCache.create({
      ttlSeconds: 60,
      cache: sharedCache as any,
    });
    const replicaB = ScanCache.create({
      ttlSeconds: 60,
      cache: sharedCache as any,
    });
    const scanA = jest.fn(async () => ({
      catalog: fakeCatalog('from-a'),
      state: 1,
    }));
    const scanB = jest.fn(async () => ({
      catalog: fakeCatalog('from-b'),
      state: 2,
    }));
    await replicaA.getCatalog({ key: 'k', scan: scanA });
    const fromB = await replicaB.getCatalog({ key: 'k', scan: scanB });
    expect(scanB).not.toHaveBeenCalled();
    expect(fromB.serverName).toBe('from-a');
    expect(sharedCache.set).toHaveBeenCalledWith('scan:k', expect.anything(), {
      ttl: 60_000,
    });
  });

  it('does not share a partial scan', async () => {
    const sharedCache = {
      get: jest.fn(async () => undefined),
      set: jest.fn(),
      delete: jest.fn(),
      withOptions: jest.fn(),
    };
    const cache = ScanCache.create({
      ttlSeconds: 60,
      cache: sharedCache as any,
    });
    await cache.getCatalog({
      key: 'k',
      scan: async () => ({ catalog: fakeCatalog('a', false), state: 1 }),
    });
    expect(sharedCache.set).not.toHaveBeenCalled();
  });

  it('lets a failed scan be retried', async () => {
    const cache = ScanCache.create({ ttlSeconds: 60 });
    await expect(
      cache.getCatalog({
        key: 'k',
        scan: async () => Promise.reject(new Error('boom')),
      }),
    ).rejects.toThrow('boom');
    await expect(
      cache.getCatalog({
        key: 'k',
        scan: async () => ({ catalog: fakeCatalog('ok'), state: 1 }),
      }),
    ).resolves.toMatchObject({ serverName: 'ok' });
  });

  it('single-flights JSON values too', async () => {
    const cache = ScanCache.create({ ttlSeconds: 60 });
    const compute = jest.fn(async () => ['a']);
    await Promise.all([
      cache.getJson({ key: 'x', compute }),
      cache.getJson({ key: 'x', compute }),
    ]);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  describe('incremental states over a fleet (issue 12)', () => {
    const pass = async (cache: ScanCache, folders: number) => {
      const previous: unknown[] = [];
      for (let i = 0; i < folders; i++) {
        await cache.getCatalog({
          key: `f${i}`,
          refresh: true,
          scan: async prev => {
            previous.push(prev);
            return { catalog: fakeCatalog(`f${i}`), state: { folder: i } };
          },
        });
      }
      return previous;
    };

    it('keeps 1,000 folders of state by default, so a second fleet pass is incremental for every folder', async () => {
      let now = 0;
      const cache = ScanCache.create({ ttlSeconds: 60, now: () => now });
      await pass(cache, 1000);
      now = 300_000; // the next refresh, 5 minutes later
      const previous = await pass(cache, 1000);
      expect(previous.filter(p => p === undefined)).toHaveLength(0);
      expect(previous[999]).toEqual({ folder: 999 });
    });

    it('honours maxScanStates (least recently scanned dropped first)', async () => {
      let now = 0;
      const cache = ScanCache.create({
        ttlSeconds: 60,
        maxScanStates: 3,
        now: () => now,
      });
      await pass(cache, 4);
      expect(cache.heldStates).toBe(3);
      now = 300_000;
      const previous: unknown[] = [];
      for (const i of [1, 2, 3, 0]) {
        await cache.getCatalog({
          key: `f${i}`,
          refresh: true,
          scan: async prev => {
            previous.push(prev);
            return { catalog: fakeCatalog(`f${i}`), state: { folder: i } };
          },
        });
      }
      expect(previous).toEqual([
        { folder: 1 },
        { folder: 2 },
        { folder: 3 },
        undefined,
      ]);
    });

    it('rejects a bad maxScanStates by name', () => {
      expect(() =>
        ScanCache.create({ ttlSeconds: 60, maxScanStates: -1 }),
      ).toThrow(/maxScanStates must be a non-negative integer, got -1/);
    });

    it('drops the catalogs past the TTL but keeps their states', async () => {
      let now = 0;
      const cache = ScanCache.create({ ttlSeconds: 60, now: () => now });
      await pass(cache, 10);
      expect(cache.heldCatalogs).toBe(10);
      now = 61_000;
      await pass(cache, 1);
      expect(cache.heldStates).toBe(10);
      expect(cache.heldCatalogs).toBe(1);
    });

    it('shares a catalog as one JSON text and reads it back equal', async () => {
      const store = new Map<string, unknown>();
      const shared = {
        get: async (k: string) => store.get(k),
        set: async (k: string, v: unknown) => void store.set(k, v),
      };
      const a = ScanCache.create({ ttlSeconds: 60, cache: shared as any });
      const b = ScanCache.create({ ttlSeconds: 60, cache: shared as any });
      await a.getCatalog({
        key: 'k',
        scan: async () => ({ catalog: fakeCatalog('a'), state: 1 }),
      });
      expect(store.get('scan:k')).toEqual({
        json: JSON.stringify(fakeCatalog('a')),
      });
      const scan = jest.fn();
      await expect(b.getCatalog({ key: 'k', scan })).resolves.toEqual(
        fakeCatalog('a'),
      );
      expect(scan).not.toHaveBeenCalled();
      // A value in another shape (an older writer) is a miss, not a crash.
      store.set('scan:k', fakeCatalog('old'));
      const c = ScanCache.create({ ttlSeconds: 60, cache: shared as any });
      await c.getCatalog({
        key: 'k',
        scan: async () => ({ catalog: fakeCatalog('c'), state: 1 }),
      });
      expect(store.get('scan:k')).toEqual({
        json: JSON.stringify(fakeCatalog('c')),
      });
    });
  });

  it('keeps catalogs out of the shared cache when told to (in-process store), serverName lists still shared', async () => {
    const store = new Map<string, unknown>();
    const shared = {
      get: async (k: string) => store.get(k),
      set: async (k: string, v: unknown) => void store.set(k, v),
    };
    const cache = ScanCache.create({
      ttlSeconds: 60,
      cache: shared as any,
      shareCatalogs: false,
    });
    await cache.getCatalog({
      key: 'k',
      scan: async () => ({ catalog: fakeCatalog('a'), state: 1 }),
    });
    await cache.getJson({ key: 'names', compute: async () => ['db-1'] });
    expect([...store.keys()]).toEqual(['json:names']);
  });
});
