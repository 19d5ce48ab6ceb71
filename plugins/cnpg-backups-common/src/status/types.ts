/*
 * The REST contract between the backend and the frontend: one status per database.
 *
 * "The bucket is the truth; the CRs are the intent." Every status carries both: what the
 * Kubernetes objects say (intent + operator view) and what the Barman archive holds (truth),
 * reconciled, with the reason whenever they disagree.
 */
import type {
  BarmanCatalog,
  CatalogBackup,
  CompressionName,
  Diagnosis,
} from '../catalog/types';
import type { CnpgBackup } from '../kubernetes/resources';
import type { BACKUP_SUMMARY_STATUS_FIELDS } from './summarize';

/** Overall health light. @public */
export type HealthLevel = 'ok' | 'warning' | 'error' | 'unknown';

/** Where a per-source error came from. @public */
export type ErrorSource = 'kubernetes' | 's3' | 'config' | 'internal';

/**
 * An error met while building a status. Errors are data: one broken Kubernetes cluster or
 * bucket yields one of these in that database's status, never an HTTP 500.
 * @public
 */
export interface SourceError {
  source: ErrorSource;
  /** Named error, e.g. `KubernetesUnauthorized`, `CrdNotInstalled`, `AccessDenied`, `NoSuchBucket`. */
  name: string;
  message: string;
  /** Kubernetes cluster name, or S3 endpoint/bucket. */
  target?: string;
}

/** A reference to a key in a Kubernetes Secret. Values are never returned. @public */
export interface SecretKeyRef {
  name: string;
  key: string;
}

