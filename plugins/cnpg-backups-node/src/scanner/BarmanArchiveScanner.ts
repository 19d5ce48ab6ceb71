/**
 * Reads a Barman Cloud archive from S3 with as few requests as the layout allows, and hands
 * the listing to the pure catalog builder.
 */
import zlib from 'node:zlib';
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
  /** False when the listing of this directory failed part-way: the next scan relists it. */
  complete: boolean;
}

/**
 * What a scan saw, kept by the caller and passed back as `previous` to make the next scan
 * incremental. Treat it as opaque; it is never mutated by a later scan.
 * @public
 */
export interface ScanState {
  readonly version: 1;
  readonly destination: string;
  readonly serverName: string;
  readonly scannedAt: string;
  /** Hash directory name (`0000000100000000`) → its objects. */
  readonly hashDirs: ReadonlyMap<string, HashDirState>;
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

/** Options of {@link BarmanArchiveScanner.create}. @public */
export interface BarmanArchiveScannerOptions {
  /** A client from `createS3Client` (read-only). */
  client: S3Client;
  /** Maximum requests in flight per scan. Default 8. */
  concurrency?: number;
  logger?: ScannerLogger;
}

const HASH_DIR = /^[0-9A-Fa-f]{16}$/;
const BACKUP_ID = /^\d{8}T\d{6}$/;
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
  limit: pLimit.Limit;
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

  static create(options: BarmanArchiveScannerOptions): BarmanArchiveScanner {
    return new BarmanArchiveScanner(options);
  }

  private constructor(options: BarmanArchiveScannerOptions) {
    this.#client = options.client;
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.#logger = options.logger;
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
          if (o.Key && classifyArchiveFile(o.Key).kind !== 'unknown') walObjects++;
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
   * With `previous` (the state of an earlier scan of the same destination and serverName)
   * only `base/`, the top of `wals/`, the newest hash directory (from its last key on) and
   * new hash directories are listed, and only new or changed backup.info/history files are
   * read: about 3 requests plus one per 1,000 new WAL files.
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
    const previous =
      options.previous &&
      options.previous.version === 1 &&
      options.previous.destination === options.destination &&
      options.previous.serverName === options.serverName
        ? options.previous
        : undefined;

    // ---- phase 1: base/ (everything, for sizes) and the top of wals/ (hash dirs, history).
    const base = new CompactObjectList('base/');
    const walTop = new CompactObjectList('wals/');
    const listedDirs: string[] = [];
    let walTopListed = false;
    await Promise.all([
      this.#listInto(ctx, { prefix: `${ctx.root}base/` }, base),
      this.#listPages(
        ctx,
        { prefix: `${ctx.root}wals/`, delimiter: '/' },
        page => {
          for (const p of page.CommonPrefixes ?? []) {
            const dir = p.Prefix?.slice(ctx.root.length + 5, -1);
            if (dir !== undefined && HASH_DIR.test(dir)) listedDirs.push(dir);
          }
          this.#collect(page, `${ctx.root}wals/`, walTop);
        },
      ).then(
        () => {
          walTopListed = true;
        },
        error => fail(ctx, toS3AccessError(error, { bucket: ctx.destination.bucket, key: `${ctx.root}wals/` }).toScanError()),
      ),
    ]);
    const duplicates = base.finish() + walTop.finish();

    // ---- backup ids, and what changed since the previous scan.
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
    const backupsRemoved =
      previous !== undefined &&
      [...previous.backupIds].some(id => !backupIds.has(id));

    // ---- phase 2: backup.info and keep files, hash directories and history files.
    const vanished = new Set<string>();
    const backupInfos = new Map<string, CachedObjectText>();
    const keepAnnotations = new Map<string, CachedObjectText>();
    const historyFiles = new Map<string, CachedObjectText>();
    const hashDirs = new Map<string, HashDirState>();
    const tasks: Promise<void>[] = [];

