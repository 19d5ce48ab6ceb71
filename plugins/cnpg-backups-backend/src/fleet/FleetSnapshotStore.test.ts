import { TestDatabases } from '@backstage/backend-test-utils';
import type { DatabaseSnapshot } from '@cnpg-backups/plugin-cnpg-backups-common';
import { downsample, FleetSnapshotStore } from './FleetSnapshotStore';
import { snap } from './__testUtils__/snapshots';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function createStore(
  retentionDays?: number,
  historyIntervalMinutes?: number,
) {
  const knex = await databases.init('SQLITE_3');
  return FleetSnapshotStore.create({
    database: { getClient: async () => knex },
    retentionDays,
    historyIntervalMinutes,
  });
}

const MIN = 60_000;
const DAY = 86_400_000;
// Pinned clock: the instants below never read the machine's time or zone.
const T0 = Date.parse('2026-03-01T00:00:00Z');
const at = (ms: number) => new Date(ms);

async function refresh(
  store: FleetSnapshotStore,
  whenMs: number,
  snapshots: DatabaseSnapshot[],
  listed = ['prod'],
) {
  return store.writeRefresh({
    snapshots,
    startedAt: at(whenMs - 1000),
    finishedAt: at(whenMs),
    listedKubernetesClusters: listed,
  });
}

const recoverable = (cluster: string, whenMs: number) =>
  snap({
    cluster,
    takenAt: at(whenMs).toISOString(),
    lastRecoverableAt: at(whenMs - 60_000).toISOString(),
    exposureSeconds: 60,
  });
const lost = (cluster: string, whenMs: number) =>
  snap({ cluster, takenAt: at(whenMs).toISOString(), health: 'error' });

