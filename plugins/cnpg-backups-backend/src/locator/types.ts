import type { Entity } from '@backstage/catalog-model';
import type {
  DatabaseStatus,
  SourceError,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CnpgCluster, CnpgKubernetesClient } from '../kubernetes';

/** A CNPG Cluster an entity shows, with the client that read it. */
export interface LocatedCluster {
  client: CnpgKubernetesClient;
  cluster: CnpgCluster;
}

/** What an entity's annotations select: Clusters found, pinned ones that could not be read, errors. */
export interface LocatedClusters {
  found: LocatedCluster[];
  /** Pinned Clusters (`kubernetesCluster:namespace/name`) that could not be read, as statuses. */
  shells: DatabaseStatus[];
  /** Named, never thrown: a bad annotation, an unknown or unreachable Kubernetes cluster… */
  errors: SourceError[];
}

/** Entity → the CNPG Clusters it shows (first seam of a status request). */
export interface ClusterLocator {
  locate(options: {
    entity: Entity;
    refresh?: boolean;
  }): Promise<LocatedClusters>;
}
