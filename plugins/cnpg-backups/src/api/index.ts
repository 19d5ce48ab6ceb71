export { cnpgBackupsApiRef } from './CnpgBackupsApi';
export type {
  CnpgBackupsApi,
  DatabaseHistoryRequest,
  FleetRequest,
} from './CnpgBackupsApi';
export { CnpgBackupsClient } from './CnpgBackupsClient';
