/*
 * Live facts for the recovery-only rules (checkRecoveryClusterRequest in -common), and the
 * in-process serialisation of recovery creations:
 *  - owned: the Clusters the entity declares (its annotations) in the target Kubernetes
 *    cluster, with the archive folders each may be restored from (its own archive and the
 *    recovery sources it declares);
 *  - taken: every archive folder (destination + serverName) an existing Cluster of that
 *    Kubernetes cluster archives to, plus the ones reserved by creations in flight;
 *  - objectStoreDestinations: ObjectStore name → destinationPath in the target namespace.
 * Everything is read without the status cache: these facts decide a write.
 */
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  getCnpgEntitySelector,
  type ArchiveFolderRef,
  type OwnedRecoverySource,
  type RecoveryRequestFacts,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  KubernetesObjectNotFoundError,
  type CnpgCluster,
  type CnpgKubernetesClient,
  type CnpgObjectStore,
} from '../kubernetes';
import { toHttpError } from './errors';
import { declaredArchive, resolveRecoverySources } from './resolveArchive';

/** ObjectStores per namespace, read once per request. */
class ObjectStoreIndex {
  readonly #client: CnpgKubernetesClient;
  readonly #byNamespace = new Map<string, Promise<CnpgObjectStore[]>>();

  constructor(client: CnpgKubernetesClient) {
    this.#client = client;
  }

  list(namespace: string): Promise<CnpgObjectStore[]> {
    let stores = this.#byNamespace.get(namespace);
    if (!stores) {
      // A namespace without ObjectStores (or without the CRD) simply resolves nothing.
      stores = this.#client.listObjectStores({ namespace }).catch(() => []);
      this.#byNamespace.set(namespace, stores);
    }
    return stores;
  }

  async destination(
    namespace: string,
    name: string | undefined,
  ): Promise<string | undefined> {
    if (!name) return undefined;
    const store = (await this.list(namespace)).find(
      s => s.metadata.name === name,
    );
    return store?.spec?.configuration?.destinationPath;
  }
}

/** The archive folder a Cluster writes to, resolved to a destinationPath when possible. */
async function archiveFolder(
  cluster: CnpgCluster,
  stores: ObjectStoreIndex,
): Promise<ArchiveFolderRef | undefined> {
  const declaration = declaredArchive(cluster);
  if (!declaration) return undefined;
  const namespace = cluster.metadata.namespace ?? '';
  if (declaration.form === 'legacy') {
    return {
      destinationPath: declaration.configuration.destinationPath,
      serverName: declaration.serverName,
    };
  }
  const objectStoreName = declaration.entry.objectStoreName;
  return {
    objectStoreName,
    destinationPath: await stores.destination(namespace, objectStoreName),
    serverName: declaration.entry.serverName,
  };
}

