/*
 * Issue 13, point 2: OpenTelemetry metrics per database, read from the latest fleet snapshots
 * (observable gauges of the meter `cnpg-backups`, the way Backstage instruments itself: the app
 * installs an SDK + exporter, e.g. Prometheus, and this code only uses @opentelemetry/api).
 *
 * Cardinality is bounded: one series per database and metric, labels kubernetes_cluster,
 * namespace, cluster, server_name and owner only (names, never endpoints, credentials or bucket
 * content), at most `maxDatabases` databases (default 2000).
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  DatabaseSnapshot,
  FleetHealthLevel,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  metrics,
  type Attributes,
  type Meter,
  type ObservableGauge,
} from '@opentelemetry/api';

/** Numeric value of `cnpg_backups_health_level`. */
export const HEALTH_LEVEL_VALUE: Record<FleetHealthLevel, number> = {
  ok: 0,
  warning: 1,
  error: 2,
  unknown: -1,
};

/** Diagnosis ids that mean WAL archiving fails (`cnpg_backups_archiving_failing`). */
export const ARCHIVING_FAILING_DIAGNOSES: ReadonlySet<string> = new Set([
  'checksum-incompatibility',
  'expected-empty-archive',
  'wal-archiver-missing',
  'plugin-not-installed',
  'archive-not-configured',
]);
/** Diagnosis ids that mean no base backup within 2× the schedule / the freshness bound (`cnpg_backups_backup_overdue`). */
export const BACKUP_OVERDUE_DIAGNOSES: ReadonlySet<string> = new Set([
  'schedule-overdue',
  'no-recent-backup',
]);

export const DEFAULT_MAX_DATABASES = 2000;
const MAX_LABEL_LENGTH = 253;

/** Where the gauges read the latest snapshot of each database. */
export interface LatestSnapshotsSource {
  latestSnapshots(): Promise<DatabaseSnapshot[]> | DatabaseSnapshot[];
}

const seconds = (iso: string | undefined): number | undefined => {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
};

const label = (value: string | undefined): string =>
  (value ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_LABEL_LENGTH);

/** The bounded label set of one database. */
export function metricLabels(snapshot: DatabaseSnapshot): Attributes {
  return {
    kubernetes_cluster: label(snapshot.kubernetesCluster),
    namespace: label(snapshot.namespace),
    cluster: label(snapshot.cluster),
    server_name: label(snapshot.serverName),
    owner: label(snapshot.owner),
  };
}

type Reading = (s: DatabaseSnapshot) => number | undefined;

const GAUGES: Array<{
  name: string;
  description: string;
  unit?: string;
  read: Reading;
}> = [
  {
    name: 'cnpg_backups_last_recoverable_timestamp_seconds',
    description:
      'End of the recovery window (Unix time): the newest point the database can be restored to',
    unit: 's',
    read: s => seconds(s.lastRecoverableAt),
  },
  {
    name: 'cnpg_backups_first_recoverable_timestamp_seconds',
    description:
      'Start of the recovery window (Unix time): the first recoverability point',
    unit: 's',
    read: s => seconds(s.firstRecoverableAt),
  },
  {
    name: 'cnpg_backups_exposure_seconds',
    description:
      'Data-loss exposure: snapshot time minus the last recoverable point',
    unit: 's',
    read: s => s.exposureSeconds,
  },
  {
    name: 'cnpg_backups_exposure_bound_seconds',
    description:
      "The exposure above which the backups are broken, from the database's policy: 2x the scheduled backup interval, capped by the retention policy (absent without either)",
    unit: 's',
    read: s => s.expectedMaxExposureSeconds,
  },
  {
    name: 'cnpg_backups_wal_gaps',
    description:
      'WAL gaps in the archive (segments missing between recoverable points)',
    read: s => s.walGapCount,
  },
  {
    name: 'cnpg_backups_health_level',
    description:
      'Backup health: 0 ok, 1 warning, 2 error, -1 unknown (could not be read)',
    read: s => HEALTH_LEVEL_VALUE[s.health],
  },
  {
    name: 'cnpg_backups_last_backup_timestamp_seconds',
    description: 'End of the last completed base backup (Unix time)',
    unit: 's',
    read: s => seconds(s.lastBackupAt),
  },
  {
    name: 'cnpg_backups_scan_duration_seconds',
    description: 'Duration of the last archive scan',
    unit: 's',
    read: s =>
      s.scanDurationMs === undefined ? undefined : s.scanDurationMs / 1000,
  },
  {
    name: 'cnpg_backups_s3_requests',
    description: 'S3 requests made by the last archive scan',
    read: s => s.s3Requests,
  },
  {
    name: 'cnpg_backups_archiving_failing',
    description: '1 when a diagnosis says WAL archiving fails, else 0',
    read: s =>
      s.diagnoses.some(d => ARCHIVING_FAILING_DIAGNOSES.has(d.id)) ? 1 : 0,
  },
  {
    name: 'cnpg_backups_backup_overdue',
    description:
      '1 when no base backup completed within 2× the schedule interval (or the freshness bound), else 0',
    read: s =>
      s.diagnoses.some(d => BACKUP_OVERDUE_DIAGNOSES.has(d.id)) ? 1 : 0,
  },
  {
    name: 'cnpg_backups_snapshot_timestamp_seconds',
    description: 'When the backend last observed the database (Unix time)',
    unit: 's',
    read: s => seconds(s.takenAt),
  },
];

