import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CreateBackupRequest,
  CreateBackupResponse,
  DatabaseHistory,
  EntityBackupStatusResponse,
  FleetPage,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  FleetHealthLevel,
  FleetSortKey,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Client of the cnpg-backups backend. @public */
export interface CnpgBackupsApi {
  getEntityStatus(
    entityRef: CompoundEntityRef,
    options?: { refresh?: boolean },
  ): Promise<EntityBackupStatusResponse>;
  createBackup(request: CreateBackupRequest): Promise<CreateBackupResponse>;
  /** One page of the fleet (`GET /fleet`), read from the stored snapshots. */
  getFleet(request?: FleetRequest): Promise<FleetPage>;
  /** Stored history of one database (`GET /fleet/databases/…/history`). */
  getDatabaseHistory(request: DatabaseHistoryRequest): Promise<DatabaseHistory>;
}

/**
 * A fleet page request. Filters with several values are sent as repeated query parameters
 * (`health=error&health=warning`); `sort` is a sort key, `descending` sends `sort=-<key>`.
 * @public
 */
export interface FleetRequest {
  offset?: number;
  limit?: number;
  sort?: FleetSortKey;
  descending?: boolean;
  owner?: string[];
  system?: string[];
  health?: FleetHealthLevel[];
  provider?: string[];
  diagnosis?: string[];
  search?: string;
}

/** The database whose history to read, and how many days back. @public */
export interface DatabaseHistoryRequest {
  kubernetesCluster: string;
  namespace: string;
  name: string;
  /** Days of history (the backend's default is 30). */
  days?: number;
}

/** API reference for {@link CnpgBackupsApi}. @public */
export const cnpgBackupsApiRef = createApiRef<CnpgBackupsApi>({
  id: 'plugin.cnpg-backups.service',
});
