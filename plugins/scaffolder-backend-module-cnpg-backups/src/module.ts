import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createCnpgClusterCreateAction,
  createCnpgRecoveryManifestAction,
  createCnpgRecoveryPlanAction,
} from './actions';

/**
 * Scaffolder module adding the `cnpg:*` recovery actions:
 * `cnpg:recovery:plan`, `cnpg:recovery:manifest` and `cnpg:cluster:create`.
 * @public
 */
export const scaffolderModuleCnpgBackups = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'cnpg-backups',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, discovery, auth }) {
        scaffolder.addActions(
          createCnpgRecoveryPlanAction({ discovery, auth }),
          createCnpgRecoveryManifestAction(),
          createCnpgClusterCreateAction({ discovery, auth }),
        );
      },
    });
  },
});
