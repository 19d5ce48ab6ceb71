export { cnpgBackupsApiRef } from './CnpgBackupsApi';
export type {
  CnpgBackupsApi,
  CnpgBackupsRequestOptions,
  DatabaseHistoryRequest,
  FleetRequest,
} from './CnpgBackupsApi';
export { CnpgBackupsClient } from '@cnpg-backups/plugin-cnpg-backups-common';
