/*
 * Caches bucket scans. Two layers:
 *  - in-process: the catalog AND the scanner's incremental state (Maps/Sets, not JSON), plus a
 *    map of in-flight promises so N concurrent cold requests for the same folder make ONE scan;
 *  - the shared Backstage cache (coreServices.cache): the catalog as JSON with a TTL, so other
 *    replicas reuse a result instead of scanning again.
 * `refresh` forces a new scan, incremental when this process holds the previous state.
 *
 * Memory (issue 12, fleet of 1,000 databases): the incremental state is kept for up to
 * `maxScanStates` folders (`cnpgBackups.cache.maxScanStates`, default 2000, so a whole fleet
 * pass reuses every state), but the catalog next to it only for the TTL (it is dropped once
 * stale: a later request rescans anyway). What goes to the shared cache is one JSON text, not
 * the object: Backstage's in-memory store serialises objects by string concatenation
 * (json-buffer), which kept ~20,000 rope fragments (~700 KB) per 10k-WAL catalog alive.
 * The catalog kept here for the TTL is deflated JSON (~4 KB for a 10k-WAL, 100-backup catalog,
 * against ~90 KB as objects): a fleet refresh scans every folder within one TTL, so up to a
 * whole fleet of catalogs is held at once; a hit parses a fresh copy (well under a millisecond).
 * The scanner's state is kept packed by the scanner itself (see the node package's
 * scanStatePacking).
 */
import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { BarmanCatalog } from '@cnpg-backups/plugin-cnpg-backups-common';

/** Default of `cnpgBackups.cache.maxScanStates`. @public */
export const DEFAULT_MAX_SCAN_STATES = 2000;

interface LocalEntry {
  /** The catalog as deflated JSON; dropped once older than the TTL, the state is kept. */
  catalog?: Uint8Array;
  state: unknown;
  storedAt: number;
}

/** Options for {@link ScanCache.create}. @public */
export interface ScanCacheOptions {
  cache?: CacheService;
  logger?: LoggerService;
  ttlSeconds: number;
  /**
   * Max folders whose incremental state is kept in memory (least recently scanned dropped
   * first). Default {@link DEFAULT_MAX_SCAN_STATES}.
   */
  maxScanStates?: number;
  /** @deprecated use maxScanStates */
  maxLocalEntries?: number;
  /**
   * Whether catalogs go to the shared cache (default true). False when that cache is this
   * process's memory (`backend.cache.store: memory`): the local layer already holds them, a
   * second, serialised copy per folder would only double the memory.
   */
  shareCatalogs?: boolean;
  now?: () => number;
}

/** Single-flight, two-level cache of scans and other JSON results. @public */
export class ScanCache {
  readonly #cache?: CacheService;
  readonly #logger?: LoggerService;
  readonly #ttlMs: number;
  readonly #maxLocal: number;
  readonly #shareCatalogs: boolean;
  readonly #now: () => number;
  readonly #local = new Map<string, LocalEntry>();
  readonly #inflight = new Map<string, Promise<unknown>>();

  static create(options: ScanCacheOptions): ScanCache {
    return new ScanCache(options);
  }

