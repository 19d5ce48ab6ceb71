/*
 * Extension points of the CNPG Backups backend plugin (pluginId `cnpg-backups`). A backend module
 * (createBackendModule({ pluginId: 'cnpg-backups', ... })) depends on them to add Kubernetes clusters or
 * clients, replace the Kubernetes client factory, allow S3 endpoints, replace the archive reader factory or
 * set the clock the statuses are computed with. Everything must be registered during the module's init:
 * the plugin reads it once when it starts.
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ArchiveReaderFactory, S3EndpointSettings } from './archive';
import type {
  CnpgKubernetesClient,
  KubernetesClusterConnection,
} from './kubernetes';

/** Creates the client of one Kubernetes cluster from its connection. @public */
export interface CnpgKubernetesClientFactory {
  create(connection: KubernetesClusterConnection): CnpgKubernetesClient;
}

/** Kubernetes side of the CNPG Backups backend. @public */
export interface CnpgBackupsKubernetesExtensionPoint {
  /**
   * Adds a Kubernetes cluster, connected through the client factory like the clusters of
   * `kubernetes.clusterLocatorMethods`. Its name must not be taken.
   */
  addCluster(connection: KubernetesClusterConnection): void;
  /** Adds a ready client; its `clusterName` must not be taken. */
  addClient(client: CnpgKubernetesClient): void;
  /**
   * Replaces the factory that turns every cluster connection (config and `addCluster`) into a client.
   * The default is the plugin's HTTP client, which supports `authProvider: serviceAccount` only; a
   * replacement receives every connection, whatever its `authProvider`. At most one module may set it.
   */
  setClientFactory(factory: CnpgKubernetesClientFactory): void;
}

/** @public */
export const cnpgBackupsKubernetesExtensionPoint =
  createExtensionPoint<CnpgBackupsKubernetesExtensionPoint>({
    id: 'cnpg-backups.kubernetes',
  });

/** Archive (S3) side of the CNPG Backups backend. @public */
export interface CnpgBackupsArchiveExtensionPoint {
  /**
   * Allows one S3 endpoint with its settings, like a `cnpgBackups.s3.endpoints[]` entry (a later
   * registration of the same URL replaces the earlier one).
   */
  addEndpoint(settings: S3EndpointSettings): void;
  /**
   * Replaces the factory of archive readers (default: the node package's Barman archive scanner over
   * the S3 API). The endpoint policy still decides which endpoints a reader is created for. At most
   * one module may set it.
   */
  setArchiveReaderFactory(factory: ArchiveReaderFactory): void;
}

/** @public */
export const cnpgBackupsArchiveExtensionPoint =
  createExtensionPoint<CnpgBackupsArchiveExtensionPoint>({
    id: 'cnpg-backups.archive',
  });

/** The clock statuses are computed with. @public */
export interface CnpgBackupsClockExtensionPoint {
  /** Replaces the real clock (`() => new Date()`). At most one module may set it. */
  setClock(now: () => Date): void;
}

/** @public */
export const cnpgBackupsClockExtensionPoint =
  createExtensionPoint<CnpgBackupsClockExtensionPoint>({
    id: 'cnpg-backups.clock',
  });
