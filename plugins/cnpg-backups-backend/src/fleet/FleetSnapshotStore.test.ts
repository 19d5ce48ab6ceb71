import { TestDatabases } from '@backstage/backend-test-utils';
import type { DatabaseSnapshot } from '@cnpg-backups/plugin-cnpg-backups-common';
import { FleetSnapshotStore } from './FleetSnapshotStore';
import { snap } from './__testUtils__/snapshots';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function createStore(retentionDays?: number) {
  const knex = await databases.init('SQLITE_3');
  return FleetSnapshotStore.create({
    database: { getClient: async () => knex },
    retentionDays,
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
});
