import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import type { ScheduleSummary } from '@cnpg-backups/plugin-cnpg-backups-common';
import { Timestamp } from '../Timestamp';

/** Props of {@link SchedulesPanel}. */
export interface SchedulesPanelProps {
  schedules: ScheduleSummary[];
}

/** ScheduledBackups in words: CNPG's seconds-first reading, next run, suspended/overdue. */
export function SchedulesPanel(props: SchedulesPanelProps) {
  const { schedules } = props;
  if (schedules.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No ScheduledBackup: base backups are only taken on demand.
      </Typography>
    );
  }
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
      {schedules.map(schedule => (
        <Box key={schedule.name} data-testid="schedule">
          <Box
            display="flex"
            alignItems="center"
            flexWrap="wrap"
            style={{ gap: 8 }}
          >
            <Typography variant="subtitle2">{schedule.name}</Typography>
            <Typography variant="body2" style={{ fontFamily: 'monospace' }}>
              {schedule.schedule}
            </Typography>
            {schedule.suspended && <Chip size="small" label="suspended" />}
            {schedule.overdue && (
              <Chip size="small" color="secondary" label="overdue" />
            )}
            {schedule.immediate && (
              <Chip size="small" variant="outlined" label="immediate" />
            )}
            {schedule.fieldCount !== 6 && (
              <Chip
                size="small"
                color="secondary"
                label={`${schedule.fieldCount} fields (CNPG expects 6, seconds first)`}
              />
            )}
          </Box>
          {schedule.error ? (
            <Typography variant="body2" color="error">
              {schedule.error}
            </Typography>
          ) : (
            <Typography variant="body2">
              CNPG runs it: {schedule.description}
            </Typography>
          )}
          <Typography variant="body2" color="textSecondary">
            Next run:{' '}
            {schedule.suspended ? (
              'none (suspended)'
            ) : (
              <Timestamp value={schedule.nextRun} fallback="unknown" />
            )}{' '}
            · last run:{' '}
            <Timestamp value={schedule.lastScheduleTime} fallback="never" />
            {schedule.method ? ` · method ${schedule.method}` : ''}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
