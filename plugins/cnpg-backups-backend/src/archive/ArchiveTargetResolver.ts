/*
 * Where a Cluster archives: its declaration (-common), the ObjectStore the plugin entry names
 * (listed, or fetched alone when RBAC forbids listing) and the S3 ArchiveTarget, plus the
 * recovery sources it declares (resolveArchive.ts). For a status the problems are data
 * (SourceErrors, in order); for an action they are named HTTP errors.
 */
import { InputError } from '@backstage/errors';
import {
  BARMAN_CLOUD_PLUGIN_NAME,
  declaredArchive,
  findPluginEntry,
  type ArchiveDeclaration,
  type ArchiveTarget,
  type RecoverySource,
  type SourceError,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type {
  CnpgCluster,
  CnpgKubernetesClient,
  CnpgObjectStore,
} from '../kubernetes';
import { toHttpError, toSourceError } from '../service/errors';
import { resolveArchiveTarget, resolveRecoverySources } from './resolveArchive';

/** Runs one read; on failure records it (as a SourceError) and yields undefined. */
export type AttemptRead = <T>(promise: Promise<T>) => Promise<T | undefined>;

/** A Cluster's archive as a status needs it. */
export interface ResolvedArchive {
  declaration?: ArchiveDeclaration;
  archive?: ArchiveTarget;
  /** The ObjectStore the plugin entry names, when found. */
  objectStore?: CnpgObjectStore;
  /** The namespace's ObjectStores that could be read. */
  objectStores: CnpgObjectStore[];
  recoverySources: RecoverySource[];
  /** Configuration problems met while resolving, in order. */
  errors: SourceError[];
}

function refOf(cluster: CnpgCluster) {
  return {
    namespace: cluster.metadata.namespace ?? '',
    name: cluster.metadata.name,
  };
}

export class ArchiveTargetResolver {
  /**
   * The namespace's ObjectStores when the Cluster uses the barman-cloud plugin (its own entry
   * or a recovery source), else none. `undefined` when they could not be read.
   */
  async objectStores(
    client: CnpgKubernetesClient,
    cluster: CnpgCluster,
    attempt: AttemptRead,
  ): Promise<CnpgObjectStore[] | undefined> {
    const pluginEntry = findPluginEntry(cluster);
    const usesPlugin =
      pluginEntry !== undefined ||
      (cluster.spec?.externalClusters ?? []).some(
        e => e.plugin?.name === BARMAN_CLOUD_PLUGIN_NAME,
      );
    if (!usesPlugin) return [];
    const { namespace } = refOf(cluster);
    const wanted = pluginEntry?.objectStoreName;
    try {
      return await client.listObjectStores({ namespace });
    } catch (error) {
      // RBAC may allow get but not list: fall back to the one object we need.
      if ((error as Error).name === 'KubernetesForbidden' && wanted) {
        const one = await attempt(
          client.getObjectStore({ namespace, name: wanted }),
        );
        return one ? [one] : undefined;
      }
      return attempt(Promise.reject(error));
    }
  }

  /**
   * The archive of a Cluster for its status, from the ObjectStores read (`undefined` = they
   * could not be listed: a missing store is then not reported as absent).
   */
  resolve(options: {
    kubernetesCluster: string;
    cluster: CnpgCluster;
    objectStores: CnpgObjectStore[] | undefined;
  }): ResolvedArchive {
    const { cluster, kubernetesCluster } = options;
    const { namespace, name } = refOf(cluster);
    const objectStores = options.objectStores ?? [];
    const errors: SourceError[] = [];
    const declaration = declaredArchive(cluster);
    let archive: ArchiveTarget | undefined;
    let objectStore: CnpgObjectStore | undefined;
    if (declaration?.form === 'plugin') {
      const storeName = declaration.entry.objectStoreName;
      objectStore = objectStores.find(s => s.metadata.name === storeName);
      if (!storeName) {
        errors.push({
          source: 'config',
          name: 'ObjectStoreNotSet',
          message: `Cluster ${namespace}/${name}: the barman-cloud plugin entry has no barmanObjectName parameter`,
        });
      } else if (options.objectStores && !objectStore) {
        errors.push({
          source: 'kubernetes',
          name: 'ObjectStoreNotFound',
          message: `ObjectStore ${namespace}/${storeName}, named by Cluster ${namespace}/${name} spec.plugins, does not exist`,
          target: kubernetesCluster,
        });
      }
    }
    if (declaration && (declaration.form === 'legacy' || objectStore)) {
      try {
        archive = resolveArchiveTarget({ cluster, declaration, objectStore });
      } catch (error) {
        errors.push(toSourceError(error, { source: 'config' }));
      }
    }
    return {
      declaration,
      archive,
      objectStore,
      objectStores,
      recoverySources: resolveRecoverySources({ cluster, objectStores }),
      errors,
    };
  }

  /**
   * Where a Cluster (existing or about to be created) archives, for an action: a Cluster
   * without a usable archive is a named 400, an unreadable ObjectStore the Kubernetes error.
   */
  async resolveForAction(
    client: CnpgKubernetesClient,
    cluster: CnpgCluster,
  ): Promise<ArchiveTarget> {
    const ref = refOf(cluster);
    const declaration = declaredArchive(cluster);
    if (!declaration) {
      throw new InputError(
        `Cluster ${ref.namespace}/${ref.name} has no backup configuration (no barman-cloud plugin entry, no spec.backup.barmanObjectStore)`,
      );
    }
    let objectStore: CnpgObjectStore | undefined;
    if (declaration.form === 'plugin') {
      if (!declaration.entry.objectStoreName) {
        throw new InputError(
          `Cluster ${ref.namespace}/${ref.name}: the barman-cloud plugin entry has no barmanObjectName parameter`,
        );
      }
      try {
        objectStore = await client.getObjectStore({
          namespace: ref.namespace,
          name: declaration.entry.objectStoreName,
        });
      } catch (error) {
        throw toHttpError(error);
      }
    }
    try {
      return resolveArchiveTarget({ cluster, declaration, objectStore });
    } catch (error) {
      throw new InputError((error as Error).message);
    }
  }
}
