import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CreateBackupRequest,
  CreateBackupResponse,
  EntityBackupStatusResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CompoundEntityRef } from '@backstage/catalog-model';

/** Client of the cnpg-backups backend. @public */
export interface CnpgBackupsApi {
  getEntityStatus(
    entityRef: CompoundEntityRef,
    options?: { refresh?: boolean },
  ): Promise<EntityBackupStatusResponse>;
  createBackup(request: CreateBackupRequest): Promise<CreateBackupResponse>;
}

/** API reference for {@link CnpgBackupsApi}. @public */
export const cnpgBackupsApiRef = createApiRef<CnpgBackupsApi>({
  id: 'plugin.cnpg-backups.service',
});