/** Every metric name this plugin exports (docs and rule tests check against it). */
export const FLEET_METRIC_NAMES: readonly string[] = GAUGES.map(g => g.name);

/** Registers the gauges on the meter; returns a function that unregisters them. */
export function registerFleetMetrics(options: {
  source: LatestSnapshotsSource;
  logger: LoggerService;
  meter?: Meter;
  maxDatabases?: number;
}): () => void {
  const meter = options.meter ?? metrics.getMeter('cnpg-backups');
  const max = options.maxDatabases ?? DEFAULT_MAX_DATABASES;
  const gauges: Array<[ObservableGauge, Reading]> = GAUGES.map(g => [
    meter.createObservableGauge(g.name, {
      description: g.description,
      unit: g.unit,
    }),
    g.read,
  ]);
  let warnedCap = false;
  const callback = async (result: {
    observe(o: ObservableGauge, v: number, a?: Attributes): void;
  }) => {
    let snapshots: DatabaseSnapshot[];
    try {
      snapshots = await options.source.latestSnapshots();
    } catch (error) {
      options.logger.warn(
        `cnpg-backups metrics: could not read the latest snapshots: ${
          (error as Error).message
        }`,
      );
      return;
    }
    if (snapshots.length > max && !warnedCap) {
      warnedCap = true;
      options.logger.warn(
        `cnpg-backups metrics: ${snapshots.length} databases, exporting the first ${max} (cnpgBackups.metrics.maxDatabases)`,
      );
    }
    const sorted = [...snapshots]
      .sort((a, b) => a.databaseId.localeCompare(b.databaseId))
      .slice(0, max);
    for (const snapshot of sorted) {
      const attributes = metricLabels(snapshot);
      for (const [gauge, read] of gauges) {
        const value = read(snapshot);
        if (value !== undefined && Number.isFinite(value)) {
          result.observe(gauge, value, attributes);
        }
      }
    }
  };
  const observables = gauges.map(([g]) => g);
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}

/**
 * The latest snapshot of each database, fed by the fleet refresher as a snapshot listener; a
 * database not seen for `forgetAfterMs` (default 1 h) is dropped so a deleted cluster stops
 * being exported.
 */
export class LatestSnapshots implements LatestSnapshotsSource {
  readonly #byId = new Map<string, DatabaseSnapshot>();
  readonly #now: () => Date;
  readonly #forgetAfterMs: number;

  constructor(options: { now?: () => Date; forgetAfterMs?: number } = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#forgetAfterMs = options.forgetAfterMs ?? 60 * 60 * 1000;
  }

  async onSnapshots(
    changes: Array<{ current: DatabaseSnapshot }>,
  ): Promise<void> {
    for (const { current } of changes)
      this.#byId.set(current.databaseId, current);
  }

  latestSnapshots(): DatabaseSnapshot[] {
    const cutoff = this.#now().getTime() - this.#forgetAfterMs;
    for (const [id, s] of this.#byId) {
      if (!(Date.parse(s.takenAt) >= cutoff)) this.#byId.delete(id);
    }
    return [...this.#byId.values()];
  }
}
