/*
 * The Kubernetes client interface and connection of the CNPG Backups backend. The resource shapes live in
 * -common (`kubernetes/resources.ts`) and are re-exported here (public API of this package).
 */
import type {
  CnpgBackup,
  CnpgCluster,
  CnpgObjectStore,
  CnpgScheduledBackup,
  KubeCustomResourceDefinition,
} from '@cnpg-backups/plugin-cnpg-backups-common';

export type {
  BarmanObjectStoreConfiguration,
  CnpgBackup,
  CnpgCluster,
  CnpgObjectStore,
  CnpgPluginConfiguration,
  CnpgScheduledBackup,
  KubeCondition,
  KubeCustomResourceDefinition,
  KubeEnvVar,
  KubeObjectMeta,
  KubeSecretKeySelector,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Where an object lives. @public */
export interface NamespacedName {
  namespace: string;
  name: string;
}

/**
 * A client for the CNPG-related resources of ONE Kubernetes cluster.
 *
 * Every failure is thrown as a {@link KubernetesClientError} subclass with a distinct `name`
 * (see `errors.ts`), so the service can turn it into data.
 * @public
 */
export interface CnpgKubernetesClient {
  /** The Backstage name of the Kubernetes cluster. */
  readonly clusterName: string;
  listClusters(options: {
    namespace?: string;
    labelSelector?: string;
  }): Promise<CnpgCluster[]>;
  getCluster(options: NamespacedName): Promise<CnpgCluster>;
  listBackups(options: {
    namespace: string;
    clusterName?: string;
  }): Promise<CnpgBackup[]>;
  listScheduledBackups(options: {
    namespace: string;
  }): Promise<CnpgScheduledBackup[]>;
  listObjectStores(options: { namespace: string }): Promise<CnpgObjectStore[]>;
  getObjectStore(options: NamespacedName): Promise<CnpgObjectStore>;
  /** Decoded Secret data. Values must never leave the backend. */
  getSecret(options: NamespacedName): Promise<Record<string, string>>;
  getCustomResourceDefinition(options: {
    name: string;
  }): Promise<KubeCustomResourceDefinition>;
  /** Create semantics: an existing object gives a ConflictError. */
  createBackup(options: {
    namespace: string;
    backup: CnpgBackup;
  }): Promise<CnpgBackup>;
  /** Create semantics: an existing object gives a ConflictError. */
  createCluster(options: {
    namespace: string;
    cluster: CnpgCluster;
  }): Promise<CnpgCluster>;
}

/** How to reach one Kubernetes API server. @public */
export interface KubernetesClusterConnection {
  /** Backstage name of the cluster. */
  name: string;
  /** API server URL. */
  url: string;
  /** Bearer token (service account). Secret: never logged or returned. */
  token?: string;
  /** PEM CA bundle (decoded `caData`, or the contents of `caFile`). */
  caPem?: string;
  skipTLSVerify?: boolean;
  /** The `authProvider` from config; the built-in client supports `serviceAccount` only. */
  authProvider: string;
}
