/**
 * Backup cards and a backups tab for CNPG databases on Backstage entity pages.
 *
 * @packageDocumentation
 */
export {
  cnpgBackupsPlugin,
  CnpgFleetPage,
  EntityCnpgBackupsCard,
  EntityCnpgBackupsContent,
} from './plugin';
export type { EntityCnpgBackupsCardProps } from './components/EntityCnpgBackupsCard';
export type { EntityCnpgBackupsContentProps } from './components/EntityCnpgBackupsContent';
export type { FleetFilters, FleetPageProps } from './components/FleetPage';
export { cnpgBackupsApiRef, CnpgBackupsClient } from './api';
export type {
  CnpgBackupsApi,
  DatabaseHistoryRequest,
  FleetRequest,
} from './api';
export {
  isCnpgBackupsAvailable,
  ANNOTATION_CNPG_CLUSTER,
} from '@cnpg-backups/plugin-cnpg-backups-common';
export {
  buildRestoreFormData,
  buildRestoreUrl,
  RESTORE_TEMPLATE_NAME,
} from './lib/restoreLink';
export type { RestoreFormData, RestoreTarget } from './lib/restoreLink';
