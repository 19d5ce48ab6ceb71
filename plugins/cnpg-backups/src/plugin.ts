import {
  createApiFactory,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { cnpgBackupsApiRef, CnpgBackupsClient } from './api';
import { rootRouteRef } from './routes';

/** The CNPG Backups frontend plugin (legacy frontend system). @public */
export const cnpgBackupsPlugin = createPlugin({
  id: 'cnpg-backups',
  apis: [
    createApiFactory({
      api: cnpgBackupsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CnpgBackupsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});
