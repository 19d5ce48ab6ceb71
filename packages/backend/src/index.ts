/*
 * The demo/development backend of CNPG Backups.
 *
 * With `cnpgBackups.demo.enabled: true` (app-config.yaml) the demo module of the cnpg-backups plugin
 * (the private package plugins/cnpg-backups-backend-module-demo) starts an embedded Kubernetes stand-in
 * and an s3rver seeded with Barman archives, so the portal shows live-looking data with nothing else
 * installed.
 */
import { createBackend } from '@backstage/backend-defaults';
import { authModuleVisitorProvider } from './auth/visitorProvider';
import { permissionModuleCnpgPortalPolicy } from './permissions/module';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder, with the CNPG recovery actions
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(
  import('@cnpg-backups/plugin-scaffolder-backend-module-cnpg-backups'),
);

// auth: two guest-like demo sign-ins, "Guest" (owns the demo databases) and "Visitor" (owns none)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(authModuleVisitorProvider);

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permissions: the portal's policy (owners back up/restore, signed-in users read, admin groups
// from permission.policy.adminGroups do everything; see src/permissions)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleCnpgPortalPolicy);

// search (in-memory lunr engine)
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

// kubernetes: its cluster config is the one the cnpg-backups plugin reads too
backend.add(import('@backstage/plugin-kubernetes-backend'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// CNPG Backups
backend.add(import('@cnpg-backups/plugin-cnpg-backups-backend'));
// DEMO ONLY: the demo environment, through the plugin's extension points (off unless cnpgBackups.demo.enabled)
backend.add(import('@cnpg-backups/plugin-cnpg-backups-backend-module-demo'));

backend.start();
