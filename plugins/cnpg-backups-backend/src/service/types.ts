import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  CreateBackupResponse,
  DatabaseStatus,
  EntityBackupStatusResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Identifies one CNPG Cluster. @public */
export interface DatabaseRef {
  kubernetesCluster: string;
  namespace: string;
  name: string;
}

/** Result of {@link CnpgBackupsService.getServerNameEmptiness}. @public */
export interface ServerNameEmptinessResponse {
  serverName: string;
  /** True when `wals/` holds no WAL-like object (barman's empty-archive check passes). */
  empty: boolean;
  walObjects: number;
  destinationPath: string;
  /**
   * Who writes (or is about to write) to this serverName in the same destination: Clusters
   * whose archive declaration names it (`kind: 'cluster'`) and recovery Clusters being created
   * (`kind: 'creation'`). Sorted by namespace, then name.
   */
  claimedBy: ServerNameClaimant[];
  /**
   * True only when the folder is empty AND nobody claims it: the one answer a planner may
   * pick the serverName on. A claimed serverName is not available even if its folder is empty.
   */
  available: boolean;
}

/** A Cluster claiming a serverName (see {@link ServerNameEmptinessResponse}). @public */
export interface ServerNameClaimant {
  kubernetesCluster: string;
  namespace: string;
  name: string;
  kind: 'cluster' | 'creation';
}

/** Result of {@link CnpgBackupsService.createCluster}. @public */
export interface CreateClusterResponse {
  kubernetesCluster: string;
  namespace: string;
  name: string;
  uid?: string;
}

/**
 * Backup status and actions for CNPG databases. Failures of one Kubernetes cluster or bucket
 * are returned as data (`errors`), never thrown for the others.
 * @public
 */
export interface CnpgBackupsService {
  getEntityStatus(options: {
    entity: Entity;
    credentials?: BackstageCredentials;
    refresh?: boolean;
  }): Promise<EntityBackupStatusResponse>;

  /** @throws NotFoundError when the Kubernetes cluster is not configured or the Cluster does not exist. */
  getDatabaseStatus(
    options: DatabaseRef & { refresh?: boolean },
  ): Promise<DatabaseStatus>;

  /** Whether `serverName` is free in the database's archive store (recovery planning). */
  getServerNameEmptiness(
    options: DatabaseRef & { serverName: string },
  ): Promise<ServerNameEmptinessResponse>;

  /**
   * Creates a Backup CR for a Cluster the entity owns (by its annotations).
   * @throws NotAllowedError when the entity does not own the Cluster
   */
  createBackup(options: {
    entity: Entity;
    kubernetesCluster: string;
    namespace: string;
    cluster: string;
    requestedBy?: string;
  }): Promise<CreateBackupResponse>;

  /**
   * Creates a recovery Cluster with create semantics, after the recovery-only rules
   * (checkRecoveryClusterRequest) against live facts: the source must be the archive of a
   * database `entity` declares, the target serverName must be unused.
   * @throws InputError (bad manifest), NotAllowedError (source not owned), ConflictError
   *   (name exists, serverName taken)
   */
  createCluster(options: {
    entity: Entity;
    kubernetesCluster: string;
    namespace: string;
    manifest: unknown;
    requestedBy?: string;
  }): Promise<CreateClusterResponse>;
}
