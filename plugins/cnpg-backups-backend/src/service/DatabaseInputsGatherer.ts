/*
 * Everything one database's status is assembled from: the namespace's Kubernetes reads
 * (ObjectStores, Backups, ScheduledBackups, sibling Clusters, the ObjectStore CRD), the
 * archive target (ArchiveTargetResolver) and the bucket (ArchiveAccess). Errors are data, in
 * the order they were met; nothing is decided here (that is -common's assembleDatabaseStatus).
 */
import {
  OBJECTSTORE_CRD_NAME,
  declaredArchive,
  type DatabaseStatusInputs,
  type SourceError,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type {
  ArchiveAccess,
  ArchiveReadResult,
} from '../archive/ArchiveAccess';
import {
  ArchiveTargetResolver,
  type AttemptRead,
} from '../archive/ArchiveTargetResolver';
import {
  CrdNotInstalledError,
  type CnpgCluster,
  type CnpgKubernetesClient,
} from '../kubernetes';
import { toSourceError } from './errors';

/** The inputs of assembleDatabaseStatus but the instant and the response's other writers. */
export type GatheredDatabaseInputs = Omit<
  DatabaseStatusInputs,
  'now' | 'otherWriters'
>;

export class DatabaseInputsGatherer {
  readonly #archives: ArchiveAccess;
  readonly #targets: ArchiveTargetResolver;

  constructor(options: {
    archives: ArchiveAccess;
    targets?: ArchiveTargetResolver;
  }) {
    this.#archives = options.archives;
    this.#targets = options.targets ?? new ArchiveTargetResolver();
  }

  /** `client` should read through the Kubernetes read cache (the reads are per namespace). */
  async gather(options: {
    client: CnpgKubernetesClient;
    cluster: CnpgCluster;
    refresh?: boolean;
  }): Promise<GatheredDatabaseInputs> {
    const { client, cluster } = options;
    const kubernetesCluster = client.clusterName;
    const namespace = cluster.metadata.namespace ?? '';
    const errors: SourceError[] = [];
    const missingCrds: string[] = [];
    const attempt: AttemptRead = async promise => {
      try {
        return await promise;
      } catch (error) {
        if (error instanceof CrdNotInstalledError) missingCrds.push(error.crd);
        errors.push(
          toSourceError(error, {
            source: 'kubernetes',
            target: kubernetesCluster,
          }),
        );
        return undefined;
      }
    };

    const [objectStores, backups, scheduledBackups, siblings, objectStoreCrd] =
      await Promise.all([
        this.#targets.objectStores(client, cluster, attempt),
        attempt(client.listBackups({ namespace })),
        attempt(client.listScheduledBackups({ namespace })),
        // Siblings reveal clusters sharing our archive folder; failure here only loses that check.
        client.listClusters({ namespace }).catch(() => undefined),
        declaredArchive(cluster)?.form === 'plugin'
          ? client
              .getCustomResourceDefinition({ name: OBJECTSTORE_CRD_NAME })
              .catch(() => undefined)
          : Promise.resolve(undefined),
      ]);

    const resolved = this.#targets.resolve({
      kubernetesCluster,
      cluster,
      objectStores,
    });
    errors.push(...resolved.errors);

    const bucket: ArchiveReadResult = resolved.archive
      ? await this.#archives.readCatalog({
          client,
          namespace,
          clusterName: cluster.metadata.name,
          archive: resolved.archive,
          refresh: options.refresh,
        })
      : { errors: [] };
    errors.push(...bucket.errors);

    return {
      kubernetesCluster,
      cluster,
      archive: resolved.archive,
      objectStore: resolved.objectStore,
      objectStores: resolved.objectStores,
      recoverySources: resolved.recoverySources,
      backups,
      scheduledBackups,
      siblings,
      objectStoreCrd,
      catalog: bucket.catalog,
      serverNames: bucket.serverNames,
      missingCrds,
      errors,
    };
  }
}
