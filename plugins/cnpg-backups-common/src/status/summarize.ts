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

/** Trims a Backup CR. @public */
export function summarizeBackup(backup: CnpgBackup): BackupResourceSummary {
  return {
    name: backup.metadata.name,
    phase: backup.status?.phase,
    method: backup.status?.method ?? backup.spec?.method,
    backupId: backup.status?.backupId,
    startedAt: backup.status?.startedAt,
    stoppedAt: backup.status?.stoppedAt,
    beginWal: backup.status?.beginWal,
    endWal: backup.status?.endWal,
    beginLSN: backup.status?.beginLSN,
    endLSN: backup.status?.endLSN,
    error: backup.status?.error,
    creationTimestamp: backup.metadata.creationTimestamp,
    scheduledBackup: backup.metadata.labels?.['cnpg.io/scheduled-backup'],
  };
}
