import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type {
  DatabaseStatus,
  ReconciledBackup,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { DiagnosisList } from '../DiagnosisList';
import { HealthIndicator } from '../HealthIndicator';
import { RecoveryWindowSummary } from '../RecoveryWindowSummary';
import { SourceErrors } from '../SourceErrors';
import { Timestamp } from '../Timestamp';

/** Props of {@link DatabaseSummary}. */
export interface DatabaseSummaryProps {
  database: DatabaseStatus;
  /** How many diagnoses to show (most severe first). */
  diagnosisLimit?: number;
}

/** The newest backup the bucket holds as DONE, else the newest of any kind. */
export function findLastBackup(
  backups: ReconciledBackup[],
): ReconciledBackup | undefined {
  const timeOf = (backup: ReconciledBackup) =>
    backup.bucket?.endTime ??
    backup.bucket?.beginTime ??
    backup.resource?.stoppedAt ??
    backup.resource?.startedAt ??
    '';
  const sorted = [...backups].sort(
    (a, b) => Date.parse(timeOf(b) || '0') - Date.parse(timeOf(a) || '0'),
  );
  return sorted.find(backup => backup.bucket?.status === 'DONE') ?? sorted[0];
}

/** One database on the card: health lights, recovery window, last backup, top findings. */
export function DatabaseSummary(props: DatabaseSummaryProps) {
  const { database, diagnosisLimit = 3 } = props;
  const { cluster, health, archive } = database;
  const lastBackup = findLastBackup(database.backups);
  return (
    <Box data-testid="database-summary" data-database={database.id} py={1}>
      <Box
        display="flex"
        alignItems="baseline"
        justifyContent="space-between"
        flexWrap="wrap"
      >
        <Typography variant="h6" component="h3">
          {cluster.namespace}/{cluster.name}
        </Typography>
        <Typography variant="caption" color="textSecondary">
          {cluster.kubernetesCluster}
          {archive
            ? ` · ${archive.provider} · serverName ${archive.serverName}`
            : ''}
          {database.demo ? ' · demo data' : ''}
        </Typography>
      </Box>
      <Box data-testid="health-summary" mb={1}>
        <HealthIndicator level={health.level}>{health.summary}</HealthIndicator>
      </Box>
      <Box display="flex" flexDirection="column" style={{ gap: 2 }} mb={1}>
        <Typography variant="body2" component="div">
          <HealthIndicator
            level={health.archiving.level}
          >{`Archiving: ${health.archiving.text}`}</HealthIndicator>
        </Typography>
        <Typography variant="body2" component="div">
          <HealthIndicator
            level={health.lastBackup.level}
          >{`Last backup: ${health.lastBackup.text}`}</HealthIndicator>
        </Typography>
        <Typography variant="body2" component="div">
          <HealthIndicator
            level={health.schedule.level}
          >{`Schedule: ${health.schedule.text}`}</HealthIndicator>
        </Typography>
      </Box>
      <RecoveryWindowSummary window={database.recoveryWindow} />
      <Box my={1}>
        <Typography variant="body2" data-testid="last-backup">
          Last backup:{' '}
          {lastBackup ? (
            <>
              {lastBackup.id} (
              {lastBackup.bucket?.status ??
                lastBackup.resource?.phase ??
                'unknown'}
              ),{' '}
              <Timestamp
                value={
                  lastBackup.bucket?.endTime ??
                  lastBackup.bucket?.beginTime ??
                  lastBackup.resource?.stoppedAt ??
                  lastBackup.resource?.startedAt
                }
              />
            </>
          ) : (
            'none'
          )}
        </Typography>
      </Box>
      <DiagnosisList diagnoses={database.diagnoses} limit={diagnosisLimit} />
      <SourceErrors errors={database.errors} />
    </Box>
  );
}
