import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';

/**
 * Scaffolder module adding the `cnpg:*` recovery actions.
 * @public
 */
export const scaffolderModuleCnpgBackups = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'cnpg-backups',
  register({ registerInit }) {
    registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions();
      },
    });
  },
});
