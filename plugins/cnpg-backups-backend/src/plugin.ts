import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { cnpgBackupsPermissions } from '@cnpg-backups/plugin-cnpg-backups-common';
import { createRouter } from './service/router';

/**
 * The CNPG Backups backend plugin.
 * @public
 */
export const cnpgBackupsPlugin = createBackendPlugin({
  pluginId: 'cnpg-backups',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ logger, httpRouter, permissionsRegistry }) {
        permissionsRegistry.addPermissions(cnpgBackupsPermissions);
        httpRouter.use(await createRouter({ logger }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
