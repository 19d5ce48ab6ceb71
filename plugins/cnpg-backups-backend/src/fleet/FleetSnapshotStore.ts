/*
 * The fleet's storage on the plugin's database (coreServices.database: SQLite in the demo,
 * PostgreSQL in production): the latest row per database, compact history rows, one row per
 * refresh run; knex migrations shipped in the package; retention pruning.
 *
 * History growth: a history row is a run of refreshes that saw the same health and the same
 * "recoverable", at most `historyIntervalMinutes` long (`samples` = how many refreshes it stands
 * for, exposure = the largest seen in the run). A change of health or recoverability always opens
 * a new row, so "since when" stays exact to the refresh; the 30-day ratio weighs rows by their
 * samples, so it still counts refreshes. `history()` answers at most `maxPoints` points, bucketed
 * in time, keeping the worst health, "not recoverable" if any, and the largest exposure per bucket.
 */
import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import {
  type DatabaseHistory,
  type DatabaseHistoryPoint,
  type DatabaseSnapshot,
  type FleetRow,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { Knex } from 'knex';
import {
  DATABASES,
  HISTORY,
  REFRESHES,
  deleteGoneDatabases,
  insertNewDatabases,
  insertRefresh,
  readLatestIndex,
  updateLatestRows,
  writeHistory,
  type StoredChange,
} from './refreshWrites';

export type { StoredChange } from './refreshWrites';

const DAY_MS = 86_400_000;
/** Window of `recoverableRatio30d`. */
export const RATIO_WINDOW_DAYS = 30;
/** Default of `cnpgBackups.fleet.historyRetentionDays`. */
export const DEFAULT_HISTORY_RETENTION_DAYS = 90;
/** Default of `cnpgBackups.fleet.historyIntervalMinutes`. */
export const DEFAULT_HISTORY_INTERVAL_MINUTES = 60;
/** Default of the most points `history()` answers. */
export const DEFAULT_HISTORY_MAX_POINTS = 500;
const HEALTH_BADNESS: Record<string, number> = {
  ok: 0,
  unknown: 1,
  warning: 2,
  error: 3,
};

/**
 * At most `maxPoints` points: unchanged when there are few enough, else one point per non-empty
 * bucket of (fromMs, toMs] cut into `maxPoints` equal spans: the first instant of the bucket, the
 * worst health, recoverable only if every point was, the largest exposure.
 */
export function downsample(
  points: DatabaseHistoryPoint[],
  options: { fromMs: number; toMs: number; maxPoints: number },
): DatabaseHistoryPoint[] {
  if (points.length <= options.maxPoints) return points;
  const width = (options.toMs - options.fromMs) / options.maxPoints;
  const out: DatabaseHistoryPoint[] = [];
  let bucket = -1;
  for (const p of points) {
    const b = Math.min(
      options.maxPoints - 1,
      Math.max(0, Math.floor((Date.parse(p.takenAt) - options.fromMs) / width)),
    );
    const last = out[out.length - 1];
    if (b !== bucket || !last) {
      bucket = b;
      out.push({ ...p });
      continue;
    }
    if (HEALTH_BADNESS[p.health] > HEALTH_BADNESS[last.health])
      last.health = p.health;
    last.recoverable = last.recoverable && p.recoverable;
    if (
      p.exposureSeconds !== undefined &&
      (last.exposureSeconds === undefined ||
        p.exposureSeconds > last.exposureSeconds)
    )
      last.exposureSeconds = p.exposureSeconds;
  }
  return out;
}

/** @see the file comment */
export class FleetSnapshotStore {
  readonly #db: Knex;
  readonly #retentionDays: number;
  readonly #intervalMs: number;
  #cache?: { generation: number; rows: FleetRow[]; refreshedAt?: string };

  static async create(options: {
    database: DatabaseService;
    retentionDays?: number;
    /** Longest run one history row stands for (0: one row per refresh). Default 60. */
    historyIntervalMinutes?: number;
  }): Promise<FleetSnapshotStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({
        directory: resolvePackagePath(
          '@cnpg-backups/plugin-cnpg-backups-backend',
          'migrations',
        ),
        tableName: 'cnpg_fleet_knex_migrations',
      });
    }
    return new FleetSnapshotStore(
      client,
      options.retentionDays,
      options.historyIntervalMinutes,
    );
  }

  private constructor(
    db: Knex,
    retentionDays?: number,
    historyIntervalMinutes?: number,
  ) {
    const days = retentionDays ?? DEFAULT_HISTORY_RETENTION_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > 3650) {
      throw new Error(
        `cnpgBackups.fleet.historyRetentionDays must be an integer from 1 to 3650, got ${retentionDays}`,
      );
    }
    const interval = historyIntervalMinutes ?? DEFAULT_HISTORY_INTERVAL_MINUTES;
    if (!Number.isInteger(interval) || interval < 0 || interval > 1440) {
      throw new Error(
        `cnpgBackups.fleet.historyIntervalMinutes must be an integer from 0 to 1440, got ${historyIntervalMinutes}`,
      );
    }
    this.#db = db;
    this.#retentionDays = days;
    this.#intervalMs = interval * 60_000;
  }

  get retentionDays(): number {
    return this.#retentionDays;
  }

  /**
   * Stores one refresh: a history row per snapshot, the new latest rows (diagnosis first-seen
   * carried over, 30-day ratio recomputed), and drops the latest rows of databases no longer
   * found in the Kubernetes clusters listed completely (`listedKubernetesClusters`).
   * Returns one change per snapshot, with the previous stored snapshot.
   */
  async writeRefresh(options: {
    snapshots: DatabaseSnapshot[];
    startedAt: Date;
    finishedAt: Date;
    listedKubernetesClusters: string[];
    failures?: number;
  }): Promise<StoredChange[]> {
    const { snapshots, finishedAt } = options;
    const changes = await this.#db.transaction(async tx => {
      const existing = await readLatestIndex(tx);
      const keys = await insertNewDatabases(tx, snapshots, existing);
      const open = await writeHistory(tx, {
        snapshots,
        existing,
        keys,
        intervalMs: this.#intervalMs,
      });
      const ratios = await this.#ratios(tx, finishedAt.getTime());
      const result = await updateLatestRows(tx, {
        snapshots,
        existing,
        keys,
        open,
        ratios,
      });
      await deleteGoneDatabases(tx, {
        snapshots,
        existing,
        listedKubernetesClusters: options.listedKubernetesClusters,
      });
      await insertRefresh(tx, options);
      return result;
    });
    this.#cache = undefined;
    return changes;
  }

  /** Share of recoverable snapshots per database key over the 30 days before `nowMs`. */
  async #ratios(db: Knex, nowMs: number): Promise<Map<number, number>> {
    const rows = await db(HISTORY)
      .select('database_key')
      .sum({ total: 'samples' })
      .sum({
        recoverable: db.raw('CASE WHEN recoverable THEN samples ELSE 0 END'),
      })
      .where('taken_at_ms', '>', nowMs - RATIO_WINDOW_DAYS * DAY_MS)
      .andWhere('taken_at_ms', '<=', nowMs)
      .groupBy('database_key');
    const ratios = new Map<number, number>();
    for (const r of rows as any[]) {
      const total = Number(r.total);
      if (total > 0)
        ratios.set(Number(r.database_key), Number(r.recoverable) / total);
    }
    return ratios;
  }

  /** Deletes history and refresh rows older than the retention; returns the history rows removed. */
  async prune(now: Date): Promise<number> {
    const before = now.getTime() - this.#retentionDays * DAY_MS;
    const removed = await this.#db(HISTORY)
      .where('taken_at_ms', '<', before)
      .delete();
    await this.#db(REFRESHES).where('finished_at_ms', '<', before).delete();
    return removed;
  }

  /**
   * The latest row of every database, with the instant of the newest refresh. Cached in this
   * process until a refresh (by any replica) adds a row to the refresh table.
   */
  async latestRows(): Promise<{ rows: FleetRow[]; refreshedAt?: string }> {
    const newest = await this.#db(REFRESHES)
      .select('id', 'finished_at_ms')
      .orderBy('id', 'desc')
      .first();
    const generation = newest ? Number(newest.id) : 0;
    if (this.#cache?.generation === generation) return this.#cache;
    const rows: FleetRow[] = (await this.#db(DATABASES).select('row')).map(r =>
      JSON.parse(r.row),
    );
    const cache = {
      generation,
      rows,
      refreshedAt: newest
        ? new Date(Number(newest.finished_at_ms)).toISOString()
        : undefined,
    };
    this.#cache = cache;
    return cache;
  }

  /** The stored latest row of one database, if any. */
  async latest(databaseId: string): Promise<FleetRow | undefined> {
    const r = await this.#db(DATABASES)
      .select('row')
      .where({ database_id: databaseId })
      .first();
    return r ? JSON.parse(r.row) : undefined;
  }

  /**
   * History of one database over the `days` before `now` (oldest first), at most `maxPoints`
   * points (default 500; see the file comment); undefined if unknown.
   */
  async history(options: {
    databaseId: string;
    days: number;
    now: Date;
    maxPoints?: number;
  }): Promise<DatabaseHistory | undefined> {
    const maxPoints = options.maxPoints ?? DEFAULT_HISTORY_MAX_POINTS;
    if (!Number.isInteger(maxPoints) || maxPoints < 1) {
      throw new TypeError(
        `cnpg-backups: history maxPoints must be a positive integer, got ${maxPoints}`,
      );
    }
    const r = await this.#db(DATABASES)
      .select('key', 'row')
      .where({ database_id: options.databaseId })
      .first();
    if (!r) return undefined;
    const row: FleetRow = JSON.parse(r.row);
    const nowMs = options.now.getTime();
    const points = await this.#db(HISTORY)
      .select('taken_at_ms', 'health', 'recoverable', 'exposure_seconds')
      .where('database_key', Number(r.key))
      .andWhere('taken_at_ms', '>', nowMs - options.days * DAY_MS)
      .andWhere('taken_at_ms', '<=', nowMs)
      .orderBy('taken_at_ms', 'asc');
    const fromMs = nowMs - options.days * DAY_MS;
    return {
      databaseId: options.databaseId,
      points: downsample(
        points.map(p => ({
          takenAt: new Date(Number(p.taken_at_ms)).toISOString(),
          health: p.health,
          ...(p.exposure_seconds === null || p.exposure_seconds === undefined
            ? {}
            : { exposureSeconds: Number(p.exposure_seconds) }),
          recoverable: Boolean(p.recoverable),
        })),
        { fromMs, toMs: nowMs, maxPoints },
      ),
      ...(row.recoverableRatio30d === undefined
        ? {}
        : { recoverableRatio30d: row.recoverableRatio30d }),
      diagnosisFirstSeen: row.diagnosisFirstSeen ?? {},
    };
  }

  /** Row counts (bench, tests). */
  async counts(): Promise<{
    databases: number;
    history: number;
    refreshes: number;
  }> {
    const count = async (table: string) =>
      Number(((await this.#db(table).count({ n: '*' })) as any[])[0].n);
    return {
      databases: await count(DATABASES),
      history: await count(HISTORY),
      refreshes: await count(REFRESHES),
    };
  }
}
