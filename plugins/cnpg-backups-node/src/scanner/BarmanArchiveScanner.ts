/**
 * Reads a Barman Cloud archive from S3 with as few requests as the layout allows, and hands
 * the listing to the pure catalog builder.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectsV2CommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import {
  buildCatalog,
  classifyArchiveFile,
  MAX_BACKUP_INFO_LENGTH,
  MAX_HISTORY_FILE_LENGTH,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type {
  BarmanCatalog,
  ScanError,
  ScanInfo,
  ServerNameSummary,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  assertServerName,
  parseDestination,
  ArchiveDestination,
} from '../s3/destination';
import { S3AccessError, toS3AccessError } from '../s3/errors';
import { archiveObjectsOf, CompactObjectList } from './CompactObjectList';
import {
  decompressHistory,
  DECODED_HISTORY_COMPRESSIONS,
} from './decompressHistory';
import {
  beginWalsOf,
  byFirst,
  estimateKeysLeft,
  oldestBeginDir,
  planWalSplits,
  segmentsPerDirOf,
  spreadOrder,
  WAL_ESTIMATE_SLACK,
  WalPartition,
  WalRangeLister,
  WalSink,
} from './walRanges';

export { planWalSplits, spreadOrder } from './walRanges';

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

/** Result of {@link BarmanArchiveScanner.scan}. @public */
export interface ScanResult {
  catalog: BarmanCatalog;
  state: ScanState;
}

/** Result of {@link BarmanArchiveScanner.isServerNameEmpty}. @public */
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

/** Options of {@link BarmanArchiveScanner.create}. @public */
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
}

const BACKUP_ID = /^\d{8}T\d{6}$/;
/** Truncated pages in a row that bring no new key before a listing is called stuck. */
const MAX_PAGES_WITHOUT_PROGRESS = 2;

/**
 * A 200 answer to ListObjectsV2 is only trusted when it parsed as one: every S3 implementation
 * sends `IsTruncated`. An empty body, an HTML page or another XML document parse into an
 * output without it, and must not read as "no objects".
 * @throws S3AccessError S3InvalidResponse
 */
function assertListingPage(
  page: ListObjectsV2CommandOutput | undefined,
  bucket: string,
  prefix: string,
): void {
  if (typeof page?.IsTruncated === 'boolean') return;
  throw new S3AccessError({
    name: 'S3InvalidResponse',
    message: `The object store answered a listing of s3://${bucket}/${prefix} with something that is not a ListObjectsV2 result (no IsTruncated element: an empty body, an HTML page or another XML document). Check that the endpoint URL points at the S3 API and the addressing style (path or virtual-host) is right`,
    key: prefix,
  });
}
const MAX_KEEP_ANNOTATION_LENGTH = 4096;

/** Per-scan bookkeeping. */
interface ScanContext {
  destination: ArchiveDestination;
  root: string;
  requests: number;
  /** HTTP attempts seen by middleware (0 with a client that runs none, e.g. a mock). */
  attempts: number;
  errors: ScanError[];
  complete: boolean;
  /** For listings. */
  limit: pLimit.Limit;
  /** For GETs of small objects. */
  getLimit: pLimit.Limit;
  progress: ScanProgress;
}

