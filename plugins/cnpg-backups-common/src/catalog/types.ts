/*
 * The Barman catalog: what a Barman Cloud archive in S3 holds for one serverName.
 *
 * This is the public JSON contract of `cnpg-backups inspect --format json` (schemaVersion 1)
 * and the "bucket truth" half of every database status. Keep changes additive.
 */

/** Severity of a finding. `error` makes the CLI exit 1. @public */
export type DiagnosisSeverity = 'error' | 'warning' | 'info';

/**
 * A named finding with its evidence and the exact fix.
 * @public
 */
export interface Diagnosis {
  /** Stable rule id, e.g. `wal-gap`, `checksum-incompatibility`. */
  id: string;
  severity: DiagnosisSeverity;
  /** One sentence saying what is wrong, with the concrete names. */
  message: string;
  /** The facts the rule saw (object keys, condition messages, field values). */
  evidence: string[];
  /** What to do, in words. */
  fix: string;
  /** Optional copy-pasteable YAML (or shell) snippet implementing the fix. */
  fixSnippet?: string;
  /** Which database/serverName the finding is about, when not obvious from context. */
  subject?: string;
}

/** Barman backup status as exposed by the catalog. @public */
export type CatalogBackupStatus = 'DONE' | 'FAILED' | 'STARTED' | 'INCOMPLETE';

/** WAL/data compression names as barman/CNPG spell them. @public */
export type CompressionName =
  | 'none'
  | 'gzip'
  | 'bzip2'
  | 'xz'
  | 'snappy'
  | 'zstd'
  | 'lz4';

/** One base backup under `<serverName>/base/<id>/`. @public */
export interface CatalogBackup {
  /** Barman backup id, `YYYYMMDDTHHMMSS`. */
  id: string;
  /** `backup_name` from backup.info (CNPG: `backup-YYYYMMDDHHMMSS`), if any. */
  name?: string;
  /**
   * DONE/FAILED/STARTED as written in backup.info; INCOMPLETE when the folder has no
   * backup.info (in progress, or killed).
   */
  status: CatalogBackupStatus;
  /** ISO-8601 UTC. */
  beginTime?: string;
  endTime?: string;
  beginWal?: string;
  endWal?: string;
  beginLsn?: string;
  endLsn?: string;
  timeline?: number;
  /** Sum of the sizes of every object under `base/<id>/`. */
  storedBytes: number;
  /** Number of objects under `base/<id>/`. */
  objectCount: number;
  /** From the data tarball extension (backup.info's `compression` is never trusted). */
  dataCompression?: CompressionName;
  /** `cluster_size` from backup.info: the estimated database size. */
  clusterSizeBytes?: number;
  /** PostgreSQL `server_version_num`. */
  pgVersion?: number;
  systemId?: string;
  /** WAL segment size in bytes (`xlog_segment_size`, default 16 MiB). */
  walSegmentSize: number;
  /** True when DONE and every WAL segment from beginWal to endWal is in the archive. */
  restorable: boolean;
  /** Why it is not restorable, or the FAILED backup's error. */
  error?: string;
  /** `annotations/keep` content (`full` | `standalone`), if present. */
  keep?: 'full' | 'standalone';
  /** True when `annotations/keep` exists (its content is only known when it was read). */
  keepAnnotationPresent?: boolean;
  /** Newest LastModified among the backup's objects (ISO-8601). */
  lastModified?: string;
}

/** A run of missing WAL segments on one timeline (inclusive). @public */
export interface WalGap {
  firstMissing: string;
  lastMissing: string;
  count: number;
}

/** WAL inventory of one timeline. @public */
export interface CatalogTimeline {
  timeline: number;
  /** First and last full segment names (24 hex) present on this timeline. */
  firstSegment?: string;
  lastSegment?: string;
  segmentCount: number;
  gaps: WalGap[];
  /** Whether `wals/<TLI>.history` exists (always true for timeline 1, which has none). */
  historyFile: boolean;
  /** `.partial` segment names (without suffix) on this timeline. */
  partialSegments: string[];
  /** Parent timeline and switch point, from this timeline's history file. */
  parentTimeline?: number;
  switchLsn?: string;
  /** LastModified of the newest segment on this timeline (ISO-8601). */
  lastModified?: string;
}

/** A continuous span of recoverability. @public */
export interface RecoverableRange {
  timeline: number;
  /** Earliest point: the end time of the base backup that opens the range. */
  from: string;
  /** Latest point estimate: LastModified of the last WAL reachable without a gap. */
  to: string;
  /** The backup whose WAL chain makes this range. */
  baseBackupId: string;
  /** begin_wal of the base backup: the first WAL segment the range needs. */
  fromWal: string;
  /** The last segment reachable without a gap (possibly on a descendant timeline). */
  toWal: string;
}

/** The recovery window as the bucket shows it. @public */
export interface CatalogRecoveryWindow {
  /** End time of the oldest DONE backup (the CNPG rule). */
  firstRecoverabilityPoint?: string;
  /** Newest WAL segment reachable without a gap from a DONE backup. */
  lastRecoverableWal?: string;
  /** Best time estimate for lastRecoverableWal: its object's LastModified. */
  lastRecoverablePoint?: string;
  /** End time of the newest DONE backup. */
  lastSuccessfulBackupTime?: string;
  ranges: RecoverableRange[];
}

/** A named error met while scanning: what failed and how much of the scan is affected. @public */
export interface ScanError {
  /** e.g. `AccessDenied`, `NoSuchBucket`, `S3Unavailable`, `ScanTimeout`, `InvalidBackupInfo`. */
  name: string;
  message: string;
  /** Object key or prefix involved, when known. */
  key?: string;
}

/** How the scan went. @public */
export interface ScanInfo {
  /** False when any part of the archive could not be read: the catalog is partial. */
  complete: boolean;
  errors: ScanError[];
  /** S3 requests made by this scan (List + Get + Head). */
  requests: number;
  /**
   * Extra HTTP attempts the SDK made when requests were retried (throttling, 5xx, network
   * errors), on top of `requests`. Absent when the client does not report attempts.
   */
  retries?: number;
  durationMs: number;
  /** ISO-8601 time the scan finished. */
  scannedAt: string;
  /** Number of WAL objects seen. */
  walObjects: number;
  /** Whether this scan was an incremental refresh of an earlier one. */
  incremental: boolean;
}

/** The catalog of one serverName. @public */
export interface BarmanCatalog {
  schemaVersion: 1;
  /** `s3://bucket/prefix` as given. */
  destination: string;
  serverName: string;
  /** Sorted by id. */
  backups: CatalogBackup[];
  wal: {
    timelines: CatalogTimeline[];
    compressions: CompressionName[];
    /** Segment size used for the arithmetic (from backup.info, default 16 MiB). */
    segmentSize: number;
  };
  recoveryWindow: CatalogRecoveryWindow;
  diagnoses: Diagnosis[];
  scan: ScanInfo;
}

/** One-line summary of a serverName found under a prefix. @public */
export interface ServerNameSummary {
  serverName: string;
  hasBase: boolean;
  hasWals: boolean;
}
