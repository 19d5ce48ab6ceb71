/*
 * The writes of one fleet refresh (FleetSnapshotStore.writeRefresh), one function per table
 * written: the latest rows, the history rows (a run extended or a new one opened), the refresh
 * run's row. Each takes the refresh's transaction.
 */
import {
  isSnapshotRecoverable,
  type DatabaseSnapshot,
  type FleetRow,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { Knex } from 'knex';
import { claimSnippet, nextDiagnosisFirstSeen } from './snapshot';

const CHUNK = 200;

/** The fleet's tables (created by the package's migrations). */
export const DATABASES = 'cnpg_fleet_databases';
export const HISTORY = 'cnpg_fleet_history';
export const REFRESHES = 'cnpg_fleet_refreshes';

/** One stored change: the previous latest snapshot (absent for a new database) and the new row. */
export interface StoredChange {
  previous?: DatabaseSnapshot;
  current: FleetRow;
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/** Strips the derived fields of a stored row: what the database looked like at takenAt. */
function toSnapshot(row: FleetRow): DatabaseSnapshot {
  const {
    recoverableRatio30d: _ratio,
    diagnosisFirstSeen: _firstSeen,
    claimSnippet: _claim,
    ...snapshot
  } = row;
  return snapshot;
}

/** A stored latest row, with its key and its open history row. */
interface LatestEntry {
  key: number;
  row: FleetRow;
  historyId?: number;
  historyStartedMs?: number;
}

/** The open history row of a database: its id and the instant its run started. */
interface OpenHistory {
  id: number;
  startedMs: number;
}

/** Every stored latest row, by database id. */
export async function readLatestIndex(
  tx: Knex.Transaction,
): Promise<Map<string, LatestEntry>> {
  const existing = new Map<string, LatestEntry>();
  for (const r of await tx(DATABASES).select(
    'key',
    'database_id',
    'row',
    'history_id',
    'history_started_ms',
  )) {
    existing.set(r.database_id, {
      key: Number(r.key),
      row: JSON.parse(r.row),
      historyId: r.history_id === null ? undefined : Number(r.history_id),
      historyStartedMs:
        r.history_started_ms === null
          ? undefined
          : Number(r.history_started_ms),
    });
  }
  return existing;
}

/** Inserts a placeholder latest row per new database; returns the key of every database. */
export async function insertNewDatabases(
  tx: Knex.Transaction,
  snapshots: DatabaseSnapshot[],
  existing: Map<string, LatestEntry>,
): Promise<Map<string, number>> {
  const fresh = snapshots.filter(s => !existing.has(s.databaseId));
  for (const part of chunks(fresh)) {
    await tx(DATABASES).insert(
      part.map(s => ({
        database_id: s.databaseId,
        kubernetes_cluster: s.kubernetesCluster,
        taken_at_ms: Date.parse(s.takenAt),
        row: '{}',
      })),
    );
  }
  const keys = new Map<string, number>();
  for (const [id, e] of existing) keys.set(id, e.key);
  for (const part of chunks(fresh.map(s => s.databaseId))) {
    for (const r of await tx(DATABASES)
      .select('key', 'database_id')
      .whereIn('database_id', part)) {
      keys.set(r.database_id, Number(r.key));
    }
  }
  return keys;
}

/**
 * Each snapshot extends its database's open history row (same health and recoverability, run
 * shorter than the interval) or opens a new one. Returns the open row of every database.
 */
export async function writeHistory(
  tx: Knex.Transaction,
  options: {
    snapshots: DatabaseSnapshot[];
    existing: Map<string, LatestEntry>;
    keys: Map<string, number>;
    intervalMs: number;
  },
): Promise<Map<string, OpenHistory>> {
  const open = new Map<string, OpenHistory>();
  const opening: DatabaseSnapshot[] = [];
  for (const s of options.snapshots) {
    const e = options.existing.get(s.databaseId);
    const t = Date.parse(s.takenAt);
    if (
      e?.historyId !== undefined &&
      e.historyStartedMs !== undefined &&
      e.row.health === s.health &&
      isSnapshotRecoverable(e.row) === isSnapshotRecoverable(s) &&
      t > Date.parse(e.row.takenAt) &&
      t - e.historyStartedMs < options.intervalMs
    ) {
      await extendHistoryRow(tx, e.historyId, t, s.exposureSeconds);
      open.set(s.databaseId, {
        id: e.historyId,
        startedMs: e.historyStartedMs,
      });
    } else {
      opening.push(s);
    }
  }
  for (const part of chunks(opening)) {
    await insertHistoryRows(tx, part, options.keys, open);
  }
  return open;
}

/** One more sample in an open history row (its exposure: the largest seen). */
async function extendHistoryRow(
  tx: Knex.Transaction,
  historyId: number,
  takenAtMs: number,
  exposure: number | undefined,
): Promise<void> {
  await tx(HISTORY)
    .where({ id: historyId })
    .update({
      samples: tx.raw('samples + 1'),
      last_taken_at_ms: takenAtMs,
      ...(exposure === undefined
        ? {}
        : {
            exposure_seconds: tx.raw(
              'CASE WHEN exposure_seconds IS NULL OR exposure_seconds < ? THEN ? ELSE exposure_seconds END',
              [exposure, exposure],
            ),
          }),
    });
}

/** Opens a history row per snapshot of `part`, recording each in `open`. */
async function insertHistoryRows(
  tx: Knex.Transaction,
  part: DatabaseSnapshot[],
  keys: Map<string, number>,
  open: Map<string, OpenHistory>,
): Promise<void> {
  const inserted = await tx(HISTORY).insert(
    part.map(s => ({
      database_key: keys.get(s.databaseId)!,
      taken_at_ms: Date.parse(s.takenAt),
      last_taken_at_ms: Date.parse(s.takenAt),
      samples: 1,
      health: s.health,
      recoverable: isSnapshotRecoverable(s),
      exposure_seconds: s.exposureSeconds ?? null,
    })),
    ['id', 'database_key'],
  );
  const idByKey = new Map<number, number>();
  for (const r of inserted as Array<{
    id: unknown;
    database_key: unknown;
  }>)
    idByKey.set(Number(r.database_key), Number(r.id));
  for (const s of part) {
    const id = idByKey.get(keys.get(s.databaseId)!);
    if (id === undefined) {
      throw new Error(
        `cnpg-backups: the history row of ${s.databaseId} was not returned by the insert`,
      );
    }
    open.set(s.databaseId, { id, startedMs: Date.parse(s.takenAt) });
  }
}

/**
 * The new latest row of every snapshot (diagnosis first-seen carried over, 30-day ratio, claim
 * snippet when unowned); returns one change per snapshot.
 */
export async function updateLatestRows(
  tx: Knex.Transaction,
  options: {
    snapshots: DatabaseSnapshot[];
    existing: Map<string, LatestEntry>;
    keys: Map<string, number>;
    open: Map<string, OpenHistory>;
    ratios: Map<number, number>;
  },
): Promise<StoredChange[]> {
  const { existing, keys, open, ratios } = options;
  const result: StoredChange[] = [];
  for (const s of options.snapshots) {
    const key = keys.get(s.databaseId)!;
    const previousRow = existing.get(s.databaseId)?.row;
    const current: FleetRow = {
      ...s,
      recoverableRatio30d: ratios.get(key),
      diagnosisFirstSeen: nextDiagnosisFirstSeen(
        previousRow?.diagnosisFirstSeen,
        s,
      ),
      ...(s.entityRef ? {} : { claimSnippet: claimSnippet(s) }),
    };
    if (current.recoverableRatio30d === undefined)
      delete current.recoverableRatio30d;
    await tx(DATABASES)
      .where({ key })
      .update({
        kubernetes_cluster: s.kubernetesCluster,
        taken_at_ms: Date.parse(s.takenAt),
        row: JSON.stringify(current),
        history_id: open.get(s.databaseId)!.id,
        history_started_ms: open.get(s.databaseId)!.startedMs,
      });
    result.push({
      previous: previousRow ? toSnapshot(previousRow) : undefined,
      current,
    });
  }
  return result;
}

/** Drops the latest rows of databases not seen in a Kubernetes cluster listed completely. */
export async function deleteGoneDatabases(
  tx: Knex.Transaction,
  options: {
    snapshots: DatabaseSnapshot[];
    existing: Map<string, LatestEntry>;
    listedKubernetesClusters: string[];
  },
): Promise<void> {
  const seen = new Set(options.snapshots.map(s => s.databaseId));
  const gone = [...options.existing.entries()]
    .filter(
      ([id, e]) =>
        !seen.has(id) &&
        options.listedKubernetesClusters.includes(e.row.kubernetesCluster),
    )
    .map(([, e]) => e.key);
  for (const part of chunks(gone))
    await tx(DATABASES).whereIn('key', part).delete();
}

/** The refresh run's row. */
export async function insertRefresh(
  tx: Knex.Transaction,
  options: {
    snapshots: DatabaseSnapshot[];
    startedAt: Date;
    finishedAt: Date;
    failures?: number;
  },
): Promise<void> {
  await tx(REFRESHES).insert({
    started_at_ms: options.startedAt.getTime(),
    finished_at_ms: options.finishedAt.getTime(),
    databases: options.snapshots.length,
    s3_requests: options.snapshots.reduce((n, s) => n + (s.s3Requests ?? 0), 0),
    failures: options.failures ?? 0,
  });
}