function fail(ctx: ScanContext, error: ScanError) {
  ctx.complete = false;
  ctx.errors.push(error);
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

  static create(options: BarmanArchiveScannerOptions): BarmanArchiveScanner {
    return new BarmanArchiveScanner(options);
  }

  private constructor(options: BarmanArchiveScannerOptions) {
    this.#client = options.client;
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.#logger = options.logger;
    this.#fullScanAfterMs = options.fullScanAfterMs ?? 3_600_000;
    this.#onProgress = options.onProgress;
  }

  /**
   * The serverNames under a destination: folders that hold a `base/` or `wals/` folder.
   *
   * @throws InvalidDestinationError, or S3AccessError when the prefix cannot be listed.
   */
  async listServerNames(options: {
    destination: string;
  }): Promise<ServerNameSummary[]> {
    const ctx = this.#context(options.destination, '');
    const candidates: string[] = [];
    await this.#listPages(
      ctx,
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
          await this.#listPages(ctx, { prefix, delimiter: '/' }, page => {
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
    const ctx = this.#context(options.destination, options.serverName);
    let walObjects = 0;
    await this.#listPages(
      ctx,
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
   * @throws InvalidDestinationError for a malformed destination or serverName.
   */
  async scan(options: {
    destination: string;
    serverName: string;
    previous?: ScanState;
  }): Promise<ScanResult> {
    const started = Date.now();
    const ctx = this.#context(options.destination, options.serverName);
    // Same archive: its cached backup.info/history texts stay usable whatever its age.
    const sameArchive =
      options.previous &&
      options.previous.version === 2 &&
      options.previous.destination === options.destination &&
      options.previous.serverName === options.serverName
        ? options.previous
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
    const walPrefix = `${ctx.root}wals/`;

    // ---- WAL listing: what the listing from the last known key on (or from the start) finds.
    const fresh = new WalSink();
    let walComplete = true;
    // Known once enough backup.info files are read (see planSplits below).
    let segmentsPerDir: number | undefined;
    const runPartition = (p: WalPartition, sink: WalSink) =>
      this.#listWalRange(ctx, p, sink, () => segmentsPerDir).catch(error => {
        walComplete = false;
        fail(
          ctx,
          toS3AccessError(error, {
            bucket: ctx.destination.bucket,
            key: walPrefix,
          }).toScanError(),
        );
      });
    const lister = new WalRangeLister(p => runPartition(p, fresh));
    let firstPageTruncated: (truncated: boolean) => void = () => {};
    const moreThanOnePage = new Promise<boolean>(resolve => {
      firstPageTruncated = resolve;
    });
    lister.start({
      startAfter:
        previous?.lastWalName !== undefined
          ? walPrefix + previous.lastWalName
          : undefined,
      active: true,
      onFirstPage: truncated => firstPageTruncated(truncated),
    });

    // ---- base/ (everything, for sizes), then backup.info and keep files.
    const base = new CompactObjectList('base/');
    await this.#listInto(ctx, { prefix: `${ctx.root}base/` }, base);
    const duplicates = base.finish();
    const backupIds = new Set<string>();
    const infoKeys = new Map<string, number>();
    const keepKeys = new Map<string, number>();
    for (let i = 0; i < base.length; i++) {
      const name = base.name(i);
      const slash = name.indexOf('/');
      const id = slash > 0 ? name.slice(0, slash) : '';
      if (!BACKUP_ID.test(id)) continue;
      backupIds.add(id);
      const rest = name.slice(slash + 1);
      if (rest === 'backup.info') infoKeys.set(id, i);
      else if (rest === 'annotations/keep') keepKeys.set(id, i);
    }

    // Retention: a backup gone from base/ means barman also deleted the WAL before the oldest
    // remaining backup. Relist the start of wals/ up to (and with) that backup's hash directory.
    const relisted = new WalSink();
    let relistEnd: string | undefined;
    let relist: Promise<void> | undefined;
    // (Without a last key, the listing above starts at the beginning anyway.)
    if (
      previous &&
      previous.lastWalName !== undefined &&
      [...previous.backupIds].some(id => !backupIds.has(id))
    ) {
      const oldestDir = oldestBeginDir(
        [...backupIds].map(id => previous.backupInfos.get(id)?.text),
      );
      // Never past the last key seen: the listing above covers what comes after it.
      const knownEnd = `${walPrefix}${previous.lastWalName}\u0000`;
      // `<dir>0` sorts after every `<dir>/…` key and before the next directory. Without a
      // readable backup.info, everything seen so far is listed again.
      const oldestEnd =
        oldestDir !== undefined ? `${walPrefix}${oldestDir}0` : knownEnd;
      relistEnd = oldestEnd < knownEnd ? oldestEnd : knownEnd;
      relist = runPartition({ end: relistEnd, active: true }, relisted);
    }

    const vanished = new Set<string>();
    const backupInfos = new Map<string, CachedObjectText>();
    const keepAnnotations = new Map<string, CachedObjectText>();
    const historyFiles = new Map<string, CachedObjectText>();
    const tasks: Promise<void>[] = [];
    // A full scan splits the rest of wals/ at the backups' first hash directories (unless the
    // first page already held all of it) as soon as a few backup.info files are read: they
    // are read in an order that spreads over the archive (middle one first, then quarters,
    // ...), so the first `concurrency` of them already tell where the WAL is.
    let splitsPlanned: Promise<void> | undefined;
    const planSplits = () => {
      splitsPlanned ??= (async () => {
        if (previous || !(await moreThanOnePage)) return;
        const infos = [...backupInfos.values()].map(c => c.text);
        segmentsPerDir = segmentsPerDirOf(infos);
        for (const dir of planWalSplits({
          beginWals: beginWalsOf(infos),
          parts: this.#concurrency,
        })) {
          lister.split(`${walPrefix}${dir}`);
        }
      })();
    };
    const planAfter = Math.min(this.#concurrency, infoKeys.size);
    let infosSettled = 0;
    // Once the first `concurrency` backup.info files are in, split the WAL range at their dirs.
    const onInfoSettled = () => {
      if (++infosSettled === planAfter) planSplits();
    };
    for (const [id, i] of spreadOrder([...infoKeys].sort(byFirst))) {
      const key = `${ctx.root}base/${base.name(i)}`;
      tasks.push(
        this.#readSmall(ctx, {
          key,
          size: base.size(i),
          lastModifiedMs: base.lastModifiedMs(i),
          cached: sameArchive?.backupInfos.get(id),
          maxLength: MAX_BACKUP_INFO_LENGTH,
          tooLargeName: 'BackupInfoTooLarge',
          decode: buffer => buffer.toString('utf8'),
        }).then(result => {
          if (result === 'vanished') vanished.add(`base/${base.name(i)}`);
          else if (result) backupInfos.set(id, result);
          onInfoSettled();
        }),
      );
    }
    for (const [id, i] of keepKeys) {
      tasks.push(
        this.#readSmall(ctx, {
          key: `${ctx.root}base/${base.name(i)}`,
          size: base.size(i),
          lastModifiedMs: base.lastModifiedMs(i),
          cached: sameArchive?.keepAnnotations.get(id),
          maxLength: MAX_KEEP_ANNOTATION_LENGTH,
          tooLargeName: 'KeepAnnotationTooLarge',
          decode: buffer => buffer.toString('utf8'),
        }).then(result => {
          if (result && result !== 'vanished') keepAnnotations.set(id, result);
        }),
      );
    }
    await Promise.all(tasks);
    planSplits();
    await splitsPlanned;
    await lister.done();
    await relist;

    // ---- merge the new listing into what the previous scan knew.
    const hashDirs = new Map<string, HashDirState>(previous?.hashDirs ?? []);
    let walTop = previous?.walTop ?? new CompactObjectList('wals/');
    if (relistEnd !== undefined) {
      const end = relistEnd;
      for (const dir of [...hashDirs.keys()]) {
        if (`${walPrefix}${dir}` < end) hashDirs.delete(dir);
      }
      walTop = walTop.filter(name => `${walPrefix}${name}` >= end);
      walTop.appendFrom(relisted.top);
      for (const [dir, list] of relisted.dirs)
        hashDirs.set(dir, { list, complete: true });
    }
    if (fresh.top.length > 0) {
      walTop = walTop === previous?.walTop ? walTop.clone() : walTop;
      walTop.appendFrom(fresh.top);
    }
    let dirDuplicates = walTop.finish();
    for (const [dir, list] of fresh.dirs) {
      const known = hashDirs.get(dir)?.list;
      if (known) {
        // Copy, so the previous state is never changed by this scan.
        const merged = known.clone();
        merged.appendFrom(list);
        hashDirs.set(dir, { list: merged, complete: true });
      } else {
        hashDirs.set(dir, { list, complete: true });
      }
    }
    let lastWalName = previous?.lastWalName;
    for (const sink of [fresh, relisted]) {
      if (
        sink.last !== undefined &&
        (lastWalName === undefined || sink.last > lastWalName)
      ) {
        lastWalName = sink.last;
      }
    }

    // ---- history files (few, small; unchanged ones come from the cache).
    const historyTasks: Promise<void>[] = [];
    for (let i = 0; i < walTop.length; i++) {
      const name = walTop.name(i);
      // Only `wals/<TLI>.history` is read; a path holds a misplaced file barman cannot use.
      if (name.includes('/')) continue;
      const file = classifyArchiveFile(name);
      if (file.kind !== 'history') continue;
      const key = `${walPrefix}${name}`;
      historyTasks.push(
        this.#readSmall(ctx, {
          key,
          size: walTop.size(i),
          lastModifiedMs: walTop.lastModifiedMs(i),
          cached: sameArchive?.historyFiles.get(name),
          maxLength: MAX_HISTORY_FILE_LENGTH,
          tooLargeName: 'HistoryFileTooLarge',
          decode: buffer => decompressHistory(buffer, file.compression),
        }).then(result => {
          if (result === 'vanished' || !result) return;
          historyFiles.set(name, result);
          if (result.text === undefined) {
            // Not an incompleteness of the listing: the file exists, only its content is
            // unreadable here, so the timeline's parentage comes from other history files.
            ctx.errors.push({
              name: 'HistoryContentUnavailable',
              message: `History file ${name} is ${file.compression}-compressed; its content cannot be read here (only ${DECODED_HISTORY_COMPRESSIONS}). The file is counted as present.`,
              key,
            });
          }
        }),
      );
    }
    await Promise.all(historyTasks);

    // ---- assemble the listing for the builder.
    let walObjects = walTop.length;
    let maxTimeline = 0;
    for (const state of hashDirs.values()) dirDuplicates += state.list.finish();
    const dirNames = [...hashDirs.keys()].sort();
    const lists: CompactObjectList[] = [base.without(vanished), walTop];
    for (const dir of dirNames) {
      const state = hashDirs.get(dir)!;
      lists.push(state.list);
      walObjects += state.list.length;
      maxTimeline = Math.max(maxTimeline, parseInt(dir.slice(0, 8), 16));
    }
    const objects = archiveObjectsOf(lists);
    for (const name of historyFiles.keys()) {
      maxTimeline = Math.max(maxTimeline, classifyArchiveFile(name).timeline);
    }
    if (duplicates + dirDuplicates > 0) {
      this.#logger?.warn('S3 listed some keys twice; duplicates were dropped', {
        destination: options.destination,
        serverName: options.serverName,
        duplicates: duplicates + dirDuplicates,
      });
    }
    for (const key of vanished) {
      ctx.errors.push({
        name: 'BackupInfoVanished',
        message: `${key} was listed but deleted before it could be read (retention or a manual delete in progress); the backup is shown as incomplete.`,
        key: `${ctx.root}${key}`,
      });
    }

    const backupInfoTexts: Record<string, string> = {};
    for (const [id, cached] of backupInfos) {
      if (cached.text !== undefined) backupInfoTexts[id] = cached.text;
    }
    const keepTexts: Record<string, string> = {};
    for (const [id, cached] of keepAnnotations) {
      if (cached.text !== undefined) keepTexts[id] = cached.text;
    }
    const historyTexts: Record<number, string> = {};
    for (const [name, cached] of historyFiles) {
      if (cached.text !== undefined) {
        historyTexts[classifyArchiveFile(name).timeline] = cached.text;
      }
    }
    const scannedAt = new Date().toISOString();
    const scan: ScanInfo = {
      complete: ctx.complete,
      errors: ctx.errors,
      requests: ctx.requests,
      ...(ctx.attempts > 0
        ? { retries: Math.max(0, ctx.attempts - ctx.requests) }
        : {}),
      durationMs: Date.now() - started,
      scannedAt,
      walObjects,
      incremental: previous !== undefined,
    };
    const catalog = buildCatalog({
      destination: options.destination,
      serverName: options.serverName,
      objects,
      backupInfos: backupInfoTexts,
      historyFiles: historyTexts,
      keepAnnotations: keepTexts,
      scan,
      now: scannedAt,
    });
    for (const backup of catalog.backups) {
      if (vanished.has(`base/${backup.id}/backup.info`)) {
        backup.error =
          'backup.info was deleted while the bucket was being read (retention or a manual delete in progress)';
      }
    }
    this.#logger?.debug('Scanned Barman archive', {
      destination: options.destination,
      serverName: options.serverName,
      requests: ctx.requests,
      walRanges: lister.count,
      walObjects,
      complete: ctx.complete,
      incremental: previous !== undefined,
    });
    return {
      catalog,
      state: {
        version: 2,
        destination: options.destination,
        serverName: options.serverName,
        scannedAt,
        hashDirs,
        walTop,
        lastWalName,
        walComplete,
        backupIds,
        backupInfos,
        keepAnnotations,
        historyFiles,
        maxTimeline,
      },
    };
  }

  /**
   * Lists one key range of `wals/` page by page, paging with `StartAfter` = the last key
   * taken, so the range's end can move (a split) while it runs.
   * @throws S3AccessError
   */
  async #listWalRange(
    ctx: ScanContext,
    p: WalPartition,
    sink: WalSink,
    segmentsPerDir: () => number | undefined,
  ): Promise<void> {
    const prefix = `${ctx.root}wals/`;
    try {
      for (;;) {
        const startAfter = p.cursor ?? p.startAfter;
        const estimate = estimateKeysLeft(p, prefix, segmentsPerDir());
        let page: ListObjectsV2CommandOutput;
        try {
          page = await ctx.limit(() =>
            this.#send<ListObjectsV2CommandOutput>(
              ctx,
              new ListObjectsV2Command({
                Bucket: ctx.destination.bucket,
                Prefix: prefix,
                StartAfter: startAfter,
                // Near a known end, ask for about what is left (plus slack for .backup and
                // .partial files): same request count, less to send, parse and discard.
                MaxKeys:
                  estimate === undefined
                    ? undefined
                    : Math.min(1000, estimate + WAL_ESTIMATE_SLACK),
              }),
            ),
          );
        } catch (error) {
          throw toS3AccessError(error, {
            bucket: ctx.destination.bucket,
            key: prefix,
          });
        }
        assertListingPage(page, ctx.destination.bucket, prefix);
        let progressed = false;
        for (const o of page.Contents ?? []) {
          const key = o.Key;
          if (!key || !key.startsWith(prefix) || key.length === prefix.length)
            continue;
          // Repeated or out-of-order keys are dropped.
          if (
            p.cursor !== undefined
              ? key <= p.cursor
              : startAfter !== undefined && key <= startAfter
          )
            continue;
          if (p.end !== undefined && key >= p.end) return;
          sink.push(
            key.slice(prefix.length),
            typeof o.Size === 'number' ? o.Size : 0,
            o.LastModified instanceof Date ? o.LastModified.getTime() : NaN,
          );
          p.cursor = key;
          progressed = true;
        }
        p.onFirstPage?.(page.IsTruncated === true);
        p.onFirstPage = undefined;
        if (!page.IsTruncated) return;
        if (!progressed) {
          throw new S3AccessError({
            name: 'S3PaginationStuck',
            message: `The object store returned a truncated listing that did not advance past ${
              startAfter ?? 'the start'
            } for s3://${ctx.destination.bucket}/${prefix}`,
            key: prefix,
          });
        }
      }
    } finally {
      p.active = false;
      p.onFirstPage?.(false);
    }
  }

  #context(destination: string, serverName: string): ScanContext {
    const parsed = parseDestination(destination);
    if (serverName !== '') assertServerName(destination, serverName);
    return {
      destination: parsed,
      root:
        serverName === ''
          ? parsed.keyPrefix
          : `${parsed.keyPrefix}${serverName}/`,
      requests: 0,
      attempts: 0,
      errors: [],
      complete: true,
      limit: pLimit(this.#concurrency),
      getLimit: pLimit(this.#concurrency),
      progress: {
        destination,
        serverName,
        keysListed: 0,
        requests: 0,
        inFlight: 0,
      },
    };
  }

  async #send<T>(ctx: ScanContext, command: any): Promise<T> {
    ctx.requests++;
    // Runs inside the SDK's retry middleware, so once per HTTP attempt.
    command.middlewareStack?.add(
      (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        ctx.attempts++;
        return next(args);
      },
      {
        step: 'finalizeRequest',
        priority: 'low',
        name: 'cnpgBackupsScanAttemptCounter',
      },
    );
    const progress = ctx.progress;
    progress.requests++;
    progress.inFlight++;
    progress.lastKey = command.input?.Key ?? command.input?.Prefix;
    this.#report(progress);
    try {
      const output = (await this.#client.send(command)) as any;
      progress.keysListed +=
        (Array.isArray(output?.Contents) ? output.Contents.length : 0) +
        (Array.isArray(output?.CommonPrefixes)
          ? output.CommonPrefixes.length
          : 0);
      return output as T;
    } finally {
      progress.inFlight--;
      this.#report(progress);
    }
  }

  #report(progress: ScanProgress) {
    if (!this.#onProgress) return;
    try {
      this.#onProgress({ ...progress });
    } catch {
      // A progress display never breaks a scan.
    }
  }

  /**
   * Pages through a listing. `onPage` may return true to stop early.
   * @throws S3AccessError
   */
  async #listPages(
    ctx: ScanContext,
    params: {
      prefix: string;
      delimiter?: string;
      startAfter?: string;
      maxKeys?: number;
    },
    onPage: (page: ListObjectsV2CommandOutput) => boolean | void,
  ): Promise<void> {
    let token: string | undefined;
    const seenTokens = new Set<string>();
    let pages = 0;
    let newKeys = 0;
    let stalled = 0;
    let greatest: string | undefined = params.startAfter;
    for (;;) {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.#send<ListObjectsV2CommandOutput>(
          ctx,
          new ListObjectsV2Command({
            Bucket: ctx.destination.bucket,
            Prefix: params.prefix,
            Delimiter: params.delimiter,
            StartAfter: token ? undefined : params.startAfter,
            ContinuationToken: token,
            MaxKeys: params.maxKeys,
          }),
        );
      } catch (error) {
        throw toS3AccessError(error, {
          bucket: ctx.destination.bucket,
          key: params.prefix,
        });
      }
      assertListingPage(page, ctx.destination.bucket, params.prefix);
      pages++;
      // Progress: S3 lists in key order, so a page that moves on ends past the greatest key
      // (or common prefix) seen so far.
      let pageMax: string | undefined;
      let fresh = 0;
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined && (greatest === undefined || o.Key > greatest)) {
          fresh++;
          if (pageMax === undefined || o.Key > pageMax) pageMax = o.Key;
        }
      }
      for (const p of page.CommonPrefixes ?? []) {
        if (p.Prefix !== undefined && (greatest === undefined || p.Prefix > greatest)) {
          fresh++;
          if (pageMax === undefined || p.Prefix > pageMax) pageMax = p.Prefix;
        }
      }
      if (pageMax !== undefined) greatest = pageMax;
      newKeys += fresh;
      if (onPage(page) === true || !page.IsTruncated) return;
      stalled = fresh === 0 ? stalled + 1 : 0;
      const where = `s3://${ctx.destination.bucket}/${params.prefix}`;
      if (stalled > MAX_PAGES_WITHOUT_PROGRESS || pages > newKeys + MAX_PAGES_WITHOUT_PROGRESS) {
        throw new S3AccessError({
          name: 'S3PaginationStuck',
          message: `The object store kept answering "more results" without new keys while listing ${where} (${pages} pages, ${newKeys} new keys, the last ${stalled} pages brought none); the listing was cut off instead of paging forever`,
          key: params.prefix,
        });
      }
      const next = page.NextContinuationToken;
      if (!next) {
        throw new S3AccessError({
          name: 'S3InvalidResponse',
          message: `The object store returned a truncated listing without a continuation token for ${where}`,
          key: params.prefix,
        });
      }
      if (seenTokens.has(next)) {
        throw new S3AccessError({
          name: 'S3PaginationStuck',
          message: `The object store returned the same continuation token twice while listing ${where}; the listing was cut off instead of paging forever`,
          key: params.prefix,
        });
      }
      seenTokens.add(next);
      token = next;
    }
  }

  /** Lists a prefix (no delimiter) into `list`. Returns false (and records the error) on failure. */
  async #listInto(
    ctx: ScanContext,
    params: { prefix: string; startAfter?: string },
    list: CompactObjectList,
  ): Promise<boolean> {
    try {
      await this.#listPages(ctx, params, page => {
        this.#collect(page, params.prefix, list);
      });
      return true;
    } catch (error) {
      fail(
        ctx,
        toS3AccessError(error, {
          bucket: ctx.destination.bucket,
          key: params.prefix,
        }).toScanError(),
      );
      return false;
    }
  }

  /** Copies a page's objects into compact records; the SDK objects are dropped right after. */
  #collect(
    page: ListObjectsV2CommandOutput,
    prefix: string,
    list: CompactObjectList,
  ) {
    for (const o of page.Contents ?? []) {
      const key = o.Key;
      if (!key || !key.startsWith(prefix) || key.length === prefix.length)
        continue;
      list.push(
        key.slice(prefix.length),
        typeof o.Size === 'number' ? o.Size : 0,
        o.LastModified instanceof Date ? o.LastModified.getTime() : NaN,
      );
    }
  }

  /** GETs a small object unless the cached copy is still current. */
  async #readSmall(
    ctx: ScanContext,
    options: {
      key: string;
      size: number;
      lastModifiedMs: number;
      cached?: CachedObjectText;
      maxLength: number;
      tooLargeName: string;
      decode: (buffer: Buffer) => string | undefined;
    },
  ): Promise<CachedObjectText | 'vanished' | undefined> {
    const { cached } = options;
    if (
      cached &&
      cached.size === options.size &&
      cached.lastModifiedMs === options.lastModifiedMs
    ) {
      return cached;
    }
    if (options.size > options.maxLength) {
      fail(ctx, {
        name: options.tooLargeName,
        message: `${options.key} is ${options.size} bytes, more than the ${options.maxLength} bytes such a file can have; it was not read.`,
        key: options.key,
      });
      return undefined;
    }
    return ctx.getLimit(async () => {
      try {
        const response = await this.#send<{
          Body?: { transformToByteArray(): Promise<Uint8Array> };
        }>(
          ctx,
          new GetObjectCommand({
            Bucket: ctx.destination.bucket,
            Key: options.key,
          }),
        );
        const bytes = Buffer.from(
          (await response.Body?.transformToByteArray()) ?? new Uint8Array(),
        );
        let text: string | undefined;
        try {
          text = options.decode(bytes);
        } catch (error) {
          ctx.errors.push({
            name: 'UndecodableObject',
            message: `${options.key} could not be decoded: ${
              (error as Error).message
            }`,
            key: options.key,
          });
        }
        return {
          size: options.size,
          lastModifiedMs: options.lastModifiedMs,
          text,
        };
      } catch (error) {
        const mapped = toS3AccessError(error, {
          bucket: ctx.destination.bucket,
          key: options.key,
        });
        if (mapped.name === 'NoSuchKey') return 'vanished';
        fail(ctx, mapped.toScanError());
        return undefined;
      }
    });
  }
}

/** Orders by serverName in code-unit order (S3's key order for ASCII names). */
function byServerName(a: ServerNameSummary, b: ServerNameSummary): number {
  if (a.serverName === b.serverName) return 0;
  return a.serverName < b.serverName ? -1 : 1;
}
