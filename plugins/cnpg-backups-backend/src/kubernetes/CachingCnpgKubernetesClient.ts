/*
 * A CnpgKubernetesClient decorator: reads go through the KubernetesReadCache (one read per
 * Kubernetes cluster, namespace and resource for the TTL, shared by every database and
 * request); Secrets are never cached; writes pass through and then forget the namespace's reads.
 */
import type { CnpgBackup, CnpgCluster, CnpgKubernetesClient } from './types';
import { KubernetesReadCache } from './KubernetesReadCache';

/** A {@link CnpgKubernetesClient} whose reads are cached. @public */
export class CachingCnpgKubernetesClient implements CnpgKubernetesClient {
  readonly #client: CnpgKubernetesClient;
  readonly #cache: KubernetesReadCache;
  readonly #refresh: boolean;

  /** `refresh`: skip the kept reads (and keep the fresh ones), as `?refresh=true` asks. */
  static wrap(
    client: CnpgKubernetesClient,
    cache: KubernetesReadCache,
    options: { refresh?: boolean } = {},
  ): CachingCnpgKubernetesClient {
    return new CachingCnpgKubernetesClient(
      client,
      cache,
      Boolean(options.refresh),
    );
  }

  private constructor(
    client: CnpgKubernetesClient,
    cache: KubernetesReadCache,
    refresh: boolean,
  ) {
    this.#client = client;
    this.#cache = cache;
    this.#refresh = refresh;
  }

  get clusterName(): string {
    return this.#client.clusterName;
  }

  #read<T>(
    namespace: string,
    resource: string,
    detail: string,
    read: () => Promise<T>,
  ): Promise<T> {
    return this.#cache.read({
      key: KubernetesReadCache.key(
        this.#client.clusterName,
        namespace,
        resource,
        detail,
      ),
      refresh: this.#refresh,
      read,
    });
  }

  listClusters(o: Parameters<CnpgKubernetesClient['listClusters']>[0]) {
    return this.#read(
      o.namespace ?? '',
      'clusters',
      `list:${o.labelSelector ?? ''}`,
      () => this.#client.listClusters(o),
    );
  }

  getCluster(o: Parameters<CnpgKubernetesClient['getCluster']>[0]) {
    return this.#read(o.namespace, 'clusters', `get:${o.name}`, () =>
      this.#client.getCluster(o),
    );
  }

  listBackups(o: Parameters<CnpgKubernetesClient['listBackups']>[0]) {
    return this.#read(o.namespace, 'backups', o.clusterName ?? '', () =>
      this.#client.listBackups(o),
    );
  }

  listScheduledBackups(
    o: Parameters<CnpgKubernetesClient['listScheduledBackups']>[0],
  ) {
    return this.#read(o.namespace, 'scheduledbackups', '', () =>
      this.#client.listScheduledBackups(o),
    );
  }

  listObjectStores(o: Parameters<CnpgKubernetesClient['listObjectStores']>[0]) {
    return this.#read(o.namespace, 'objectstores', '', () =>
      this.#client.listObjectStores(o),
    );
  }

  getObjectStore(o: Parameters<CnpgKubernetesClient['getObjectStore']>[0]) {
    return this.#read(o.namespace, 'objectstores', `get:${o.name}`, () =>
      this.#client.getObjectStore(o),
    );
  }

  getCustomResourceDefinition(
    o: Parameters<CnpgKubernetesClient['getCustomResourceDefinition']>[0],
  ) {
    return this.#read('', 'crd', o.name, () =>
      this.#client.getCustomResourceDefinition(o),
    );
  }

  /** Secret values are never cached. */
  getSecret(o: Parameters<CnpgKubernetesClient['getSecret']>[0]) {
    return this.#client.getSecret(o);
  }

  async createBackup(
    o: Parameters<CnpgKubernetesClient['createBackup']>[0],
  ): Promise<CnpgBackup> {
    const created = await this.#client.createBackup(o);
    this.#cache.invalidate({
      kubernetesCluster: this.#client.clusterName,
      namespace: o.namespace,
    });
    return created;
  }

  async createCluster(
    o: Parameters<CnpgKubernetesClient['createCluster']>[0],
  ): Promise<CnpgCluster> {
    const created = await this.#client.createCluster(o);
    this.#cache.invalidate({
      kubernetesCluster: this.#client.clusterName,
      namespace: o.namespace,
    });
    return created;
  }
}
