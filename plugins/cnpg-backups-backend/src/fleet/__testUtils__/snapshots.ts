import type { DatabaseSnapshot } from '@cnpg-backups/plugin-cnpg-backups-common';

/** A snapshot with defaults, for store and query tests. */
export function snap(
  over: Partial<DatabaseSnapshot> & { cluster: string; takenAt: string },
): DatabaseSnapshot {
  const kubernetesCluster = over.kubernetesCluster ?? 'prod';
  const namespace = over.namespace ?? 'db';
  return {
    databaseId: `${kubernetesCluster}/${namespace}/${over.cluster}`,
    kubernetesCluster,
    namespace,
    health: 'ok',
    walGapCount: 0,
    diagnoses: [],
    ...over,
  };
}
