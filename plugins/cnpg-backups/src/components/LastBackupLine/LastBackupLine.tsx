import Typography from '@material-ui/core/Typography';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import { HealthIndicator } from '../HealthIndicator';
import { Timestamp } from '../Timestamp';

/** Props of {@link LastBackupLine}. */
export interface LastBackupLineProps {
  database: DatabaseStatus;
}

/**
 * "Last backup: 9 hours ago · <id> (DONE)" with the backend's level as the light. The backend
 * names the backup (`lastBackupId`) and its time and label (`display`); the age is formatted
 * here, by the one relative-time function (lib/time formatRelative). The backend's sentence is
 * shown only when there is no backup to date.
 */
export function LastBackupLine(props: LastBackupLineProps) {
  const { database } = props;
  const { lastBackup: light } = database.health;
  const backup = database.lastBackupId
    ? database.backups.find(b => b.id === database.lastBackupId)
    : undefined;
  const time =
    backup?.display?.time ??
    database.recoveryWindow.operator?.lastSuccessfulBackupTime;
  const status = backup?.display?.status;
  return (
    <Typography variant="body2" component="div" data-testid="last-backup">
      <HealthIndicator level={light.level}>
        {time ? (
          <>
            Last backup: <Timestamp value={time} variant="relative" />
            {backup && (
              <span style={{ overflowWrap: 'anywhere' }}>
                {' · '}
                {backup.id}
                {status ? ` (${status})` : ''}
              </span>
            )}
          </>
        ) : (
          `Last backup: ${light.text}`
        )}
      </HealthIndicator>
    </Typography>
  );
}
