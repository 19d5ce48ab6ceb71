import { createPermission } from '@backstage/plugin-permission-common';

/** Read the backup status of a database. @public */
export const cnpgBackupsStatusReadPermission = createPermission({
  name: 'cnpg-backups.status.read',
  attributes: { action: 'read' },
});

/** Create an on-demand Backup CR. @public */
export const cnpgBackupsBackupCreatePermission = createPermission({
  name: 'cnpg-backups.backup.create',
  attributes: { action: 'create' },
});

/** Create a recovery Cluster (scaffolder `cnpg:cluster:create`). @public */
export const cnpgBackupsRecoveryCreatePermission = createPermission({
  name: 'cnpg-backups.recovery.create',
  attributes: { action: 'create' },
});

/** Every permission of the plugin, for registration. @public */
export const cnpgBackupsPermissions = [
  cnpgBackupsStatusReadPermission,
  cnpgBackupsBackupCreatePermission,
  cnpgBackupsRecoveryCreatePermission,
];
