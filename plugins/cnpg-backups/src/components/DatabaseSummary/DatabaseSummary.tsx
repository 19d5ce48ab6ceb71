import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import { SeverityChip } from '../DiagnosisList';
import { HealthIndicator } from '../HealthIndicator';
import { LastBackupLine } from '../LastBackupLine';
import { RecoveryWindowSummary } from '../RecoveryWindowSummary';
import { SourceErrors } from '../SourceErrors';

/** Props of {@link DatabaseSummary}. */
export interface DatabaseSummaryProps {
  database: DatabaseStatus;
}

/**
 * One database on the card, compact: one health line, the recovery window, the last backup,
 * the top finding with its fix. Details (the three lights, every finding, evidence, snippets)
 * belong to the Backups tab. No sentence is shown twice: when the backend's health summary is
 * the top finding's message, the finding adds only its fix.
 */
export function DatabaseSummary(props: DatabaseSummaryProps) {
  const { database } = props;
  const { cluster, health, archive, diagnoses } = database;
  const top = diagnoses[0];
  const summaryIsTop = top !== undefined && top.message === health.summary;
  const more = diagnoses.length - (top ? 1 : 0);
  return (
    <Box
      data-testid="database-summary"
      data-database={database.id}
      py={1}
      style={{ overflowWrap: 'anywhere' }}
    >
      <Typography variant="h6" component="h3">
        {cluster.namespace}/{cluster.name}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        {cluster.kubernetesCluster}
        {archive
          ? ` · ${archive.provider} · serverName ${archive.serverName}`
          : ''}
      </Typography>
      <Box data-testid="health-summary" my={1}>
        <Typography variant="body2" component="div">
          <HealthIndicator level={health.level}>
            {health.summary}
          </HealthIndicator>
        </Typography>
      </Box>
      <RecoveryWindowSummary window={database.recoveryWindow} />
      <Box my={1}>
        <LastBackupLine database={database} />
      </Box>
      {top && (
        <Box data-testid="top-diagnosis" data-diagnosis={top.id} mt={1}>
          {!summaryIsTop && (
            <Box display="flex" alignItems="flex-start" style={{ gap: 8 }}>
              <SeverityChip severity={top.severity} />
              <Typography variant="body2">{top.message}</Typography>
            </Box>
          )}
          <Typography variant="body2" data-testid="top-diagnosis-fix">
            <strong>Fix:</strong> {top.fix}
          </Typography>
          {more > 0 && (
            <Typography variant="caption" color="textSecondary">
              and {more} more finding{more === 1 ? '' : 's'} on the Backups tab
            </Typography>
          )}
        </Box>
      )}
      <SourceErrors errors={database.errors} />
    </Box>
  );
}
