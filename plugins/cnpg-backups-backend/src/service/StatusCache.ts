/*
 * Short-lived caches that make a warm status request cheap (issue 4: 50 clients, p95 ≤ 50 ms).
 * Two layers here, both bounded by `cnpgBackups.cache.statusTtlSeconds` (default 15); the
 * third, the Kubernetes reads behind a status, is kubernetes/KubernetesReadCache.ts:
 *  - assembled DatabaseStatus per database id: in-process with single-flight (N concurrent
 *    requests build it once), plus the shared Backstage cache so other replicas reuse it;
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
import { SingleFlightMap } from '../cache/SingleFlightMap';

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

interface CachedEntityResponse {
  response: EntityBackupStatusResponse;
  statuses: DatabaseStatus[];
}

interface SharedStatus {
  status: DatabaseStatus;
  storedAt: number;
}

/** What the shared cache holds: the status as JSON text. */
interface SharedStatusText {
  json: string;
  storedAt: number;
}

/** Options for {@link StatusCache.create}. @public */
export interface StatusCacheOptions {
  /** The shared Backstage cache (other replicas); optional. */
  cache?: CacheService;
  logger?: LoggerService;
  /** How long an assembled status is reused. 0 disables. */
  ttlSeconds: number;
  /** How long a status that carries errors is reused (in-process only). Default 0. */
  errorTtlSeconds?: number;
  /** Max entries per in-process layer. Default 2000. */
  maxLocalEntries?: number;
  now?: () => number;
}

/** A status key's scope, for invalidation. @public */
export interface StatusCacheScope {
  kubernetesCluster: string;
  namespace: string;
  /** The CNPG Cluster name; absent = every database of the namespace. */
  name?: string;
}

/** Short-TTL caches of assembled statuses and entity responses. @public */
export class StatusCache {
  readonly #cache?: CacheService;
  readonly #logger?: LoggerService;
  readonly #ttlMs: number;
  readonly #errorTtlMs: number;
  readonly #now: () => number;
  readonly #statuses: SingleFlightMap<DatabaseStatus>;
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
    /**
     * False: the status built is not kept in process (a refresh still drops the entry it
     * replaces; the shared cache is written as usual). Default true.
     */
    keep?: boolean;
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
      if (options.keep === false) return { value: status, ttlMs: 0 };
      return { value: status, ttlMs: healthy ? this.#ttlMs : this.#errorTtlMs };
    });
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
   * Forgets what a change in `scope` makes stale: the
   * status of the named database (every database of the namespace when no name is given) and,
   * through their statuses, the entity responses showing them. With no name, the entity
   * responses are dropped too (a new Cluster may match an entity's label selector).
   */
  async invalidate(scope: StatusCacheScope): Promise<void> {
    const namespacePrefix = `${scope.kubernetesCluster}/${scope.namespace}/`;
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
      // One JSON text (see #sharedSet); anything else (an older writer) is a miss.
      const stored = (await this.#cache.get(`status:${id}`)) as
        | Partial<SharedStatusText>
        | undefined;
      if (
        typeof stored?.json !== 'string' ||
        typeof stored.storedAt !== 'number'
      )
        return undefined;
      return {
        status: JSON.parse(stored.json) as DatabaseStatus,
        storedAt: stored.storedAt,
      };
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
      // One JSON text, not the object: Backstage's in-memory store serialises objects by
      // string concatenation, keeping thousands of rope fragments per status alive.
      const value: SharedStatusText = {
        json: JSON.stringify(status),
        storedAt: this.#now(),
      };
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
