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
import type { ServerNameClaimant } from './types';
import {
  declaredArchive,
  resolveRecoverySources,
} from '../archive/resolveArchive';

/** ObjectStores per namespace, read once per request. @internal */
export class ObjectStoreIndex {
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

/** Who claims an archive folder: an existing Cluster, or a recovery Cluster being created. */
export type ArchiveFolderClaimant = ServerNameClaimant;

/** An archive folder someone writes (or is about to write) to. @internal */
export type ArchiveFolderClaim = ArchiveFolderRef & {
  /** Human-readable, for the 409 messages. */
  claimedBy: string;
  claimant?: ArchiveFolderClaimant;
};

/**
 * Every archive folder (destination + serverName) claimed in one Kubernetes cluster: the ones
 * existing Clusters' archive declarations write to, plus the reservations of creations in
 * flight. Read live (no cache); a failure to list Clusters is an error, never "nothing taken".
 * @internal
 */
export async function gatherArchiveClaims(options: {
  client: CnpgKubernetesClient;
  reserved: ArchiveFolderClaim[];
  stores?: ObjectStoreIndex;
}): Promise<ArchiveFolderClaim[]> {
  const { client } = options;
  const stores = options.stores ?? new ObjectStoreIndex(client);
  let all: CnpgCluster[];
  try {
    all = await client.listClusters({});
  } catch (error) {
    throw toHttpError(error);
  }
  const taken: ArchiveFolderClaim[] = [...options.reserved];
  for (const cluster of all) {
    const folder = await archiveFolder(cluster, stores);
    if (folder) {
      taken.push({
        ...folder,
        claimedBy: `archived to by Cluster ${cluster.metadata.namespace}/${cluster.metadata.name}`,
        claimant: {
          kubernetesCluster: client.clusterName,
          namespace: cluster.metadata.namespace ?? '',
          name: cluster.metadata.name,
          kind: 'cluster',
        },
      });
    }
  }
  return taken;
}

function normalizeDestination(path: string): string {
  return path.replace(/\/+$/, '');
}

/**
 * The claimants of one folder: claims on `serverName` in `destinationPath`. A claim whose
 * ObjectStore could not be resolved to a destinationPath matches by ObjectStore name in the
 * same namespace (the name is namespace-relative). One claimant per Cluster.
 * @internal
 */
export function claimantsOf(
  claims: ArchiveFolderClaim[],
  folder: {
    destinationPath: string;
    serverName: string;
    namespace: string;
    objectStoreName?: string;
  },
): ArchiveFolderClaimant[] {
  const destination = normalizeDestination(folder.destinationPath);
  const result = new Map<string, ArchiveFolderClaimant>();
  for (const claim of claims) {
    if (claim.serverName !== folder.serverName || !claim.claimant) continue;
    const same = claim.destinationPath
      ? normalizeDestination(claim.destinationPath) === destination
      : claim.objectStoreName !== undefined &&
        claim.objectStoreName === folder.objectStoreName &&
        claim.claimant.namespace === folder.namespace;
    if (!same) continue;
    const key = `${claim.claimant.namespace}/${claim.claimant.name}`;
    if (!result.has(key) || claim.claimant.kind === 'cluster') {
      result.set(key, claim.claimant);
    }
  }
  return [...result.values()].sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
  );
}

/**
 * Reads the facts the recovery-only rules need, live.
 * @internal
 */
export async function gatherRecoveryFacts(options: {
  client: CnpgKubernetesClient;
  entity: Entity;
  namespace: string;
  reserved: ArchiveFolderClaim[];
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

  const taken = await gatherArchiveClaims({
    client,
    reserved: options.reserved,
    stores,
  });

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
    Array<ArchiveFolderClaim & { until: number }>
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

  reserved(kubernetesCluster: string): ArchiveFolderClaim[] {
    const now = this.#now();
    const live = (this.#reserved.get(kubernetesCluster) ?? []).filter(
      r => r.until > now,
    );
    this.#reserved.set(kubernetesCluster, live);
    return live.map(({ until: _until, ...rest }) => rest);
  }

  /** Reserves a folder; the returned function releases it (a creation that failed). */
  reserve(kubernetesCluster: string, folder: ArchiveFolderClaim): () => void {
    const list = this.#reserved.get(kubernetesCluster) ?? [];
    const entry = { ...folder, until: this.#now() + this.#holdMs };
    list.push(entry);
    this.#reserved.set(kubernetesCluster, list);
    return () => {
      const current = this.#reserved.get(kubernetesCluster) ?? [];
      this.#reserved.set(
        kubernetesCluster,
        current.filter(r => r !== entry),
      );
    };
  }
}
