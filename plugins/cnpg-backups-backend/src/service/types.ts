import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  CreateBackupResponse,
  CreateClusterResponse,
  DatabaseStatus,
  EntityBackupStatusResponse,
  ServerNameEmptinessResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Identifies one CNPG Cluster. @public */
export interface DatabaseRef {
  kubernetesCluster: string;
  namespace: string;
  name: string;
}

// The wire shapes live in -common (the client reads them); re-exported under their old names.
export type {
  CreateClusterResponse,
  ServerNameClaimant,
  ServerNameEmptinessResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';

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

  /**
   * `keep: false` leaves the status out of this process's status cache (it is computed as
   * usual, and a refresh still drops the entry it replaces): the fleet refresh computes every
   * database's status once per run, and keeping a whole fleet of them for the TTL only costs
   * memory (issue 12). Default true.
   * @throws NotFoundError when the Kubernetes cluster is not configured or the Cluster does not exist.
   */
  getDatabaseStatus(
    options: DatabaseRef & { refresh?: boolean; keep?: boolean },
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
