/**
 * Reads a Barman Cloud archive from S3 with as few requests as the layout allows, and hands
 * the listing to the pure catalog builder. The scan's phases live in their own files: the
 * S3 session (ArchiveSession), WAL listing (walListing), base/ listing and reads
 * (baseListing), merge with the previous scan (mergeWal), history files (historyFiles) and
 * the catalog (assembleScan).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import {
  classifyArchiveFile,
  InvalidCatalogInputError,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { ServerNameSummary } from '@cnpg-backups/plugin-cnpg-backups-common';
import { ArchiveSession } from './ArchiveSession';
import { assembleScan } from './assembleScan';
import { listBase, readBaseFiles } from './baseListing';
import { readHistoryFiles } from './historyFiles';
import { mergeWalListing } from './mergeWal';
import { openScanState } from './scanStatePacking';
import type {
  BarmanArchiveScannerOptions,
  ScannerLogger,
  ScanProgress,
  ScanResult,
  ScanState,
  ServerNameEmptiness,
} from './types';
import { WalListing } from './walListing';

export { planWalSplits, spreadOrder } from './walRanges';
export type {
  BarmanArchiveScannerOptions,
  CachedObjectText,
  HashDirState,
  ScannerLogger,
  ScanProgress,
  ScanResult,
  ScanState,
  ServerNameEmptiness,
} from './types';

/**
 * The clock given to `BarmanArchiveScanner.create` returned something that is not a valid
 * `Date`.
 * @public
 */
export class InvalidScannerClockError extends Error {
  readonly name = 'InvalidScannerClockError';
}

/**
 * Lists and reads Barman Cloud archives: finds serverNames under a prefix, checks whether a
 * serverName's WAL archive is empty, and builds the catalog of one serverName, incrementally
 * when given the previous scan's state.
 * @public
 */
export class BarmanArchiveScanner {
  readonly #client: S3Client;
  readonly #concurrency: number;
  readonly #logger?: ScannerLogger;
  readonly #fullScanAfterMs: number;
  readonly #onProgress?: (progress: ScanProgress) => void;
  readonly #now: () => Date;

  static create(options: BarmanArchiveScannerOptions): BarmanArchiveScanner {
    return new BarmanArchiveScanner(options);
  }

