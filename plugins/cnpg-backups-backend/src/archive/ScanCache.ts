/*
 * Caches bucket scans. Two layers:
 *  - in-process: the catalog AND the scanner's incremental state (Maps/Sets, not JSON), plus a
 *    map of in-flight promises so N concurrent cold requests for the same folder make ONE scan;
 *  - the shared Backstage cache (coreServices.cache): the catalog as JSON with a TTL, so other
 *    replicas reuse a result instead of scanning again.
 * `refresh` forces a new scan, incremental when this process holds the previous state.
 */
import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { BarmanCatalog } from '@cnpg-backups/plugin-cnpg-backups-common';

interface LocalEntry {
  catalog: BarmanCatalog;
  state: unknown;
  storedAt: number;
}

/** Options for {@link ScanCache.create}. @public */
export interface ScanCacheOptions {
  cache?: CacheService;
  logger?: LoggerService;
  ttlSeconds: number;
  /** Max folders whose incremental state is kept in memory. Default 500. */
  maxLocalEntries?: number;
  now?: () => number;
}

/** Single-flight, two-level cache of scans and other JSON results. @public */
export class ScanCache {
  readonly #cache?: CacheService;
  readonly #logger?: LoggerService;
  readonly #ttlMs: number;
  readonly #maxLocal: number;
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
    this.#maxLocal = options.maxLocalEntries ?? 500;
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
      if (local && this.#now() - local.storedAt < this.#ttlMs)
        return local.catalog;
    }
    const promise = (async () => {
      if (!options.refresh) {
        const shared = await this.#sharedGet<BarmanCatalog>(cacheKey);
        if (shared) return shared;
      }
      const previous = this.#local.get(cacheKey)?.state;
      const result = await options.scan(previous);
      this.#remember(cacheKey, { ...result, storedAt: this.#now() });
      // A partial scan is not worth sharing: the next request should try again.
      if (result.catalog.scan.complete)
        await this.#sharedSet(cacheKey, result.catalog);
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

  #remember(key: string, entry: LocalEntry) {
    this.#local.delete(key);
    this.#local.set(key, entry);
    while (this.#local.size > this.#maxLocal) {
      const oldest = this.#local.keys().next().value;
      if (oldest === undefined) break;
      this.#local.delete(oldest);
    }
  }

  async #sharedGet<T>(key: string): Promise<T | undefined> {
    if (!this.#cache || this.#ttlMs === 0) return undefined;
    try {
      return (await this.#cache.get(key)) as T | undefined;
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
    try {
      await this.#cache.set(key, value as any, { ttl: this.#ttlMs });
    } catch (error) {
      this.#logger?.warn('CNPG backups cache write failed', {
        key,
        error: String(error),
      });
    }
  }
}
