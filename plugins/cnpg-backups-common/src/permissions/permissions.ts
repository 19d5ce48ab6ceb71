import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/** Read the backup status of a database. @public */
export const cnpgBackupsStatusReadPermission = createPermission({
  name: 'cnpg-backups.status.read',
  attributes: { action: 'read' },
});

/**
 * Create an on-demand Backup CR for a database of an entity. A resource
 * permission on the catalog entity (`resourceRef` = the entity ref), so a
 * policy can answer with catalog conditions such as `isEntityOwner`.
 * @public
 */
export const cnpgBackupsBackupCreatePermission = createPermission({
  name: 'cnpg-backups.backup.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create a recovery Cluster from the archive of a database of an entity
 * (`POST /databases/:k8s/:ns/clusters`, scaffolder `cnpg:cluster:create`).
 * A resource permission on the catalog entity (`resourceRef` = the entity
 * ref), so a policy can answer with catalog conditions such as `isEntityOwner`.
 * @public
 */
export const cnpgBackupsRecoveryCreatePermission = createPermission({
  name: 'cnpg-backups.recovery.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Read the fleet: every database known to the portal, with its stored snapshots and history
 * (`GET /fleet`, `GET /fleet/databases/.../history`). A basic permission.
 * @public
 */
export const cnpgBackupsFleetReadPermission = createPermission({
  name: 'cnpg-backups.fleet.read',
  attributes: { action: 'read' },
});

/** Every permission of the plugin, for registration. @public */
export const cnpgBackupsPermissions = [
  cnpgBackupsStatusReadPermission,
  cnpgBackupsBackupCreatePermission,
  cnpgBackupsRecoveryCreatePermission,
  cnpgBackupsFleetReadPermission,
];
