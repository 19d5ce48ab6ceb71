import { createApiRef } from '@backstage/core-plugin-api';
import type { CnpgBackupsApi } from '@cnpg-backups/plugin-cnpg-backups-common';

/*
 * The frontend's API is the one wire client of -common (also used by the scaffolder module):
 * its interface and request types are re-exported from there.
 */
export type {
  CnpgBackupsApi,
  CnpgBackupsRequestOptions,
  DatabaseHistoryRequest,
  FleetRequest,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** API reference for {@link @cnpg-backups/plugin-cnpg-backups-common#CnpgBackupsApi}. @public */
export const cnpgBackupsApiRef = createApiRef<CnpgBackupsApi>({
  id: 'plugin.cnpg-backups.service',
});
