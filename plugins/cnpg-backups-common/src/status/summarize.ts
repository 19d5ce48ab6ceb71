/*
 * Trims the CNPG resources to the DTO summaries.
 */
import type { CnpgBackup, CnpgCluster } from '../kubernetes/resources';
import type { BackupResourceSummary, ClusterSummary } from './types';

/** Trims a Cluster CR to the DTO summary. @public */
export function summarizeCluster(
  cluster: CnpgCluster,
  kubernetesCluster: string,
): ClusterSummary {
  return {
    kubernetesCluster,
    namespace: cluster.metadata.namespace ?? '',
    name: cluster.metadata.name,
    uid: cluster.metadata.uid,
    creationTimestamp: cluster.metadata.creationTimestamp,
    phase: cluster.status?.phase,
    instances: cluster.spec?.instances ?? cluster.status?.instances,
    readyInstances: cluster.status?.readyInstances,
    currentPrimary: cluster.status?.currentPrimary,
    timelineID: cluster.status?.timelineID,
    imageName: cluster.spec?.imageName,
    conditions: (cluster.status?.conditions ?? []).map(c => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransitionTime: c.lastTransitionTime,
    })),
  };
}

/** The Backup CR status fields a {@link BackupResourceSummary} keeps, in its order. @public */
export const BACKUP_SUMMARY_STATUS_FIELDS = [
  'phase',
  'method',
  'backupId',
  'startedAt',
  'stoppedAt',
  'beginWal',
  'endWal',
  'beginLSN',
  'endLSN',
  'error',
] as const;

/** Trims a Backup CR. @public */
export function summarizeBackup(backup: CnpgBackup): BackupResourceSummary {
  const summary: BackupResourceSummary = { name: backup.metadata.name };
  for (const field of BACKUP_SUMMARY_STATUS_FIELDS) {
    summary[field] = backup.status?.[field];
  }
  summary.method = summary.method ?? backup.spec?.method;
  summary.creationTimestamp = backup.metadata.creationTimestamp;
  summary.scheduledBackup =
    backup.metadata.labels?.['cnpg.io/scheduled-backup'];
  return summary;
}