async function ownedClusters(
  entity: Entity,
  client: CnpgKubernetesClient,
): Promise<CnpgCluster[]> {
  let selector;
  try {
    selector = getCnpgEntitySelector(entity);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  if (!selector) return [];
  if (selector.kind === 'explicit') {
    const refs = selector.clusters.filter(
      c =>
        c.kubernetesCluster === undefined ||
        c.kubernetesCluster === client.clusterName,
    );
    const found = await Promise.all(
      refs.map(ref =>
        client.getCluster(ref).catch(error => {
          if (error instanceof KubernetesObjectNotFoundError) return undefined;
          throw toHttpError(error);
        }),
      ),
    );
    return found.filter((c): c is CnpgCluster => c !== undefined);
  }
  if (
    selector.kubernetesCluster &&
    selector.kubernetesCluster !== client.clusterName
  ) {
    return [];
  }
  try {
    return await client.listClusters({
      namespace: selector.namespace,
      labelSelector: selector.labelSelector,
    });
  } catch (error) {
    throw toHttpError(error);
  }
}

/**
 * Reads the facts the recovery-only rules need, live.
 * @internal
 */
export async function gatherRecoveryFacts(options: {
  client: CnpgKubernetesClient;
  entity: Entity;
  namespace: string;
  reserved: Array<ArchiveFolderRef & { claimedBy: string }>;
}): Promise<RecoveryRequestFacts> {
  const { client, entity, namespace } = options;
  const stores = new ObjectStoreIndex(client);
  const entityRef = stringifyEntityRef(entity);

  const owned: OwnedRecoverySource[] = await Promise.all(
    (
      await ownedClusters(entity, client)
    ).map(async cluster => {
      const clusterNamespace = cluster.metadata.namespace ?? '';
      const archives: ArchiveFolderRef[] = [];
      const own = await archiveFolder(cluster, stores);
      if (own) archives.push(own);
      for (const source of resolveRecoverySources({
        cluster,
        objectStores: await stores.list(clusterNamespace),
      })) {
        archives.push({
          objectStoreName: source.objectStoreName,
          destinationPath: source.destinationPath,
          serverName: source.serverName,
        });
      }
      return {
        database: `${client.clusterName}/${clusterNamespace}/${cluster.metadata.name} (${entityRef})`,
        spec: cluster.spec as Record<string, unknown> | undefined,
        archives,
      };
    }),
  );

  let all: CnpgCluster[];
  try {
    all = await client.listClusters({});
  } catch (error) {
    throw toHttpError(error);
  }
  const taken: Array<ArchiveFolderRef & { claimedBy: string }> = [
    ...options.reserved,
  ];
  for (const cluster of all) {
    const folder = await archiveFolder(cluster, stores);
    if (folder) {
      taken.push({
        ...folder,
        claimedBy: `archived to by Cluster ${cluster.metadata.namespace}/${cluster.metadata.name}`,
      });
    }
  }

  const objectStoreDestinations: Record<string, string> = {};
  for (const store of await stores.list(namespace)) {
    const path = store.spec?.configuration?.destinationPath;
    if (path) objectStoreDestinations[store.metadata.name] = path;
  }
  return { owned, taken, objectStoreDestinations };
}

/**
 * Serialises recovery creations per Kubernetes cluster (check + create run one at a time), and
 * remembers the folders recent creations claimed until the Cluster list shows them. In-process:
 * with several backend replicas the re-check against the live Cluster list still refuses a
 * folder an existing Cluster declares, but two replicas racing within one list/create window
 * are not serialised.
 * @internal
 */
export class RecoveryCreationLock {
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #reserved = new Map<
    string,
    Array<ArchiveFolderRef & { claimedBy: string; until: number }>
  >();
  readonly #now: () => number;
  readonly #holdMs: number;

  constructor(options: { now?: () => number; holdMs?: number } = {}) {
    this.#now = options.now ?? (() => Date.now());
    this.#holdMs = options.holdMs ?? 10 * 60_000;
  }

  /** Runs `fn` after every earlier creation in the same Kubernetes cluster finished. */
  async run<T>(kubernetesCluster: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(kubernetesCluster) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(fn);
    const tail = current.catch(() => undefined);
    this.#tails.set(kubernetesCluster, tail);
    try {
      return await current;
    } finally {
      if (this.#tails.get(kubernetesCluster) === tail) {
        this.#tails.delete(kubernetesCluster);
      }
    }
  }

  reserved(
    kubernetesCluster: string,
  ): Array<ArchiveFolderRef & { claimedBy: string }> {
    const now = this.#now();
    const live = (this.#reserved.get(kubernetesCluster) ?? []).filter(
      r => r.until > now,
    );
    this.#reserved.set(kubernetesCluster, live);
    return live.map(({ until: _until, ...rest }) => rest);
  }

  reserve(
    kubernetesCluster: string,
    folder: ArchiveFolderRef & { claimedBy: string },
  ): void {
    const list = this.#reserved.get(kubernetesCluster) ?? [];
    list.push({ ...folder, until: this.#now() + this.#holdMs });
    this.#reserved.set(kubernetesCluster, list);
  }
}
