/*
 * The scanner's public types: options, progress, results and the state a caller keeps
 * between scans to make the next one incremental.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { BarmanCatalog } from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CompactObjectList } from './CompactObjectList';

/** The slice of a Backstage `LoggerService` the scanner uses. @public */
export interface ScannerLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/** A small object read earlier, reused while its size and LastModified are unchanged. @public */
export interface CachedObjectText {
  size: number;
  lastModifiedMs: number;
  /** Undefined when the content could not be decoded (e.g. a bzip2 history file). */
  text?: string;
}

/** What one hash directory held at the last scan. @public */
export interface HashDirState {
  list: CompactObjectList;
  /** Always true since `wals/` is listed flat; a failed listing sets {@link ScanState.walComplete} instead. */
  complete: boolean;
}

/**
 * What a scan saw, kept by the caller and passed back as `previous` to make the next scan
 * incremental. Treat it as opaque; it is never mutated by a later scan.
 * @public
 */
export interface ScanState {
  readonly version: 2;
  readonly destination: string;
  readonly serverName: string;
  readonly scannedAt: string;
  /** Hash directory name (`0000000100000000`) → its objects. */
  readonly hashDirs: ReadonlyMap<string, HashDirState>;
  /** Files directly under `wals/` (history files). */
  readonly walTop: CompactObjectList;
  /** Greatest key under `wals/` seen (relative to it): the next scan lists after it. */
  readonly lastWalName?: string;
  /** False when part of `wals/` could not be listed: the next scan lists it in full. */
  readonly walComplete: boolean;
  /** Backup ids present in `base/`. */
  readonly backupIds: ReadonlySet<string>;
  /** Backup id → backup.info. */
  readonly backupInfos: ReadonlyMap<string, CachedObjectText>;
  /** Backup id → annotations/keep. */
  readonly keepAnnotations: ReadonlyMap<string, CachedObjectText>;
  /** File name directly under `wals/` → history file. */
  readonly historyFiles: ReadonlyMap<string, CachedObjectText>;
  /** Highest timeline with WAL or history files. */
  readonly maxTimeline: number;
}

/** Result of `BarmanArchiveScanner.scan`. @public */
export interface ScanResult {
  catalog: BarmanCatalog;
  state: ScanState;
}

/** Result of `BarmanArchiveScanner.isServerNameEmpty`. @public */
export interface ServerNameEmptiness {
  /** WAL-like objects seen (segments, .partial, .backup, .history), capped at one page. */
  walObjects: number;
  /** True when `wals/` holds no WAL-like object: barman's "Expected empty archive" check passes. */
  empty: boolean;
}

/** What a running scan or listing has done so far, for progress reports. @public */
export interface ScanProgress {
  /** The destination being read. */
  destination: string;
  /** The serverName being scanned; empty while listing serverNames. */
  serverName: string;
  /** Keys (and common prefixes) received from listings so far. */
  keysListed: number;
  /** S3 calls sent so far. */
  requests: number;
  /** S3 calls sent and not answered yet. */
  inFlight: number;
  /** The prefix or key of the last call sent. */
  lastKey?: string;
}

/** Options of `BarmanArchiveScanner.create`. @public */
export interface BarmanArchiveScannerOptions {
  /** A client from `createS3Client` (read-only). */
  client: S3Client;
  /**
   * Maximum listing requests in flight per scan, and (separately) maximum GETs of small
   * files (backup.info, history) in flight, so that neither kind waits behind the other.
   * Also the number of parallel key ranges a full scan splits `wals/` into. Default 8.
   */
  concurrency?: number;
  logger?: ScannerLogger;
  /**
   * A `previous` state older than this (ms) is not used for an incremental scan; the archive
   * is listed in full (cached backup.info texts are still reused). An incremental scan only
   * lists what is new, so it cannot see WAL deleted from the middle of the archive, nor WAL
   * that retention trimmed without deleting a backup. Default 1 hour.
   */
  fullScanAfterMs?: number;
  /**
   * Called after every S3 call is sent and answered (the CLI prints it on stderr while it
   * waits). Must not throw.
   */
  onProgress?: (progress: ScanProgress) => void;
  /**
   * The clock: `scannedAt`, the age of a `previous` state (`fullScanAfterMs`) and the
   * catalog's age-based rules (a backup folder without backup.info is "probably still
   * running" for 6 hours after its newest object) read it. Default the real clock
   * (`() => new Date()`); the backend passes its own (the clock extension point). Scan
   * durations are always measured with the real monotonic clock.
   */
  now?: () => Date;
}
