import { useCallback, useEffect, useRef, useState } from 'react';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  EntityBackupStatusResponse,
  ReconciledBackup,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CnpgBackupsApi } from '../../api';
import type { BackUpNowButtonProps } from './BackUpNowButton';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Where a followed backup stands. */
export type BackupProgress =
  | { state: 'creating' }
  | { state: 'following'; name: string; phase?: string; polls: number }
  | { state: 'finished'; name: string; backupId?: string }
  | { state: 'error'; name?: string; message: string }
  | { state: 'timeout'; name: string; phase?: string };

/** Finds the followed Backup in a fresh status: by CR name. */
export function findCreatedBackup(
  response: EntityBackupStatusResponse,
  databaseId: string,
  backupName: string,
): ReconciledBackup | undefined {
  const database = response.databases.find(d => d.id === databaseId);
  return database?.backups.find(backup => backup.resource?.name === backupName);
}

/** Options of {@link useBackUpNow}: the button's props plus the API. */
export interface UseBackUpNowOptions extends BackUpNowButtonProps {
  api: CnpgBackupsApi;
}

/**
 * Creates a Backup CR, then polls the status (refresh=true) until the backend's severity for
 * that backup says it finished or failed, or `maxPolls` is reached.
 */
export function useBackUpNow(options: UseBackUpNowOptions) {
  const {
    api,
    entityRef,
    database,
    onStatus,
    onCreated,
    pollIntervalMs = 3000,
    maxPolls = 100,
  } = options;
  const [progress, setProgress] = useState<BackupProgress>();
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const follow = useCallback(
    async (name: string) => {
      for (let polls = 1; polls <= maxPolls; polls++) {
        await new Promise(resolve => setTimeout(resolve, pollIntervalMs));
        if (!mounted.current) {
          return;
        }
        let response: EntityBackupStatusResponse;
        try {
          response = await api.getEntityStatus(parseEntityRef(entityRef), {
            refresh: true,
          });
        } catch (error) {
          // A failed poll is not a failed backup: keep following.
          continue;
        }
        if (!mounted.current) {
          return;
        }
        onStatus?.(response);
        const found = findCreatedBackup(response, database.id, name);
        const phase = found?.resource?.phase;
        // The backend's severity (the bucket first, else the CR phase) decides.
        const severity = found?.display?.severity;
        if (severity === 'ok') {
          setProgress({
            state: 'finished',
            name,
            backupId: found?.bucket?.id ?? found?.resource?.backupId,
          });
          return;
        }
        if (severity === 'error') {
          setProgress({
            state: 'error',
            name,
            message:
              found?.resource?.error ??
              found?.bucket?.error ??
              'the operator reports the backup failed',
          });
          return;
        }
        setProgress({ state: 'following', name, phase, polls });
      }
      setProgress(previous => ({
        state: 'timeout',
        name,
        phase: previous?.state === 'following' ? previous.phase : undefined,
      }));
    },
    [api, database.id, entityRef, maxPolls, onStatus, pollIntervalMs],
  );

  const create = async () => {
    setProgress({ state: 'creating' });
    try {
      const created = await api.createBackup({
        entityRef,
        kubernetesCluster: database.cluster.kubernetesCluster,
        namespace: database.cluster.namespace,
        cluster: database.cluster.name,
      });
      const name = created.backup.name;
      onCreated?.(name);
      setProgress({
        state: 'following',
        name,
        phase: created.backup.phase,
        polls: 0,
      });
      await follow(name);
    } catch (error) {
      // 409: a backup of this database is still pending; the server names it.
      const pending =
        (error as { statusCode?: number; body?: any })?.statusCode === 409
          ? (error as { body?: any }).body?.error?.message
          : undefined;
      setProgress({
        state: 'error',
        message: pending ? `Not started: ${pending}` : errorText(error),
      });
    }
  };

  return { progress, create };
}
