export { cnpgBackupsApiRef } from './CnpgBackupsApi';
export type { CnpgBackupsApi } from './CnpgBackupsApi';
export { CnpgBackupsClient } from './CnpgBackupsClient';
