/*
 * Short-lived caches that make a warm status request cheap (issue 4: 50 clients, p95 ≤ 50 ms).
 * Three layers, all bounded by `cnpgBackups.cache.statusTtlSeconds` (default 15):
 *  - assembled DatabaseStatus per database id: in-process with single-flight (N concurrent
 *    requests build it once), plus the shared Backstage cache so other replicas reuse it;
 *  - Kubernetes reads (Cluster get/list, Backups, ScheduledBackups, ObjectStores, CRD) per
 *    (cluster, namespace, resource): in-process, single-flight; failures are never kept;
 *  - whole entity responses with their JSON text, valid only while every status they were
 *    assembled from is still the current cache entry (so invalidating a database drops them).
 *
 * What is cached is per database, never per user: the caller's permission check and catalog
 * lookup (with the caller's credentials) still run on every request before a cached value is
 * used. Statuses carrying errors are kept only for `errorTtlSeconds` (default 0: never), so a
 * fault shows on the next request and a repaired source is seen at once. `refresh` bypasses
 * every layer and repopulates it.
 */
import crypto from 'node:crypto';
import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  DatabaseStatus,
  EntityBackupStatusResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Default of `cnpgBackups.cache.statusTtlSeconds`. @public */
export const DEFAULT_STATUS_TTL_SECONDS = 15;

/** A response body serialised once: the UTF-8 JSON and its (weak) entity tag. */
interface SerializedJson {
  body: Buffer;
  etag: string;
}