  private constructor(options: ScanCacheOptions) {
    this.#cache = options.cache;
    this.#logger = options.logger;
    this.#ttlMs = Math.max(0, options.ttlSeconds) * 1000;
    const max =
      options.maxScanStates ??
      options.maxLocalEntries ??
      DEFAULT_MAX_SCAN_STATES;
    if (!Number.isInteger(max) || max < 0) {
      throw new RangeError(
        `cnpgBackups.cache.maxScanStates must be a non-negative integer, got ${max}`,
      );
    }
    this.#maxLocal = max;
    this.#shareCatalogs = options.shareCatalogs ?? true;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The catalog of one folder (`key` = endpoint + destination + serverName), scanning at most
   * once at a time per key. The catalog is the bucket's alone (its fixes say `<cluster>`), so
   * Clusters sharing a folder share one entry; callers name their Cluster on a copy
   * (`applyCatalogClusterName`) and never modify what is returned.
   */
  async getCatalog(options: {
    key: string;
    refresh?: boolean;
    scan: (
      previous?: unknown,
    ) => Promise<{ catalog: BarmanCatalog; state: unknown }>;
  }): Promise<BarmanCatalog> {
    const cacheKey = `scan:${options.key}`;
    const inflight = this.#inflight.get(cacheKey);
    // A scan running right now is as fresh as a refresh would be.
    if (inflight) return inflight as Promise<BarmanCatalog>;
    if (!options.refresh) {
      const local = this.#local.get(cacheKey);
      if (local?.catalog && this.#now() - local.storedAt < this.#ttlMs)
        return JSON.parse(inflateRawSync(local.catalog).toString('utf8'));
    }
    const promise = (async () => {
      if (!options.refresh && this.#shareCatalogs) {
        const shared = await this.#sharedGet<BarmanCatalog>(cacheKey);
        if (shared) return shared;
      }
      const previous = this.#local.get(cacheKey)?.state;
      const result = await options.scan(previous);
      // Serialised once, for both layers.
      const json =
        this.#ttlMs > 0 && (this.#maxLocal > 0 || this.#shareCatalogs)
          ? JSON.stringify(result.catalog)
          : undefined;
      this.#remember(cacheKey, {
        state: result.state,
        catalog:
          json !== undefined && this.#maxLocal > 0
            ? new Uint8Array(deflateRawSync(json))
            : undefined,
        storedAt: this.#now(),
      });
      // A partial scan is not worth sharing: the next request should try again.
      if (result.catalog.scan.complete && this.#shareCatalogs && json)
        await this.#sharedSetJson(cacheKey, json);
      return result.catalog;
    })();
    return this.#track(cacheKey, promise);
  }

  /** A JSON value computed at most once at a time per key and cached for the TTL. */
  async getJson<T>(options: {
    key: string;
    refresh?: boolean;
    compute: () => Promise<T>;
  }): Promise<T> {
    const cacheKey = `json:${options.key}`;
    const inflight = this.#inflight.get(cacheKey);
    if (inflight) return inflight as Promise<T>;
    const promise = (async () => {
      if (!options.refresh) {
        const shared = await this.#sharedGet<T>(cacheKey);
        if (shared !== undefined) return shared;
      }
      const value = await options.compute();
      await this.#sharedSet(cacheKey, value);
      return value;
    })();
    return this.#track(cacheKey, promise);
  }

  #track<T>(key: string, promise: Promise<T>): Promise<T> {
    this.#inflight.set(key, promise);
    const clear = () => {
      if (this.#inflight.get(key) === promise) this.#inflight.delete(key);
    };
    promise.then(clear, clear);
    return promise;
  }

  /** How many folders' incremental states are held (for tests and the bench). */
  get heldStates(): number {
    return this.#local.size;
  }

  /** How many folders' catalogs are held (within the TTL). */
  get heldCatalogs(): number {
    let n = 0;
    for (const entry of this.#local.values()) if (entry.catalog) n++;
    return n;
  }

  #remember(key: string, entry: LocalEntry) {
    this.#local.delete(key);
    if (this.#maxLocal === 0) return;
    this.#local.set(key, entry);
    // Entries are in storedAt order: drop the catalogs past the TTL, oldest first.
    const staleBefore = this.#now() - this.#ttlMs;
    for (const old of this.#local.values()) {
      if (old.storedAt > staleBefore) break;
      old.catalog = undefined;
    }
    while (this.#local.size > this.#maxLocal) {
      const oldest = this.#local.keys().next().value;
      if (oldest === undefined) break;
      this.#local.delete(oldest);
    }
  }

  async #sharedGet<T>(key: string): Promise<T | undefined> {
    if (!this.#cache || this.#ttlMs === 0) return undefined;
    try {
      const stored = await this.#cache.get(key);
      // Written by #sharedSet as one JSON text; anything else (an older writer) is a miss.
      if (
        typeof stored !== 'object' ||
        stored === null ||
        typeof (stored as { json?: unknown }).json !== 'string'
      )
        return undefined;
      return JSON.parse((stored as { json: string }).json) as T;
    } catch (error) {
      this.#logger?.warn('CNPG backups cache read failed', {
        key,
        error: String(error),
      });
      return undefined;
    }
  }

  async #sharedSet(key: string, value: unknown): Promise<void> {
    if (!this.#cache || this.#ttlMs === 0) return;
    await this.#sharedSetJson(key, JSON.stringify(value));
  }

  async #sharedSetJson(key: string, json: string): Promise<void> {
    if (!this.#cache || this.#ttlMs === 0) return;
    try {
      await this.#cache.set(key, { json }, { ttl: this.#ttlMs });
    } catch (error) {
      this.#logger?.warn('CNPG backups cache write failed', {
        key,
        error: String(error),
      });
    }
  }
}
