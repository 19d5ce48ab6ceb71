/*
 * The fleet (issue 12): one stored observation per database per background refresh, and the
 * REST answers of `GET /fleet` and `GET /fleet/databases/:kubernetesCluster/:namespace/:name/history`.
 * Shared by the backend (store, refresher, routes), the frontend (the Databases page) and the
 * snapshot listeners (notifications, metrics).
 */

/** Health of one database in the fleet. `unknown` = it could not be read. @public */
export type FleetHealthLevel = 'ok' | 'warning' | 'error' | 'unknown';

/** Every {@link FleetHealthLevel}, in risk order (most at risk first). @public */
export const FLEET_HEALTH_LEVELS: readonly FleetHealthLevel[] = [
  'error',
  'warning',
  'unknown',
  'ok',
];

/** One diagnosis as stored in a snapshot (id, severity, title and fix only). @public */
export interface FleetDiagnosis {
  id: string;
  severity: 'info' | 'warning' | 'error';
  title: string;
  fix?: string;
}

/**
 * One stored observation of one database: no secret, no endpoint credential, no bucket content
 * beyond key names.
 * @public
 */
export interface DatabaseSnapshot {
  /** `databaseId({ kubernetesCluster, namespace, name })`: `<kubernetesCluster>/<namespace>/<cluster>`. */
  databaseId: string;
  kubernetesCluster: string;
  namespace: string;
  /** The CNPG Cluster name. */
  cluster: string;
  serverName?: string;
  /** Owning entity ref; absent = unowned (no entity claims this Cluster). */
  entityRef?: string;
  /** The owning entity's `spec.owner` (entity ref). */
  owner?: string;
  /** The owning entity's `spec.system` (entity ref). */
  system?: string;
  /** S3 provider (aws, r2, hetzner, rustfs, minio, generic). */
  provider?: string;
  health: FleetHealthLevel;
  healthSummary?: string;
  /** ISO instant of the observation (injected clock). */
  takenAt: string;
  /** End of the recovery window (ISO). */
  lastRecoverableAt?: string;
  /** Start of the recovery window (ISO). */
  firstRecoverableAt?: string;
  /** takenAt − lastRecoverableAt, in seconds: the data-loss exposure. */
  exposureSeconds?: number;
  /**
   * The exposure above which the backups are broken, from the database's own policy: 2 × the
   * scheduled backup interval, capped by the retention policy (`exposureBoundSeconds`); absent
   * without a schedule or retention policy.
   */
  expectedMaxExposureSeconds?: number;
  /** Stop time of the last completed base backup (ISO). */
  lastBackupAt?: string;
  walGapCount: number;
  /** Most severe first. */
  diagnoses: FleetDiagnosis[];
  scanDurationMs?: number;
  s3Requests?: number;
}

/** One row of the fleet page. @public */
export interface FleetRow extends DatabaseSnapshot {
  /** Share (0..1) of the last 30 days' snapshots in which the database was recoverable. */
  recoverableRatio30d?: number;
  /** Diagnosis id → first takenAt of its current uninterrupted run of snapshots. */
  diagnosisFirstSeen: Record<string, string>;
  /** For unowned rows: the annotation YAML that claims the Cluster for an entity. */
  claimSnippet?: string;
}

/** `GET /fleet` answer. @public */
export interface FleetPage {
  items: FleetRow[];
  /** Rows matching the filters (before paging). */
  totalCount: number;
  /** Rows per health matching every filter except `health`. */
  countsByHealth: Record<FleetHealthLevel, number>;
  /** takenAt of the newest refresh stored, if any. */
  refreshedAt?: string;
}

/** Sort keys of `GET /fleet` (`sort=<key>` or `sort=-<key>` for descending; default `risk`). @public */
export type FleetSortKey =
  | 'risk'
  | 'database'
  | 'owner'
  | 'system'
  | 'kubernetesCluster'
  | 'provider'
  | 'health'
  | 'exposure'
  | 'firstRecoverable'
  | 'lastBackup'
  | 'walGaps';

/** Every {@link FleetSortKey}. @public */
export const FLEET_SORT_KEYS: readonly FleetSortKey[] = [
  'risk',
  'database',
  'owner',
  'system',
  'kubernetesCluster',
  'provider',
  'health',
  'exposure',
  'firstRecoverable',
  'lastBackup',
  'walGaps',
];

/**
 * The list filters of `GET /fleet` (repeatable query parameters), in the order the client
 * sends them.
 * @public
 */
export const FLEET_LIST_FILTERS = [
  'owner',
  'system',
  'health',
  'provider',
  'diagnosis',
] as const;

/** The checked query of `GET /fleet`. @public */
export interface FleetQuery {
  offset: number;
  limit: number;
  sort: FleetSortKey;
  descending: boolean;
  owner?: string[];
  system?: string[];
  health?: FleetHealthLevel[];
  provider?: string[];
  diagnosis?: string[];
  /** Case-insensitive substring of database id, entity, owner, system or server name. */
  search?: string;
  /** `owner=none`-style filter: only unowned rows (true) or only owned rows (false). */
  owned?: boolean;
}

/** One point of a database's history. @public */
export interface DatabaseHistoryPoint {
  takenAt: string;
  health: FleetHealthLevel;
  exposureSeconds?: number;
  recoverable: boolean;
}

/** `GET /fleet/databases/:kubernetesCluster/:namespace/:name/history?days=30` answer. @public */
export interface DatabaseHistory {
  databaseId: string;
  /** Oldest first. */
  points: DatabaseHistoryPoint[];
  recoverableRatio30d?: number;
  diagnosisFirstSeen: Record<string, string>;
}

/**
 * Whether a snapshot counts as "recoverable" for the 30-day ratio: the database had a recovery
 * window (a last recoverable point) and its health was not `error`. One definition for the
 * backend's ratio and any client that recomputes it from history points.
 * @public
 */
export function isSnapshotRecoverable(
  snapshot: Pick<DatabaseSnapshot, 'health' | 'lastRecoverableAt'>,
): boolean {
  return (
    snapshot.lastRecoverableAt !== undefined && snapshot.health !== 'error'
  );
}
