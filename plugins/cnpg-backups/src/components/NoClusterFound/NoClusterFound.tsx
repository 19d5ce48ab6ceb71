import { EmptyState } from '@backstage/core-components';
import type { EntityBackupStatusResponse } from '@cnpg-backups/plugin-cnpg-backups-common';

/** Whether a status has nothing to show: no database and no per-cluster error. */
export function isEmptyStatus(response: EntityBackupStatusResponse): boolean {
  return response.databases.length === 0 && response.errors.length === 0;
}

/** What the card and the tab show when the entity's clusters were found nowhere. */
export function NoClusterFound() {
  return (
    <EmptyState
      missing="data"
      title="No CNPG cluster found"
      description="The clusters named by the entity's annotation were not found in any configured Kubernetes cluster."
    />
  );
}
