/*
 * GET …/server-names/:serverName: is a serverName of a database's archive store free for a
 * recovered Cluster? Its `wals/` folder must be empty in the bucket (read live) and no Cluster
 * of the Kubernetes cluster (nor a creation in flight) may declare it.
 */
import type { ArchiveAccess } from '../archive/ArchiveAccess';
import type { ArchiveTargetResolver } from '../archive/ArchiveTargetResolver';
import type { CnpgCluster, KubernetesClientRegistry } from '../kubernetes';
import { toArchiveActionError, toHttpError } from './errors';
import {
  claimantsOf,
  gatherArchiveClaims,
  type ArchiveFolderClaim,
} from './recoveryCreation';
import type { DatabaseRef, ServerNameEmptinessResponse } from './types';

export class ServerNameAvailability {
  readonly #kubernetes: KubernetesClientRegistry;
  readonly #targets: ArchiveTargetResolver;
  readonly #archives: ArchiveAccess;
  readonly #reserved: (kubernetesCluster: string) => ArchiveFolderClaim[];

  constructor(options: {
    kubernetes: KubernetesClientRegistry;
    targets: ArchiveTargetResolver;
    archives: ArchiveAccess;
    /** Folders reserved by recovery creations in flight. */
    reserved: (kubernetesCluster: string) => ArchiveFolderClaim[];
  }) {
    this.#kubernetes = options.kubernetes;
    this.#targets = options.targets;
    this.#archives = options.archives;
    this.#reserved = options.reserved;
  }

  async check(
    options: DatabaseRef & { serverName: string },
  ): Promise<ServerNameEmptinessResponse> {
    const client = this.#kubernetes.require(options.kubernetesCluster);
    let cluster: CnpgCluster;
    try {
      cluster = await client.getCluster(options);
    } catch (error) {
      throw toHttpError(error);
    }
    const namespace = cluster.metadata.namespace ?? options.namespace;
    const archive = await this.#targets.resolveForAction(client, cluster);
    let emptiness: { empty: boolean; walObjects: number };
    try {
      emptiness = await this.#archives.isServerNameEmpty({
        client,
        namespace,
        archive,
        serverName: options.serverName,
      });
    } catch (error) {
      throw toArchiveActionError(error);
    }
    // An empty folder is still not free when a Cluster declares it (or a creation in flight
    // reserved it): its first WAL would collide with the recovered Cluster's.
    const claims = await gatherArchiveClaims({
      client,
      reserved: this.#reserved(client.clusterName),
    });
    const claimedBy = claimantsOf(claims, {
      destinationPath: archive.destinationPath,
      serverName: options.serverName,
      namespace,
      objectStoreName: archive.objectStoreName,
    });
    return {
      serverName: options.serverName,
      empty: emptiness.empty,
      walObjects: emptiness.walObjects,
      destinationPath: archive.destinationPath,
      claimedBy,
      available: emptiness.empty && claimedBy.length === 0,
    };
  }
}
