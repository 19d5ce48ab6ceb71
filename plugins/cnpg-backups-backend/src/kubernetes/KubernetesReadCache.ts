/*
 * The Kubernetes reads behind a status (Cluster get/list, Backups, ScheduledBackups,
 * ObjectStores, CRD), one per (Kubernetes cluster, namespace, resource) for
 * `cnpgBackups.cache.statusTtlSeconds`, shared by every database and request: in-process,
 * single-flight, failures never kept. Secrets are never read through it.
 * Used by CachingCnpgKubernetesClient.
 */
import { SingleFlightMap } from '../cache/SingleFlightMap';

/** Options for {@link KubernetesReadCache.create}. @public */
export interface KubernetesReadCacheOptions {
  /** How long a read is reused. 0 disables (concurrent identical reads are still joined). */
  ttlSeconds: number;
  /** Max entries kept. Default 2000. */
  maxLocalEntries?: number;
  now?: () => number;
}

/** A short-TTL, single-flight cache of Kubernetes reads. @public */
export class KubernetesReadCache {
  readonly #ttlMs: number;
  readonly #reads: SingleFlightMap<unknown>;

  static create(options: KubernetesReadCacheOptions): KubernetesReadCache {
    return new KubernetesReadCache(options);
  }

  /** A cache that keeps nothing (only joins concurrent identical reads). */
  static disabled(): KubernetesReadCache {
    return new KubernetesReadCache({ ttlSeconds: 0 });
  }

  private constructor(options: KubernetesReadCacheOptions) {
    this.#ttlMs = Math.max(0, options.ttlSeconds) * 1000;
    this.#reads = new SingleFlightMap(
      options.maxLocalEntries ?? 2000,
      options.now ?? Date.now,
    );
  }

  /** The key of a resource in a namespace (`namespace` '' = cluster-scoped or all). */
  static key(
    kubernetesCluster: string,
    namespace: string,
    resource: string,
    detail = '',
  ): string {
    return `${kubernetesCluster}/${namespace}/${resource}/${detail}`;
  }

  /**
   * One read, shared for the TTL. `key` must name the Kubernetes cluster, the namespace and the
   * resource (see {@link KubernetesReadCache.key}). A failed read is never kept; `refresh`
   * skips the kept value (and keeps the new one).
   */
  read<T>(options: {
    key: string;
    refresh?: boolean;
    read: () => Promise<T>;
  }): Promise<T> {
    return this.#reads.load(
      options.key,
      Boolean(options.refresh),
      async () => ({ value: await options.read(), ttlMs: this.#ttlMs }),
    ) as Promise<T>;
  }

  /**
   * Forgets the reads a write in `namespace` makes stale: every read of that namespace and
   * the all-namespace Cluster lists of that Kubernetes cluster. A read running meanwhile is
   * served but not kept.
   */
  invalidate(scope: { kubernetesCluster: string; namespace: string }): void {
    const namespacePrefix = `${scope.kubernetesCluster}/${scope.namespace}/`;
    this.#reads.deleteWhere(
      key =>
        key.startsWith(namespacePrefix) ||
        key.startsWith(`${scope.kubernetesCluster}//clusters/`),
    );
  }
}