function serialize(value: object): SerializedJson {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const hash = crypto
    .createHash('sha1')
    .update(body)
    .digest('base64')
    .slice(0, 27);
  return { body, etag: `W/"${body.length.toString(16)}-${hash}"` };
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** A bounded, in-process TTL map with single-flight loading. Failures are not stored. */
class SingleFlightMap<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #inflight = new Map<string, Promise<T>>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(maxEntries: number, now: () => number) {
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  peek(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, ttlMs: number): void {
    this.#entries.delete(key);
    if (ttlMs <= 0) return;
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /**
   * The stored value, or one load at a time per key. A refresh skips the stored value but
   * joins a load already running: it started after the caller asked, so it is as fresh.
   */
  load(
    key: string,
    refresh: boolean,
    compute: () => Promise<{ value: T; ttlMs: number }>,
  ): Promise<T> {
    const inflight = this.#inflight.get(key);
    if (inflight) return inflight;
    if (!refresh) {
      const stored = this.peek(key);
      if (stored !== undefined) return Promise.resolve(stored);
    }
    const generation = this.#generation;
    const promise = compute().then(({ value, ttlMs }) => {
      // An invalidation while loading means the value may predate it: serve it, don't keep it.
      if (generation === this.#generation) this.set(key, value, ttlMs);
      return value;
    });
    this.#inflight.set(key, promise);
    const clear = () => {
      if (this.#inflight.get(key) === promise) this.#inflight.delete(key);
    };
    promise.then(clear, clear);
    return promise;
  }

  #generation = 0;

  deleteWhere(matches: (key: string) => boolean): void {
    this.#generation += 1;
    for (const key of [...this.#entries.keys()]) {
      if (matches(key)) this.#entries.delete(key);
    }
    for (const key of [...this.#inflight.keys()]) {
      if (matches(key)) this.#inflight.delete(key);
    }
  }

  clear(): void {
    this.deleteWhere(() => true);
  }
}

interface CachedEntityResponse {
  response: EntityBackupStatusResponse;
  statuses: DatabaseStatus[];
}

interface SharedStatus {
  status: DatabaseStatus;
  storedAt: number;
}

/** Options for {@link StatusCache.create}. @public */
export interface StatusCacheOptions {
  /** The shared Backstage cache (other replicas); optional. */
  cache?: CacheService;
  logger?: LoggerService;
  /** How long an assembled status and the Kubernetes reads behind it are reused. 0 disables. */
  ttlSeconds: number;
  /** How long a status that carries errors is reused (in-process only). Default 0. */
  errorTtlSeconds?: number;
  /** Max entries per in-process layer. Default 2000. */
  maxLocalEntries?: number;
  now?: () => number;
}

/** A Kubernetes read or status key's scope, for invalidation. @public */
export interface StatusCacheScope {
  kubernetesCluster: string;
  namespace: string;
  /** The CNPG Cluster name; absent = every database of the namespace. */
  name?: string;
}

/** Short-TTL caches of assembled statuses, Kubernetes reads and entity responses. @public */
export class StatusCache {
  readonly #cache?: CacheService;
  readonly #logger?: LoggerService;
  readonly #ttlMs: number;
  readonly #errorTtlMs: number;
  readonly #now: () => number;
  readonly #statuses: SingleFlightMap<DatabaseStatus>;
  readonly #reads: SingleFlightMap<unknown>;
  readonly #entities: SingleFlightMap<CachedEntityResponse>;
  readonly #serialized = new WeakMap<object, SerializedJson>();

  static create(options: StatusCacheOptions): StatusCache {
    return new StatusCache(options);
  }

  /** A cache that keeps nothing (only joins concurrent identical loads). @public */
  static disabled(): StatusCache {
    return new StatusCache({ ttlSeconds: 0 });
  }

  private constructor(options: StatusCacheOptions) {
    this.#cache = options.cache;
    this.#logger = options.logger;
    this.#ttlMs = Math.max(0, options.ttlSeconds) * 1000;
    this.#errorTtlMs = Math.min(
      this.#ttlMs,
      Math.max(0, options.errorTtlSeconds ?? 0) * 1000,
    );
    this.#now = options.now ?? Date.now;
    const max = options.maxLocalEntries ?? 2000;
    this.#statuses = new SingleFlightMap(max, this.#now);
    this.#reads = new SingleFlightMap(max, this.#now);
    this.#entities = new SingleFlightMap(max, this.#now);
  }

  /** The key of one database: `kubernetesCluster/namespace/name` (also its status id). */
  static databaseKey(scope: Required<StatusCacheScope>): string {
    return `${scope.kubernetesCluster}/${scope.namespace}/${scope.name}`;
  }

  /**
   * The assembled status of one database, built at most once at a time and reused for the
   * TTL (here and, through the shared cache, by other replicas). Callers must not mutate it.
   */
  getStatus(options: {
    id: string;
    refresh?: boolean;
    build: () => Promise<DatabaseStatus>;
  }): Promise<DatabaseStatus> {
    const refresh = Boolean(options.refresh);
    return this.#statuses.load(options.id, refresh, async () => {
      if (!refresh) {
        const shared = await this.#sharedGet(options.id);
        const remaining = shared
          ? shared.storedAt + this.#ttlMs - this.#now()
          : 0;
        if (shared && remaining > 0) {
          return { value: shared.status, ttlMs: remaining };
        }
      }
      const status = await options.build();
      const healthy = status.errors.length === 0;
      if (healthy) await this.#sharedSet(options.id, status);
      return { value: status, ttlMs: healthy ? this.#ttlMs : this.#errorTtlMs };
    });
  }

  /**
   * One Kubernetes read, shared by every database and request for the TTL. `key` must name
   * the Kubernetes cluster, the namespace and the resource (see {@link StatusCache.readKey}).
   * A failed read is never kept.
   */
  read<T>(options: {
    key: string;
    refresh?: boolean;
    read: () => Promise<T>;
  }): Promise<T> {
    return this.#reads.load(
      options.key,
      Boolean(options.refresh),
      async () => ({
        value: await options.read(),
        ttlMs: this.#ttlMs,
      }),
    ) as Promise<T>;
  }

  /** The read-cache key of a resource in a namespace (`namespace` '' = cluster-scoped or all). */
  static readKey(
    kubernetesCluster: string,
    namespace: string,
    resource: string,
    detail = '',
  ): string {
    return `${kubernetesCluster}/${namespace}/${resource}/${detail}`;
  }

  /**
   * A cached entity response, valid while every status it was built from is still current.
   * `key` must include everything that decides which databases the entity selects.
   */
  getEntityResponse(key: string): EntityBackupStatusResponse | undefined {
    const cached = this.#entities.peek(key);
    if (!cached) return undefined;
    const current = cached.statuses.every(s => this.#statuses.peek(s.id) === s);
    return current ? cached.response : undefined;
  }

  /**
   * Keeps an entity response (serialised once, see {@link StatusCache.preSerialized}) built from
   * `statuses` (the objects {@link StatusCache.getStatus} returned).
   */
  setEntityResponse(
    key: string,
    response: EntityBackupStatusResponse,
    statuses: DatabaseStatus[],
  ): void {
    if (this.#ttlMs === 0) return;
    if (!statuses.every(s => this.#statuses.peek(s.id) === s)) return;
    this.#serialized.set(response, serialize(response));
    this.#entities.set(key, { response, statuses }, this.#ttlMs);
  }

  /**
   * The serialised JSON and ETag of a response this cache kept (cached responses are shared
   * between requests and never mutated, so it stays exact), else undefined. Saves
   * re-serialising, re-encoding and re-hashing (ETag) ~36 KB per warm request; the router gets
   * it through its `preSerialized` option.
   */
  preSerialized(value: unknown): SerializedJson | undefined {
    return typeof value === 'object' && value !== null
      ? this.#serialized.get(value)
      : undefined;
  }

  /**
   * Forgets what a change in `scope` makes stale: the Kubernetes reads of its namespace, the
   * status of the named database (every database of the namespace when no name is given) and,
   * through their statuses, the entity responses showing them. With no name, the entity
   * responses are dropped too (a new Cluster may match an entity's label selector).
   */
  async invalidate(scope: StatusCacheScope): Promise<void> {
    const namespacePrefix = `${scope.kubernetesCluster}/${scope.namespace}/`;
    this.#reads.deleteWhere(
      key =>
        key.startsWith(namespacePrefix) ||
        // all-namespace lists of this Kubernetes cluster
        key.startsWith(`${scope.kubernetesCluster}//clusters/`),
    );
    const statusIds: string[] = [];
    this.#statuses.deleteWhere(key => {
      const hit = scope.name
        ? key === `${namespacePrefix}${scope.name}`
        : key.startsWith(namespacePrefix);
      if (hit) statusIds.push(key);
      return hit;
    });
    if (!scope.name) this.#entities.clear();
    if (scope.name && !statusIds.includes(`${namespacePrefix}${scope.name}`))
      statusIds.push(`${namespacePrefix}${scope.name}`);
    await Promise.all(statusIds.map(id => this.#sharedDelete(id)));
  }

  async #sharedGet(id: string): Promise<SharedStatus | undefined> {
    if (!this.#cache || this.#ttlMs === 0) return undefined;
    try {
      return (await this.#cache.get(`status:${id}`)) as
        | SharedStatus
        | undefined;
    } catch (error) {
      this.#logger?.warn('CNPG backups status cache read failed', {
        id,
        error: String(error),
      });
      return undefined;
    }
  }

  async #sharedSet(id: string, status: DatabaseStatus): Promise<void> {
    if (!this.#cache || this.#ttlMs === 0) return;
    try {
      const value: SharedStatus = { status, storedAt: this.#now() };
      await this.#cache.set(`status:${id}`, value as any, { ttl: this.#ttlMs });
    } catch (error) {
      this.#logger?.warn('CNPG backups status cache write failed', {
        id,
        error: String(error),
      });
    }
  }

  async #sharedDelete(id: string): Promise<void> {
    if (!this.#cache || this.#ttlMs === 0) return;
    try {
      await this.#cache.delete(`status:${id}`);
    } catch (error) {
      this.#logger?.warn('CNPG backups status cache delete failed', {
        id,
        error: String(error),
      });
    }
  }
}
