import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import type {
  DatabaseStatus,
  EntityBackupStatusResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { BackUpNowButton } from '../BackUpNowButton';

/** "Back up now" and "Restore…" (disabled, with the reason, without the permission). */
export function DatabaseActions(props: {
  entityRef: string;
  database: DatabaseStatus;
  onStatus?: (response: EntityBackupStatusResponse) => void;
  onCreated: (backupName: string) => void;
  pollIntervalMs?: number;
  restorePermission: { loading: boolean; allowed: boolean };
  onRestore: () => void;
}) {
  const {
    entityRef,
    database,
    onStatus,
    onCreated,
    pollIntervalMs,
    restorePermission,
    onRestore,
  } = props;
  const canRestore = restorePermission.allowed;
  return (
    <Box display="flex" style={{ gap: 8 }} alignItems="flex-start">
      <BackUpNowButton
        entityRef={entityRef}
        database={database}
        onStatus={onStatus}
        onCreated={onCreated}
        pollIntervalMs={pollIntervalMs}
      />
      <Tooltip
        title={
          restorePermission.loading || canRestore
            ? ''
            : "You are not allowed to restore this entity's databases (its owners and admins are)"
        }
      >
        <span>
          <Button
            variant="outlined"
            color="primary"
            disabled={!canRestore}
            onClick={onRestore}
          >
            Restore…
          </Button>
        </span>
      </Tooltip>
    </Box>
  );
}
