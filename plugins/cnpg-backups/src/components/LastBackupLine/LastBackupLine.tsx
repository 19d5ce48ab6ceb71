import Typography from '@material-ui/core/Typography';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import { findLastBackup } from '../../lib/lastBackup';
import { HealthIndicator } from '../HealthIndicator';
import { Timestamp } from '../Timestamp';

/** Props of {@link LastBackupLine}. */
export interface LastBackupLineProps {
  database: DatabaseStatus;
}

/**
 * "Last backup: 9 hours ago · <id> (DONE)" with the backend's level as the light. The age is
 * formatted here, by the one relative-time function (lib/time formatRelative), from the
 * backup's own time; the backend's sentence is shown only when there is no backup to date.
 */
export function LastBackupLine(props: LastBackupLineProps) {
  const { database } = props;
  const { lastBackup: light } = database.health;
  const backup = findLastBackup(database.backups);
  const time =
    backup?.bucket?.endTime ??
    backup?.bucket?.beginTime ??
    backup?.resource?.stoppedAt ??
    backup?.resource?.startedAt ??
    database.recoveryWindow.operator?.lastSuccessfulBackupTime;
  const status = backup?.bucket?.status ?? backup?.resource?.phase;
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
