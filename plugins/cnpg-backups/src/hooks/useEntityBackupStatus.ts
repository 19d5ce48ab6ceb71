import { useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useApi } from '@backstage/core-plugin-api';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { EntityBackupStatusResponse } from '@cnpg-backups/plugin-cnpg-backups-common';
import { cnpgBackupsApiRef } from '../api';

/** What {@link useEntityBackupStatus} returns. */
export interface EntityBackupStatusState {
  entityRef: string;
  response?: EntityBackupStatusResponse;
  loading: boolean;
  error?: Error;
  /** Loads the status again (cached on the backend). */
  retry: () => void;
  /** Replaces the shown status with a fresher one (e.g. from polling after a backup). */
  update: (response: EntityBackupStatusResponse) => void;
}

/**
 * Loads the backup status of the current entity. A fresher response handed to `update`
 * wins over the initial load until the entity changes or `retry` is called.
 */
export function useEntityBackupStatus(
  options: { enabled?: boolean } = {},
): EntityBackupStatusState {
  const enabled = options.enabled ?? true;
  const { entity } = useEntity();
  const api = useApi(cnpgBackupsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [fresh, setFresh] = useState<{
    entityRef: string;
    response: EntityBackupStatusResponse;
  }>();

  const state = useAsyncRetry(async () => {
    if (!enabled) {
      return undefined;
    }
    return api.getEntityStatus(getCompoundEntityRef(entity));
    // The entity object identity changes on every catalog refresh; its ref is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, entityRef, enabled]);

  const { retry: reload } = state;
  const retry = useCallback(() => {
    setFresh(undefined);
    reload();
  }, [reload]);
  const update = useCallback(
    (response: EntityBackupStatusResponse) => setFresh({ entityRef, response }),
    [entityRef],
  );

  const current = fresh?.entityRef === entityRef ? fresh.response : undefined;
  return {
    entityRef,
    response: current ?? state.value,
    loading: !current && state.loading,
    error: current ? undefined : state.error,
    retry,
    update,
  };
}
