/**
 * Backend for CNPG Backups: reads CNPG resources from Kubernetes and Barman archives from S3,
 * and serves one reconciled, diagnosed status per database.
 *
 * @packageDocumentation
 */
export { cnpgBackupsPlugin as default } from './plugin';
export type {
  CnpgBackupsService,
  CreateClusterResponse,
  DatabaseRef,
  ServerNameClaimant,
  ServerNameEmptinessResponse,
} from './service/types';
export type {
  CnpgKubernetesClient,
  KubernetesClusterConnection,
} from './kubernetes';
export type {
  ArchiveReader,
  ArchiveReaderFactory,
  ArchiveConnection,
} from './archive';
