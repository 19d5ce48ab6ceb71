import { useCallback, useEffect, useRef, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import Tooltip from '@material-ui/core/Tooltip';
import Alert from '@material-ui/lab/Alert';
import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  cnpgBackupsBackupCreatePermission,
  type DatabaseStatus,
  type EntityBackupStatusResponse,
  type ReconciledBackup,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { cnpgBackupsApiRef } from '../../api';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Props of {@link BackUpNowButton}. */
export interface BackUpNowButtonProps {
  entityRef: string;
  database: DatabaseStatus;
  /** Receives every fresh status fetched while following the new backup. */
  onStatus?: (response: EntityBackupStatusResponse) => void;
  /** Receives the name of the created Backup CR. */
  onCreated?: (backupName: string) => void;
  /** Delay between status polls (ms). */
  pollIntervalMs?: number;
  /** Give up following after this many polls. */
  maxPolls?: number;
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

/**
 * "Back up now": permission-gated, asks for confirmation naming the cluster, namespace and
 * Kubernetes cluster, creates a Backup CR, then polls the status (refresh=true) and shows the
 * backup's progress until it is completed.
 */
export function BackUpNowButton(props: BackUpNowButtonProps) {
  const {
    entityRef,
    database,
    onStatus,
    onCreated,
    pollIntervalMs = 3000,
    maxPolls = 100,
  } = props;
  const api = useApi(cnpgBackupsApiRef);
  // A resource permission: the policy decides per entity (e.g. only its owners).
  const { allowed, loading: permissionLoading } = usePermission({
    permission: cnpgBackupsBackupCreatePermission,
    resourceRef: entityRef,
  });
  const [open, setOpen] = useState(false);
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
    setOpen(false);
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

  const busy =
    progress?.state === 'creating' || progress?.state === 'following';
  let disabledReason: string | undefined;
  if (!allowed) {
    disabledReason =
      "You are not allowed to back up this entity's databases (its owners and admins are)";
  } else if (!database.actions.backupMethod) {
    disabledReason = 'No backup method is configured for this cluster';
  }

  return (
    <Box>
      <Tooltip title={disabledReason ?? ''}>
        <span>
          <Button
            variant="contained"
            color="primary"
            disabled={permissionLoading || Boolean(disabledReason) || busy}
            onClick={() => setOpen(true)}
          >
            Back up now
          </Button>
        </span>
      </Tooltip>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        aria-labelledby="back-up-now-title"
      >
        <DialogTitle id="back-up-now-title">
          Back up {database.cluster.name} now?
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            This creates a Backup of the CNPG cluster{' '}
            <strong>{database.cluster.name}</strong> in namespace{' '}
            <strong>{database.cluster.namespace}</strong> on Kubernetes cluster{' '}
            <strong>{database.cluster.kubernetesCluster}</strong>
            {database.actions.backupMethod === 'plugin'
              ? ', taken by the Barman Cloud plugin.'
              : ', taken with the in-tree barmanObjectStore method.'}
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button onClick={create} color="primary" variant="contained">
            Create backup
          </Button>
        </DialogActions>
      </Dialog>
      {progress && (
        <Box mt={1} data-testid="backup-progress" maxWidth={480}>
          {progress.state === 'creating' && (
            <>
              <Alert severity="info">Creating the Backup…</Alert>
              <LinearProgress />
            </>
          )}
          {progress.state === 'following' && (
            <>
              <Alert severity="info">
                Backup {progress.name}:{' '}
                {progress.phase ?? 'waiting for the operator'}…
              </Alert>
              <LinearProgress />
            </>
          )}
          {progress.state === 'finished' && (
            <Alert severity="success">
              Backup {progress.name} completed
              {progress.backupId ? ` (${progress.backupId})` : ''}.
            </Alert>
          )}
          {progress.state === 'error' && (
            <Alert severity="error">
              Backup {progress.name ? `${progress.name} ` : ''}failed:{' '}
              {progress.message}
            </Alert>
          )}
          {progress.state === 'timeout' && (
            <Alert severity="warning">
              Backup {progress.name} is still {progress.phase ?? 'pending'};
              refresh the page later to see it.
            </Alert>
          )}
        </Box>
      )}
    </Box>
  );
}
