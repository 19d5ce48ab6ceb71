import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  cnpgBackupsBackupCreatePermission,
  type DatabaseStatus,
  type EntityBackupStatusResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { cnpgBackupsApiRef } from '../../api';
import { BackupProgressAlert } from './BackupProgressAlert';
import { ConfirmBackupDialog } from './ConfirmBackupDialog';
import { useBackUpNow } from './useBackUpNow';

export { findCreatedBackup } from './useBackUpNow';
export type { BackupProgress } from './useBackUpNow';

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

/**
 * "Back up now": permission-gated, asks for confirmation naming the cluster, namespace and
 * Kubernetes cluster, creates a Backup CR, then polls the status (refresh=true) and shows the
 * backup's progress until it is completed.
 */
export function BackUpNowButton(props: BackUpNowButtonProps) {
  const { entityRef, database } = props;
  const api = useApi(cnpgBackupsApiRef);
  // A resource permission: the policy decides per entity (e.g. only its owners).
  const { allowed, loading: permissionLoading } = usePermission({
    permission: cnpgBackupsBackupCreatePermission,
    resourceRef: entityRef,
  });
  const [open, setOpen] = useState(false);
  const { progress, create } = useBackUpNow({ ...props, api });
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
      <ConfirmBackupDialog
        open={open}
        database={database}
        onCancel={() => setOpen(false)}
        onConfirm={() => {
          setOpen(false);
          create();
        }}
      />
      {progress && <BackupProgressAlert progress={progress} />}
    </Box>
  );
}