  private constructor(options: BarmanArchiveScannerOptions) {
    this.#client = options.client;
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.#logger = options.logger;
    this.#fullScanAfterMs = options.fullScanAfterMs ?? 3_600_000;
    this.#onProgress = options.onProgress;
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TypeError(
        `BarmanArchiveScanner: now must be a function returning a Date, got ${typeof options.now}`,
      );
    }
    this.#now = options.now ?? (() => new Date());
  }

  /** The injected clock's reading, checked: a clock that returns no valid Date is a named error. */
  #readClock(): number {
    const now = this.#now();
    const ms = now instanceof Date ? now.getTime() : NaN;
    if (Number.isNaN(ms)) {
      throw new InvalidScannerClockError(
        `BarmanArchiveScanner: the injected clock returned ${String(
          now,
        )}, not a valid Date`,
      );
    }
    return ms;
  }

  /**
   * The serverNames under a destination: folders that hold a `base/` or `wals/` folder.
   *
   * @throws InvalidDestinationError, or S3AccessError when the prefix cannot be listed.
   */
  async listServerNames(options: {
    destination: string;
  }): Promise<ServerNameSummary[]> {
    const session = this.#session(options.destination, '');
    const ctx = session.ctx;
    const candidates: string[] = [];
    await session.listPages(
      { prefix: ctx.destination.keyPrefix, delimiter: '/' },
      page => {
        for (const p of page.CommonPrefixes ?? []) {
          if (p.Prefix) candidates.push(p.Prefix);
        }
      },
    );
    const unique = [...new Set(candidates)].sort();
    const summaries = await Promise.all(
      unique.map(prefix =>
        ctx.limit(async (): Promise<ServerNameSummary | undefined> => {
          let hasBase = false;
          let hasWals = false;
          await session.listPages({ prefix, delimiter: '/' }, page => {
            for (const p of page.CommonPrefixes ?? []) {
              if (p.Prefix === `${prefix}base/`) hasBase = true;
              if (p.Prefix === `${prefix}wals/`) hasWals = true;
            }
            // Stop paging once both are known; `wals/` sorts after `base/`.
            return hasBase && hasWals;
          });
          if (!hasBase && !hasWals) return undefined;
          const serverName = prefix.slice(ctx.destination.keyPrefix.length, -1);
          return { serverName, hasBase, hasWals };
        }),
      ),
    );
    this.#logger?.debug('Listed Barman serverNames', {
      destination: options.destination,
      found: summaries.filter(Boolean).length,
      requests: ctx.requests,
    });
    return summaries
      .filter((s): s is ServerNameSummary => s !== undefined)
      .sort(byServerName);
  }

  /**
   * Whether `<serverName>/wals/` holds no WAL-like file, the condition of barman's
   * "Expected empty archive" check (junk files are ignored, as barman does). Usually one
   * request.
   *
   * @throws InvalidDestinationError, or S3AccessError when it cannot be listed.
   */
  async isServerNameEmpty(options: {
    destination: string;
    serverName: string;
  }): Promise<ServerNameEmptiness> {
    const session = this.#session(options.destination, options.serverName);
    const ctx = session.ctx;
    let walObjects = 0;
    await session.listPages(
      { prefix: `${ctx.root}wals/`, maxKeys: 1000 },
      page => {
        for (const o of page.Contents ?? []) {
          if (o.Key && classifyArchiveFile(o.Key).kind !== 'unknown')
            walObjects++;
        }
        // One WAL-like file decides it; only junk-only pages make us read on.
        return walObjects > 0;
      },
    );
    return { walObjects, empty: walObjects === 0 };
  }

  /**
   * Scans one serverName and builds its catalog. Never throws for S3 failures: a scan that
   * cannot finish returns what it read with `scan.complete = false` and named
   * `scan.errors`.
   *
   * `wals/` is listed flat (no delimiter): WAL names, hash directories and `<TLI>.history`
   * files sort lexically in archiving order, so one key range holds everything. A full scan
   * starts listing at once and, as soon as the backup.info files tell where the WAL of each
   * backup begins, splits the rest of the key range into parallel ranges (see
   * {@link planWalSplits}).
   *
   * With `previous` (the state of an earlier scan of the same destination and serverName, not
   * older than `fullScanAfterMs`) `base/` is listed, `wals/` is listed from the last key seen
   * on (`StartAfter`), and only new or changed backup.info/history files are read: 2 requests
   * plus one per 1,000 new WAL files (plus one GET per new backup). When `base/` shows that
   * backups were deleted (retention), the start of `wals/` up to the oldest remaining backup is
   * listed again, because retention removes that WAL too.
   *
   * `clusterName` is the CNPG Cluster that the fixes of the diagnoses name (the
   * `kubectl cnpg backup` command, Backup manifests). Without it they say `<cluster>`: the
   * serverName is not a safe guess (a Cluster `orders` may archive to `orders-v2`). A catalog shared by several
   * Clusters is scanned without it and named per Cluster with `applyCatalogClusterName`.
   *
   * @throws InvalidDestinationError for a malformed destination or serverName.
   */
  async scan(options: {
    destination: string;
    serverName: string;
    clusterName?: string;
    previous?: ScanState;
  }): Promise<ScanResult> {
    if (
      options.clusterName !== undefined &&
      (typeof options.clusterName !== 'string' || options.clusterName === '')
    ) {
      // Before any request: a scan whose catalog cannot be built is not worth its requests.
      throw new InvalidCatalogInputError(
        'clusterName must be a non-empty string when given',
      );
    }
    const started = this.#readClock();
    const startedMonotonic = performance.now();
    const session = this.#session(options.destination, options.serverName);
    // Same archive: its cached backup.info/history texts stay usable whatever its age.
    // Opened: its cached texts unpacked once for this scan (states are kept packed).
    const sameArchive =
      options.previous &&
      options.previous.version === 2 &&
      options.previous.destination === options.destination &&
      options.previous.serverName === options.serverName
        ? openScanState(options.previous)
        : undefined;
    // Incremental only from a complete, recent listing: WAL deleted in the middle of the
    // archive (a manual delete, retention that removed no backup) is only seen by a full one.
    const age = sameArchive ? started - Date.parse(sameArchive.scannedAt) : NaN;
    const previous =
      sameArchive &&
      sameArchive.walComplete &&
      age >= 0 &&
      age <= this.#fullScanAfterMs
        ? sameArchive
        : undefined;

    // wals/ is listed while base/ is, and split once backup.info files tell where WAL is.
    const wal = new WalListing(session, previous?.lastWalName);
    const listing = await listBase(session);
    wal.relistAfterRetention(previous, listing.backupIds);
    const files = await readBaseFiles({
      session,
      listing,
      wal,
      previous,
      sameArchive,
      concurrency: this.#concurrency,
    });
    await wal.done();

    const merged = mergeWalListing(previous, wal);
    const historyFiles = await readHistoryFiles({
      session,
      walTop: merged.walTop,
      sameArchive,
    });
    return assembleScan({
      session,
      destination: options.destination,
      serverName: options.serverName,
      clusterName: options.clusterName,
      startedMonotonic,
      now: () => this.#readClock(),
      previous,
      opened: sameArchive,
      listing,
      files,
      wal,
      merged,
      historyFiles,
      logger: this.#logger,
    });
  }

  /** A new S3 session for one scan or listing. @throws InvalidDestinationError */
  #session(destination: string, serverName: string): ArchiveSession {
    return new ArchiveSession({
      client: this.#client,
      concurrency: this.#concurrency,
      destination,
      serverName,
      onProgress: this.#onProgress,
    });
  }
}

/** Orders by serverName in code-unit order (S3's key order for ASCII names). */
function byServerName(a: ServerNameSummary, b: ServerNameSummary): number {
  if (a.serverName === b.serverName) return 0;
  return a.serverName < b.serverName ? -1 : 1;
}
