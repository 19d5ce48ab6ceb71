import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { cnpgBackupsApiRef, CnpgBackupsClient } from './api';

const cnpgBackupsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: cnpgBackupsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CnpgBackupsClient({ discoveryApi, fetchApi }),
    }),
});

/** The CNPG Backups frontend plugin (new frontend system). @alpha */
export default createFrontendPlugin({
  pluginId: 'cnpg-backups',
  extensions: [cnpgBackupsApi],
});