    for (const [id, i] of infoKeys) {
      const key = `${ctx.root}base/${base.name(i)}`;
      tasks.push(
        this.#readSmall(ctx, {
          key,
          size: base.size(i),
          lastModifiedMs: base.lastModifiedMs(i),
          cached: previous?.backupInfos.get(id),
          maxLength: MAX_BACKUP_INFO_LENGTH,
          tooLargeName: 'BackupInfoTooLarge',
          decode: buffer => buffer.toString('utf8'),
        }).then(result => {
          if (result === 'vanished') vanished.add(`base/${base.name(i)}`);
          else if (result) backupInfos.set(id, result);
        }),
      );
    }
    for (const [id, i] of keepKeys) {
      tasks.push(
        this.#readSmall(ctx, {
          key: `${ctx.root}base/${base.name(i)}`,
          size: base.size(i),
          lastModifiedMs: base.lastModifiedMs(i),
          cached: previous?.keepAnnotations.get(id),
          maxLength: MAX_KEEP_ANNOTATION_LENGTH,
          tooLargeName: 'KeepAnnotationTooLarge',
          decode: buffer => buffer.toString('utf8'),
        }).then(result => {
          if (result && result !== 'vanished') keepAnnotations.set(id, result);
        }),
      );
    }
    for (let i = 0; i < walTop.length; i++) {
      const name = walTop.name(i);
      const file = classifyArchiveFile(name);
      if (file.kind !== 'history') continue;
      const key = `${ctx.root}wals/${name}`;
      tasks.push(
        this.#readSmall(ctx, {
          key,
          size: walTop.size(i),
          lastModifiedMs: walTop.lastModifiedMs(i),
          cached: previous?.historyFiles.get(name),
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
              message: `History file ${name} is ${file.compression}-compressed; its content cannot be read here (only gzip and uncompressed are decoded). The file is counted as present.`,
              key,
            });
          }
        }),
      );
    }

    // Which hash directories to (re)list.
    const dirPlan = planHashDirs({
      listedDirs: walTopListed ? [...new Set(listedDirs)].sort() : undefined,
      previous,
      backupsRemoved,
    });
    let incrementalRequests = 0;
    for (const step of dirPlan) {
      if (step.action === 'reuse') {
        hashDirs.set(step.dir, step.previous!);
        continue;
      }
      const list =
        step.action === 'append' ? step.previous!.list.clone() : new CompactObjectList(`wals/${step.dir}/`);
      const prefix = `${ctx.root}wals/${step.dir}/`;
      const startAfter =
        step.action === 'append' && list.lastName() !== undefined
          ? prefix + list.lastName()
          : undefined;
      if (step.action === 'append') incrementalRequests++;
      tasks.push(
        ctx.limit(() => this.#listInto(ctx, { prefix, startAfter }, list)).then(
          ok => {
            if (ok) {
              hashDirs.set(step.dir, { list, complete: true });
            } else if (step.action === 'append') {
              // Keep what the previous scan knew; the error already marks the scan partial.
              hashDirs.set(step.dir, step.previous!);
            } else {
              hashDirs.set(step.dir, { list, complete: false });
            }
          },
        ),
      );
    }
    await Promise.all(tasks);

    // ---- assemble the listing for the builder.
    let walObjects = walTop.length;
    let maxTimeline = 0;
    let dirDuplicates = 0;
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
      ...(ctx.attempts > 0 ? { retries: Math.max(0, ctx.attempts - ctx.requests) } : {}),
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
      incrementalRequests,
      walObjects,
      complete: ctx.complete,
    });
    return {
      catalog,
      state: {
        version: 1,
        destination: options.destination,
        serverName: options.serverName,
        scannedAt,
        hashDirs,
        backupIds,
        backupInfos,
        keepAnnotations,
        historyFiles,
        maxTimeline,
      },
    };
  }

  #context(destination: string, serverName: string): ScanContext {
    const parsed = parseDestination(destination);
    if (serverName !== '') assertServerName(destination, serverName);
    return {
      destination: parsed,
      root: serverName === '' ? parsed.keyPrefix : `${parsed.keyPrefix}${serverName}/`,
      requests: 0,
      attempts: 0,
      errors: [],
      complete: true,
      limit: pLimit(this.#concurrency),
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
      { step: 'finalizeRequest', priority: 'low', name: 'cnpgBackupsScanAttemptCounter' },
    );
    return (await this.#client.send(command)) as T;
  }

  /**
   * Pages through a listing. `onPage` may return true to stop early.
   * @throws S3AccessError
   */
  async #listPages(
    ctx: ScanContext,
    params: { prefix: string; delimiter?: string; startAfter?: string; maxKeys?: number },
    onPage: (page: ListObjectsV2CommandOutput) => boolean | void,
  ): Promise<void> {
    let token: string | undefined;
    const seenTokens = new Set<string>();
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
        throw toS3AccessError(error, { bucket: ctx.destination.bucket, key: params.prefix });
      }
      if (onPage(page) === true || !page.IsTruncated) return;
      const next = page.NextContinuationToken;
      if (!next || seenTokens.has(next)) {
        throw new S3AccessError({
          name: 'S3InvalidResponse',
          message: next
            ? `The object store returned the same continuation token twice while listing s3://${ctx.destination.bucket}/${params.prefix}`
            : `The object store returned a truncated listing without a continuation token for s3://${ctx.destination.bucket}/${params.prefix}`,
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
      fail(ctx, toS3AccessError(error, { bucket: ctx.destination.bucket, key: params.prefix }).toScanError());
      return false;
    }
  }

  /** Copies a page's objects into compact records; the SDK objects are dropped right after. */
  #collect(page: ListObjectsV2CommandOutput, prefix: string, list: CompactObjectList) {
    for (const o of page.Contents ?? []) {
      const key = o.Key;
      if (!key || !key.startsWith(prefix) || key.length === prefix.length) continue;
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
    return ctx.limit(async () => {
      try {
        const response = await this.#send<{ Body?: { transformToByteArray(): Promise<Uint8Array> } }>(
          ctx,
          new GetObjectCommand({ Bucket: ctx.destination.bucket, Key: options.key }),
        );
        const bytes = Buffer.from((await response.Body?.transformToByteArray()) ?? new Uint8Array());
        let text: string | undefined;
        try {
          text = options.decode(bytes);
        } catch (error) {
          ctx.errors.push({
            name: 'UndecodableObject',
            message: `${options.key} could not be decoded: ${(error as Error).message}`,
            key: options.key,
          });
        }
        return { size: options.size, lastModifiedMs: options.lastModifiedMs, text };
      } catch (error) {
        const mapped = toS3AccessError(error, { bucket: ctx.destination.bucket, key: options.key });
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

/** Decodes a history file; undefined when its compression cannot be read here. */
function decompressHistory(buffer: Buffer, compression: string): string | undefined {
  switch (compression) {
    case 'none':
      return buffer.toString('utf8');
    case 'gzip':
      return zlib.gunzipSync(buffer).toString('utf8');
    case 'zstd': {
      // Node >= 22.15 ships zstd in zlib.
      const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer })
        .zstdDecompressSync;
      return zstd ? zstd(buffer).toString('utf8') : undefined;
    }
    default:
      return undefined;
  }
}

/** One decision of {@link planHashDirs}. @public */
export interface HashDirStep {
  dir: string;
  /** `list`: full listing; `append`: list after the last known key; `reuse`: no request. */
  action: 'list' | 'append' | 'reuse';
  previous?: HashDirState;
}

/**
 * Decides which hash directories a scan lists. Without a previous state: all of them. With
 * one: new directories fully; the previous newest directory of the previous highest timeline
 * from its last key on (that is where WAL archiving was writing, and where the `.partial` of
 * a promotion lands); after a retention run (a backup disappeared) the oldest directory of
 * each timeline fully, because retention trims it; everything else is reused.
 *
 * `options.listedDirs` holds the directories the top-level listing returned (sorted), or
 * undefined when that listing failed: then the previous directories are reused as they were.
 * @public
 */
export function planHashDirs(options: {
  listedDirs: string[] | undefined;
  previous?: ScanState;
  backupsRemoved: boolean;
}): HashDirStep[] {
  const { previous } = options;
  if (!options.listedDirs) {
    return previous
      ? [...previous.hashDirs.entries()].map(([dir, state]) => ({ dir, action: 'reuse', previous: state }))
      : [];
  }
  if (!previous) return options.listedDirs.map(dir => ({ dir, action: 'list' }));

  const timelineOf = (dir: string) => dir.slice(0, 8);
  // Newest directory per timeline in the previous state.
  const previousNewest = new Map<string, string>();
  for (const dir of previous.hashDirs.keys()) {
    const tli = timelineOf(dir);
    const current = previousNewest.get(tli);
    if (current === undefined || dir > current) previousNewest.set(tli, dir);
  }
  const previousMaxTimeline = [...previousNewest.keys()].sort().pop();
  const oldestListed = new Map<string, string>();
  for (const dir of options.listedDirs) {
    const tli = timelineOf(dir);
    if (!oldestListed.has(tli)) oldestListed.set(tli, dir);
  }
  return options.listedDirs.map((dir): HashDirStep => {
    const state = previous.hashDirs.get(dir);
    if (!state || !state.complete) return { dir, action: 'list' };
    const tli = timelineOf(dir);
    if (options.backupsRemoved && oldestListed.get(tli) === dir) {
      return { dir, action: 'list' };
    }
    if (tli === previousMaxTimeline && previousNewest.get(tli) === dir) {
      return { dir, action: 'append', previous: state };
    }
    return { dir, action: 'reuse', previous: state };
  });
}