/** A Kubernetes condition, trimmed. @public */
export interface ConditionSummary {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** Which CNPG archiving form a cluster uses. @public */
export type ArchiveForm = 'plugin' | 'legacy';

/** S3 provider presets. @public */
export type S3Provider =
  | 'aws'
  | 'r2'
  | 'hetzner'
  | 'rustfs'
  | 'minio'
  | 'generic';

/** Where (and how) a database archives, as resolved from its Cluster and ObjectStore. @public */
export interface ArchiveTarget {
  form: ArchiveForm;
  /** ObjectStore name (plugin form). */
  objectStoreName?: string;
  /** `s3://bucket/prefix`. */
  destinationPath: string;
  bucket: string;
  prefix: string;
  endpointURL?: string;
  provider: S3Provider;
  serverName: string;
  /** Whether the plugin entry has `isWALArchiver: true` (plugin form). */
  isWALArchiver?: boolean;
  walCompression?: CompressionName;
  dataCompression?: CompressionName;
  retentionPolicy?: string;
  credentials: {
    accessKeyId?: SecretKeyRef;
    secretAccessKey?: SecretKeyRef;
    sessionToken?: SecretKeyRef;
    region?: SecretKeyRef;
    inheritFromIAMRole?: boolean;
  };
  endpointCA?: SecretKeyRef;
  /** Names (not values) of sidecar env vars (ObjectStore.spec.instanceSidecarConfiguration.env). */
  sidecarEnv: string[];
}

/** An `externalClusters[]` entry usable as a recovery source. @public */
export interface RecoverySource {
  name: string;
  form: ArchiveForm;
  serverName: string;
  objectStoreName?: string;
  destinationPath?: string;
}

/** Cluster facts from the Cluster CR. @public */
export interface ClusterSummary {
  /** Name of the Kubernetes cluster (from Backstage's `kubernetes` config). */
  kubernetesCluster: string;
  namespace: string;
  name: string;
  uid?: string;
  creationTimestamp?: string;
  phase?: string;
  instances?: number;
  readyInstances?: number;
  currentPrimary?: string;
  timelineID?: number;
  imageName?: string;
  conditions: ConditionSummary[];
}

/** A ScheduledBackup, explained. @public */
export interface ScheduleSummary {
  name: string;
  schedule: string;
  /** Number of fields in `schedule` (CNPG expects 6, seconds first). */
  fieldCount: number;
  /** How CNPG reads it (seconds first), in words. */
  description: string;
  /** Next run as CNPG computes it (ISO-8601), if parseable. */
  nextRun?: string;
  lastScheduleTime?: string;
  suspended: boolean;
  /** True when the last run is older than the expected interval plus a grace period. */
  overdue: boolean;
  immediate: boolean;
  method?: string;
  /** Parse error, when the expression is invalid. */
  error?: string;
}

/**
 * A Backup CR, trimmed: its name, the status fields of {@link BACKUP_SUMMARY_STATUS_FIELDS}
 * (`method` falls back to the spec's), when it was created and by which ScheduledBackup.
 * @public
 */
export interface BackupResourceSummary
  extends Pick<
    NonNullable<CnpgBackup['status']>,
    (typeof BACKUP_SUMMARY_STATUS_FIELDS)[number]
  > {
  name: string;
  creationTimestamp?: string;
  scheduledBackup?: string;
}

/** A base backup seen from both sides. @public */
export interface ReconciledBackup {
  /** Barman backup id when known, else the Backup CR name. */
  id: string;
  /** `both`: CR and bucket agree it exists; `bucket-only`: no CR (e.g. deleted or made by hand); `cr-only`: CR says it exists but the bucket has none. */
  presence: 'both' | 'bucket-only' | 'cr-only';
  bucket?: CatalogBackup;
  resource?: BackupResourceSummary;
  /** Why the two sides disagree, when they do. */
  note?: string;
  /**
   * How to show this backup, decided by the backend once (the bucket first, else the CR phase),
   * so a client matches no status strings. Optional only for older backends.
   */
  display?: BackupDisplay;
}

/**
 * How a backup is doing: `ok` (DONE in the bucket, or a completed CR), `error` (FAILED, or a
 * failed CR), `running` (barman STARTED, a CR pending/started/running/finalizing or not picked up
 * yet), `unknown` (anything else, e.g. WAITING_FOR_WALS or a CR phase this version does not know).
 * @public
 */
export type BackupSeverity = 'ok' | 'error' | 'running' | 'unknown';

/** The display facts of one reconciled backup. @public */
export interface BackupDisplay {
  /** The label: the bucket's status (`DONE`, `FAILED`…), else `CR <phase>`, else `unknown`. */
  status: string;
  severity: BackupSeverity;
  /**
   * The backup's time (ISO-8601): bucket end, bucket begin, CR stop, CR start, the time in the
   * barman backup id, CR creation, the first one known. Absent when none is known.
   */
  time?: string;
}

/** Recovery window from the operator (ObjectStore/Cluster status) and from the bucket, reconciled. @public */
export interface ReconciledRecoveryWindow {
  operator?: {
    firstRecoverabilityPoint?: string;
    lastSuccessfulBackupTime?: string;
    lastFailedBackupTime?: string;
    /** `ObjectStore.status.serverRecoveryWindow` or the deprecated Cluster status fields. */
    source: 'objectstore' | 'cluster-status';
  };
  bucket?: {
    firstRecoverabilityPoint?: string;
    lastRecoverablePoint?: string;
    lastRecoverableWal?: string;
    lastSuccessfulBackupTime?: string;
  };
  /** What the card shows: the bucket's window when it was scanned, else the operator's. */
  effective: {
    from?: string;
    to?: string;
    basis: 'bucket' | 'operator' | 'none';
  };
  agreement: 'agree' | 'disagree' | 'unknown';
  /** Explanation when they disagree. */
  explanation?: string;
}

/** One serverName found in the same store/prefix: the database's archive lineage. @public */
export interface LineageEntry {
  serverName: string;
  /** Archived to now by this database. */
  current: boolean;
  /** Named as a recovery source in externalClusters. */
  recoverySource: boolean;
  backupCount?: number;
  firstBackupTime?: string;
  lastActivity?: string;
}

/** The status of one database (one CNPG Cluster). @public */
export interface DatabaseStatus {
  /** `<kubernetesCluster>/<namespace>/<name>`. */
  id: string;
  cluster: ClusterSummary;
  health: {
    level: HealthLevel;
    summary: string;
    archiving: { level: HealthLevel; text: string };
    lastBackup: { level: HealthLevel; text: string; ageSeconds?: number };
    schedule: { level: HealthLevel; text: string };
  };
  archive?: ArchiveTarget;
  recoverySources: RecoverySource[];
  recoveryWindow: ReconciledRecoveryWindow;
  backups: ReconciledBackup[];
  schedules: ScheduleSummary[];
  /** Bucket catalog of the current serverName (truth), when it could be scanned. */
  catalog?: BarmanCatalog;
  lineage: LineageEntry[];
  /**
   * The backup a "last backup" line shows: the newest the bucket holds as DONE, else the newest
   * of any kind (by {@link BackupDisplay.time}); an id of `backups`. Absent without backups.
   */
  lastBackupId?: string;
  /** Sorted by severity then id. */
  diagnoses: Diagnosis[];
  errors: SourceError[];
  /** What the UI may offer (permission decisions are taken per request as well). */
  actions: {
    backupMethod?: 'plugin' | 'barmanObjectStore';
  };
  /**
   * The Cluster's `spec` as read from Kubernetes (a Cluster spec holds Secret names, never
   * Secret values). The recovery manifest builder copies instances, storage, image, parameters
   * and the archive settings from it. Optional: without it the scaffolder derives a minimal
   * spec from `cluster` and `archive`.
   */
  clusterSpec?: Record<string, unknown>;
}

/** GET /entities/:kind/:namespace/:name/status. @public */
export interface EntityBackupStatusResponse {
  entityRef: string;
  databases: DatabaseStatus[];
  /** Errors not tied to one database (e.g. a Kubernetes cluster that could not be listed). */
  errors: SourceError[];
  generatedAt: string;
}

/** POST /databases/backups body. @public */
export interface CreateBackupRequest {
  entityRef: string;
  kubernetesCluster: string;
  namespace: string;
  cluster: string;
}

/** POST /databases/backups response. @public */
export interface CreateBackupResponse {
  backup: BackupResourceSummary;
  namespace: string;
  kubernetesCluster: string;
}

/** Identifies one CNPG Cluster (REST path `/databases/:kubernetesCluster/:namespace/:name`). @public */
export interface DatabaseRef {
  kubernetesCluster: string;
  namespace: string;
  name: string;
}

/** A Cluster claiming a serverName (see {@link ServerNameEmptinessResponse}). @public */
export interface ServerNameClaimant {
  kubernetesCluster: string;
  namespace: string;
  name: string;
  kind: 'cluster' | 'creation';
}

/** Answer of `GET …/server-names/:serverName` (is an archive serverName free?). @public */
export interface ServerNameEmptinessResponse {
  serverName: string;
  /** True when `wals/` holds no WAL-like object (barman's empty-archive check passes). */
  empty: boolean;
  walObjects: number;
  destinationPath: string;
  /**
   * Who writes (or is about to write) to this serverName in the same destination: Clusters
   * whose archive declaration names it (`kind: 'cluster'`) and recovery Clusters being created
   * (`kind: 'creation'`). Sorted by namespace, then name.
   */
  claimedBy: ServerNameClaimant[];
  /**
   * True only when the folder is empty AND nobody claims it: the one answer a planner may
   * pick the serverName on. A claimed serverName is not available even if its folder is empty.
   */
  available: boolean;
}

/** Answer of `POST …/clusters` (a recovery Cluster created). @public */
export interface CreateClusterResponse {
  kubernetesCluster: string;
  namespace: string;
  name: string;
  uid?: string;
}
