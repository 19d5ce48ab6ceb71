/*
 * One scan's S3 session: the request counters, errors and concurrency limits of a scan, and
 * the S3 primitives every phase uses (paged listings with stuck-paging guards, ranged WAL
 * listings, cached GETs of small files). Kept apart from the scan's phases so that those
 * read as the algorithm, and so that every S3 call goes through one counted `send`.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectsV2CommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { ScanError } from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  assertServerName,
  parseDestination,
  ArchiveDestination,
} from '../s3/destination';
import { S3AccessError, toS3AccessError } from '../s3/errors';
import type { CompactObjectList } from './CompactObjectList';
import type { CachedObjectText, ScanProgress } from './types';
import {
  estimateKeysLeft,
  WAL_ESTIMATE_SLACK,
  WalPartition,
  WalSink,
} from './walRanges';

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
export const MAX_KEEP_ANNOTATION_LENGTH = 4096;

/** Per-scan bookkeeping. */
export interface ScanContext {
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

export function fail(ctx: ScanContext, error: ScanError) {
  ctx.complete = false;
  ctx.errors.push(error);
}

/** The S3 side of one scan (or one listing of serverNames). */
export class ArchiveSession {
  readonly ctx: ScanContext;
  readonly #client: S3Client;
  readonly #onProgress?: (progress: ScanProgress) => void;

  constructor(options: {
    client: S3Client;
    concurrency: number;
    destination: string;
    serverName: string;
    onProgress?: (progress: ScanProgress) => void;
  }) {
    const { destination, serverName } = options;
    const parsed = parseDestination(destination);
    if (serverName !== '') assertServerName(destination, serverName);
    this.#client = options.client;
    this.#onProgress = options.onProgress;
    this.ctx = {
      destination: parsed,
      root:
        serverName === ''
          ? parsed.keyPrefix
          : `${parsed.keyPrefix}${serverName}/`,
      requests: 0,
      attempts: 0,
      errors: [],
      complete: true,
      limit: pLimit(options.concurrency),
      getLimit: pLimit(options.concurrency),
      progress: {
        destination,
        serverName,
        keysListed: 0,
        requests: 0,
        inFlight: 0,
      },
    };
  }

  /**
   * Lists one key range of `wals/` page by page, paging with `StartAfter` = the last key
   * taken, so the range's end can move (a split) while it runs.
   * @throws S3AccessError
   */
  async listWalRange(
    p: WalPartition,
    sink: WalSink,
    segmentsPerDir: () => number | undefined,
  ): Promise<void> {
    const ctx = this.ctx;
    const prefix = `${ctx.root}wals/`;
    try {
      for (;;) {
        const startAfter = p.cursor ?? p.startAfter;
        const estimate = estimateKeysLeft(p, prefix, segmentsPerDir());
        let page: ListObjectsV2CommandOutput;
        try {
          page = await ctx.limit(() =>
            this.send<ListObjectsV2CommandOutput>(
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

  async send<T>(command: any): Promise<T> {
    const ctx = this.ctx;
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
  async listPages(
    params: {
      prefix: string;
      delimiter?: string;
      startAfter?: string;
      maxKeys?: number;
    },
    onPage: (page: ListObjectsV2CommandOutput) => boolean | void,
  ): Promise<void> {
    const ctx = this.ctx;
    let token: string | undefined;
    const seenTokens = new Set<string>();
    let pages = 0;
    let newKeys = 0;
    let stalled = 0;
    let greatest: string | undefined = params.startAfter;
    for (;;) {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.send<ListObjectsV2CommandOutput>(
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
        if (
          o.Key !== undefined &&
          (greatest === undefined || o.Key > greatest)
        ) {
          fresh++;
          if (pageMax === undefined || o.Key > pageMax) pageMax = o.Key;
        }
      }
      for (const p of page.CommonPrefixes ?? []) {
        if (
          p.Prefix !== undefined &&
          (greatest === undefined || p.Prefix > greatest)
        ) {
          fresh++;
          if (pageMax === undefined || p.Prefix > pageMax) pageMax = p.Prefix;
        }
      }
      if (pageMax !== undefined) greatest = pageMax;
      newKeys += fresh;
      if (onPage(page) === true || !page.IsTruncated) return;
      stalled = fresh === 0 ? stalled + 1 : 0;
      const where = `s3://${ctx.destination.bucket}/${params.prefix}`;
      if (
        stalled > MAX_PAGES_WITHOUT_PROGRESS ||
        pages > newKeys + MAX_PAGES_WITHOUT_PROGRESS
      ) {
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
  async listInto(
    params: { prefix: string; startAfter?: string },
    list: CompactObjectList,
  ): Promise<boolean> {
    const ctx = this.ctx;
    try {
      await this.listPages(params, page => {
        this.collect(page, params.prefix, list);
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
  collect(
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
  async readSmall(options: {
    key: string;
    size: number;
    lastModifiedMs: number;
    cached?: CachedObjectText;
    maxLength: number;
    tooLargeName: string;
    decode: (buffer: Buffer) => string | undefined;
  }): Promise<CachedObjectText | 'vanished' | undefined> {
    const ctx = this.ctx;
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
        const response = await this.send<{
          Body?: { transformToByteArray(): Promise<Uint8Array> };
        }>(
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
