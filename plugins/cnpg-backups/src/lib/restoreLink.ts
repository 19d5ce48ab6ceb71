import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';

/** Name of the recovery scaffolder template (templates/restore-cnpg-database). @public */
export const RESTORE_TEMPLATE_NAME = 'restore-cnpg-database';

/** What to restore to. @public */
export type RestoreTarget =
  | { kind: 'latest' }
  | { kind: 'backup'; backupId: string }
  | { kind: 'time'; targetTime: string };

/**
 * The form data handed to the recovery template. Parameter names are part of the contract
 * with `templates/restore-cnpg-database`: keep them exactly as they are.
 * @public
 */
export interface RestoreFormData {
  entityRef: string;
  kubernetesCluster: string;
  namespace: string;
  cluster: string;
  serverName: string;
  targetKind: 'backup' | 'time' | 'latest';
  backupId?: string;
  targetTime?: string;
}

/** Builds the template's form data for one database and target. @public */
export function buildRestoreFormData(options: {
  entityRef: string;
  database: DatabaseStatus;
  target: RestoreTarget;
}): RestoreFormData {
  const { entityRef, database, target } = options;
  const formData: RestoreFormData = {
    entityRef,
    kubernetesCluster: database.cluster.kubernetesCluster,
    namespace: database.cluster.namespace,
    cluster: database.cluster.name,
    // The archive's serverName is what recovery reads from; fall back to the cluster name,
    // which is CNPG's default serverName.
    serverName:
      database.archive?.serverName ??
      database.catalog?.serverName ??
      database.cluster.name,
    targetKind: target.kind,
  };
  if (target.kind === 'backup') {
    formData.backupId = target.backupId;
  } else if (target.kind === 'time') {
    formData.targetTime = new Date(target.targetTime).toISOString();
  }
  return formData;
}

/** The app-relative URL of the recovery template, pre-filled with the form data. @public */
export function buildRestoreUrl(formData: RestoreFormData): string {
  return `/create/templates/default/${RESTORE_TEMPLATE_NAME}?formData=${encodeURIComponent(
    JSON.stringify(formData),
  )}`;
}
