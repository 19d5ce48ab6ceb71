/*
 * The status of a database whose Cluster could not be read: known by its reference only.
 */
import type { DatabaseStatus, SourceError } from './types';

const UNREAD = 'Unknown: the Cluster could not be read';

/** A status with unknown health, carrying why the Cluster could not be read. @public */
export function shellStatus(
  ref: { kubernetesCluster: string; namespace: string; name: string },
  errors: SourceError[],
): DatabaseStatus {
  return {
    id: `${ref.kubernetesCluster}/${ref.namespace}/${ref.name}`,
    cluster: {
      kubernetesCluster: ref.kubernetesCluster,
      namespace: ref.namespace,
      name: ref.name,
      conditions: [],
    },
    health: {
      level: 'unknown',
      summary: errors[0]
        ? `${errors[0].name}: ${errors[0].message}`
        : 'Unknown',
      archiving: { level: 'unknown', text: UNREAD },
      lastBackup: { level: 'unknown', text: UNREAD },
      schedule: { level: 'unknown', text: UNREAD },
    },
    recoverySources: [],
    recoveryWindow: { effective: { basis: 'none' }, agreement: 'unknown' },
    backups: [],
    schedules: [],
    lineage: [],
    diagnoses: [],
    errors,
    actions: {},
  };
}
