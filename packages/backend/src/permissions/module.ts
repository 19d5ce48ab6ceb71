import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { CnpgPortalPermissionPolicy } from './CnpgPortalPermissionPolicy';

/**
 * Installs {@link CnpgPortalPermissionPolicy} as the permission backend's policy: owners may back
 * up and restore their databases, signed-in users may read statuses, admin groups from
 * `permission.policy.adminGroups` may do everything.
 */
export const permissionModuleCnpgPortalPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'cnpg-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        policy: policyExtensionPoint,
      },
      async init({ config, policy }) {
        policy.setPolicy(CnpgPortalPermissionPolicy.fromConfig(config));
      },
    });
  },
});