describe('FleetSnapshotStore', () => {
  it('migrates, stores the latest row per database, and hands back the previous snapshot', async () => {
    const store = await createStore();
    const first = await refresh(store, T0, [recoverable('a', T0)]);
    expect(first).toHaveLength(1);
    expect(first[0].previous).toBeUndefined();
    expect(first[0].current.recoverableRatio30d).toBe(1);

    const second = await refresh(store, T0 + 5 * MIN, [
      lost('a', T0 + 5 * MIN),
    ]);
    expect(second[0].previous).toEqual(recoverable('a', T0));
    expect(second[0].current.health).toBe('error');
    expect(second[0].current.recoverableRatio30d).toBe(0.5);
    const { rows, refreshedAt } = await store.latestRows();
    expect(rows.map(r => r.databaseId)).toEqual(['prod/db/a']);
    expect(refreshedAt).toBe(at(T0 + 5 * MIN).toISOString());
    expect(await store.counts()).toEqual({
      databases: 1,
      history: 2,
      refreshes: 2,
    });
  });

  it('computes the 30-day recoverable ratio over the window only (older snapshots do not count)', async () => {
    const store = await createStore();
    // Day 0: not recoverable. Days 1..30: recoverable on 3 of 4 refreshes.
    await refresh(store, T0, [lost('a', T0)]);
    let expected = { yes: 0, total: 0 };
    for (let i = 1; i <= 40; i++) {
      const when = T0 + i * DAY;
      const ok = i % 4 !== 0;
      const changes = await refresh(store, when, [
        ok ? recoverable('a', when) : lost('a', when),
      ]);
      // Window is (when - 30 days, when]: snapshots of days i-29..i.
      expected = { yes: 0, total: 0 };
      for (let j = Math.max(0, i - 29); j <= i; j++) {
        expected.total += 1;
        if (j > 0 && j % 4 !== 0) expected.yes += 1;
      }
      expect(changes[0].current.recoverableRatio30d).toBeCloseTo(
        expected.yes / expected.total,
        10,
      );
    }
    const history = await store.history({
      databaseId: 'prod/db/a',
      days: 30,
      now: at(T0 + 40 * DAY),
    });
    expect(history!.points).toHaveLength(30);
    expect(history!.points[0].takenAt).toBe(at(T0 + 11 * DAY).toISOString());
    expect(history!.recoverableRatio30d).toBeCloseTo(
      expected.yes / expected.total,
      10,
    );
  });

  it('keeps when a diagnosis first appeared across refreshes and restarts it after an interruption', async () => {
    const store = await createStore();
    const d = (id: string) => ({
      id,
      severity: 'warning' as const,
      title: id,
    });
    const withDiag = (whenMs: number, ids: string[]) =>
      snap({
        cluster: 'a',
        takenAt: at(whenMs).toISOString(),
        diagnoses: ids.map(d),
      });
    await refresh(store, T0, [withDiag(T0, ['wal-gap'])]);
    await refresh(store, T0 + DAY, [
      withDiag(T0 + DAY, ['wal-gap', 'stale-archive']),
    ]);
    let c = await refresh(store, T0 + 2 * DAY, [
      withDiag(T0 + 2 * DAY, ['wal-gap', 'stale-archive']),
    ]);
    expect(c[0].current.diagnosisFirstSeen).toEqual({
      'wal-gap': at(T0).toISOString(),
      'stale-archive': at(T0 + DAY).toISOString(),
    });
    await refresh(store, T0 + 3 * DAY, [withDiag(T0 + 3 * DAY, ['wal-gap'])]);
    c = await refresh(store, T0 + 4 * DAY, [
      withDiag(T0 + 4 * DAY, ['wal-gap', 'stale-archive']),
    ]);
    expect(c[0].current.diagnosisFirstSeen).toEqual({
      'wal-gap': at(T0).toISOString(),
      'stale-archive': at(T0 + 4 * DAY).toISOString(),
    });
  });

  it('prunes history older than the retention setting, and only that', async () => {
    const store = await createStore(7);
    for (let i = 0; i < 10; i++) {
      await refresh(store, T0 + i * DAY, [recoverable('a', T0 + i * DAY)]);
    }
    const now = at(T0 + 9 * DAY);
    // Kept: (now - 7 days) and later = days 2..9.
    expect(await store.prune(now)).toBe(2);
    expect((await store.counts()).history).toBe(8);
    expect(await store.prune(now)).toBe(0);
    const h = await store.history({
      databaseId: 'prod/db/a',
      days: 90,
      now,
    });
    expect(h!.points[0].takenAt).toBe(at(T0 + 2 * DAY).toISOString());
  });

  it('rejects a bad retention setting with its name', async () => {
    await expect(createStore(0)).rejects.toThrow(
      /cnpgBackups\.fleet\.historyRetentionDays must be an integer from 1 to 3650, got 0/,
    );
  });

  it('drops databases no longer found, only in Kubernetes clusters that were listed', async () => {
    const store = await createStore();
    await refresh(
      store,
      T0,
      [
        recoverable('a', T0),
        recoverable('b', T0),
        {
          ...recoverable('c', T0),
          kubernetesCluster: 'eu',
          databaseId: 'eu/db/c',
        },
      ],
      ['prod', 'eu'],
    );
    // 'eu' could not be listed this time: its database stays; 'b' is gone from 'prod'.
    await refresh(store, T0 + MIN, [recoverable('a', T0 + MIN)], ['prod']);
    const { rows } = await store.latestRows();
    expect(rows.map(r => r.databaseId).sort()).toEqual([
      'eu/db/c',
      'prod/db/a',
    ]);
  });

  it('adds the claim snippet to unowned rows only', async () => {
    const store = await createStore();
    const [unowned, owned] = await refresh(store, T0, [
      recoverable('a', T0),
      { ...recoverable('b', T0), entityRef: 'component:default/b' },
    ]);
    expect(unowned.current.claimSnippet).toBe(
      'metadata:\n  annotations:\n    cnpg.io/cluster: prod:db/a\n',
    );
    expect(owned.current.claimSnippet).toBeUndefined();
  });

  it('returns undefined history for an unknown database', async () => {
    const store = await createStore();
    expect(
      await store.history({ databaseId: 'x/y/z', days: 30, now: at(T0) }),
    ).toBeUndefined();
  });

  describe('history growth', () => {
    // Swept start instants: midnight, an odd minute, just before midnight (alignment must not matter).
    const STARTS = [T0, T0 + 7 * MIN + 13_000, T0 + DAY - 2 * MIN];

    it.each(STARTS.map(s => [new Date(s).toISOString(), s]))(
      'one day of 5-minute refreshes of a steady database is 24 rows, not 288 (start %s)',
      async (_label, start) => {
        const store = await createStore(90, 60);
        for (let i = 0; i < 288; i++) {
          const when = start + i * 5 * MIN;
          await refresh(store, when, [recoverable('a', when)]);
        }
        expect((await store.counts()).history).toBe(24);
        const h = await store.history({
          databaseId: 'prod/db/a',
          days: 1,
          now: at(start + 287 * 5 * MIN),
        });
        expect(h!.points).toHaveLength(24);
        expect(h!.points[1].takenAt).toBe(at(start + 60 * MIN).toISOString());
        expect(h!.recoverableRatio30d).toBe(1);
      },
    );

    it('opens a row at the exact refresh where health changes, and the ratio still counts refreshes', async () => {
      const store = await createStore(90, 60);
      let last;
      // 288 refreshes; refreshes 100..135 (36 of them) are not recoverable.
      for (let i = 0; i < 288; i++) {
        const when = T0 + i * 5 * MIN;
        const bad = i >= 100 && i < 136;
        last = await refresh(store, when, [
          bad ? lost('a', when) : recoverable('a', when),
        ]);
      }
      expect(last![0].current.recoverableRatio30d).toBeCloseTo(252 / 288, 10);
      const h = await store.history({
        databaseId: 'prod/db/a',
        days: 1,
        now: at(T0 + 287 * 5 * MIN),
      });
      const firstError = h!.points.find(p => p.health === 'error');
      expect(firstError!.takenAt).toBe(at(T0 + 100 * 5 * MIN).toISOString());
      const backToOk = h!.points.find(
        p =>
          p.health === 'ok' &&
          Date.parse(p.takenAt) > Date.parse(firstError!.takenAt),
      );
      expect(backToOk!.takenAt).toBe(at(T0 + 136 * 5 * MIN).toISOString());
      // 100 ok refreshes = 9 rows (8 × 12 + 4), 36 errors = 3 rows, 152 ok = 13 rows.
      expect((await store.counts()).history).toBe(9 + 3 + 13);
    });

    it('keeps the largest exposure of a run', async () => {
      const store = await createStore(90, 60);
      for (let i = 0; i < 3; i++) {
        const when = T0 + i * 5 * MIN;
        await refresh(store, when, [
          snap({
            cluster: 'a',
            takenAt: at(when).toISOString(),
            lastRecoverableAt: at(T0 - MIN).toISOString(),
            exposureSeconds: 60 + i * 300,
          }),
        ]);
      }
      const h = await store.history({
        databaseId: 'prod/db/a',
        days: 1,
        now: at(T0 + 10 * MIN),
      });
      expect(h!.points).toEqual([
        {
          takenAt: at(T0).toISOString(),
          health: 'ok',
          recoverable: true,
          exposureSeconds: 660,
        },
      ]);
    });

    it('writes one row per refresh with historyIntervalMinutes 0, and rejects a bad interval by name', async () => {
      const store = await createStore(90, 0);
      for (let i = 0; i < 5; i++) {
        await refresh(store, T0 + i * MIN, [recoverable('a', T0 + i * MIN)]);
      }
      expect((await store.counts()).history).toBe(5);
      await expect(createStore(90, -1)).rejects.toThrow(
        /cnpgBackups\.fleet\.historyIntervalMinutes must be an integer from 0 to 1440, got -1/,
      );
      await expect(createStore(90, 1.5)).rejects.toThrow(
        /historyIntervalMinutes must be an integer from 0 to 1440, got 1\.5/,
      );
    });

    it('answers at most 500 points for 30 days of hourly rows, keeping the worst health of each bucket', async () => {
      const store = await createStore(90, 0);
      const hours = 30 * 24; // 720 rows
      const errorHour = 401;
      for (let i = 1; i <= hours; i++) {
        const when = T0 + i * 60 * MIN;
        await refresh(store, when, [
          i === errorHour ? lost('a', when) : recoverable('a', when),
        ]);
      }
      const now = at(T0 + hours * 60 * MIN);
      const h = await store.history({ databaseId: 'prod/db/a', days: 30, now });
      expect(h!.points.length).toBeLessThanOrEqual(500);
      expect(h!.points.length).toBeGreaterThan(400);
      const errors = h!.points.filter(p => p.health === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0].recoverable).toBe(false);
      // The 30-day ratio is computed from every row, not from the points.
      expect(h!.recoverableRatio30d).toBeCloseTo(719 / 720, 10);
      const few = await store.history({
        databaseId: 'prod/db/a',
        days: 30,
        now,
        maxPoints: 10,
      });
      expect(few!.points).toHaveLength(10);
      expect(few!.points.filter(p => p.health === 'error')).toHaveLength(1);
    });
  });
});

describe('downsample', () => {
  const p = (minute: number, health: any, exposureSeconds?: number) => ({
    takenAt: new Date(T0 + minute * MIN).toISOString(),
    health,
    recoverable: health !== 'error',
    ...(exposureSeconds === undefined ? {} : { exposureSeconds }),
  });

  it('leaves few points alone and merges a bucket into its first instant, worst health, largest exposure', () => {
    const points = [
      p(1, 'ok', 10),
      p(2, 'warning', 50),
      p(3, 'ok', 20),
      p(7, 'unknown'),
    ];
    expect(
      downsample(points, { fromMs: T0, toMs: T0 + 10 * MIN, maxPoints: 4 }),
    ).toBe(points);
    expect(
      downsample(points, { fromMs: T0, toMs: T0 + 10 * MIN, maxPoints: 2 }),
    ).toEqual([{ ...p(1, 'warning', 50), recoverable: true }, p(7, 'unknown')]);
    expect(
      downsample([p(1, 'unknown'), p(2, 'error'), p(3, 'warning')], {
        fromMs: T0,
        toMs: T0 + 10 * MIN,
        maxPoints: 1,
      }),
    ).toEqual([p(1, 'error')]);
  });
});
