import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import { HealthIndicator } from '../HealthIndicator';
import { LastBackupLine } from '../LastBackupLine';
import { Timestamp } from '../Timestamp';

/** The database's name, its Kubernetes facts, its health and the three health lights. */
export function DatabaseHeader(props: { database: DatabaseStatus }) {
  const { database } = props;
  const { cluster, health } = database;
  return (
    <Box minWidth={0} style={{ overflowWrap: 'anywhere' }}>
      <Typography variant="h5" component="h2">
        {cluster.namespace}/{cluster.name}
      </Typography>
      <Typography variant="body2" color="textPrimary">
        Kubernetes cluster {cluster.kubernetesCluster}
        {cluster.phase ? ` · ${cluster.phase}` : ''}
        {cluster.readyInstances !== undefined
          ? ` · ${cluster.readyInstances}/${cluster.instances ?? '?'} ready`
          : ''}
        {cluster.timelineID !== undefined
          ? ` · timeline ${cluster.timelineID}`
          : ''}
        {database.catalog ? (
          <>
            {' '}
            · bucket scanned{' '}
            <Timestamp
              value={database.catalog.scan.scannedAt}
              variant="relative"
            />
          </>
        ) : null}
      </Typography>
      <Box mt={1}>
        <HealthIndicator level={health.level}>{health.summary}</HealthIndicator>
      </Box>
      <Box
        data-testid="health-lights"
        mt={1}
        display="flex"
        flexDirection="column"
        style={{ gap: 2 }}
      >
        <Typography variant="body2" component="div">
          <HealthIndicator
            level={health.archiving.level}
          >{`Archiving: ${health.archiving.text}`}</HealthIndicator>
        </Typography>
        <LastBackupLine database={database} />
        <Typography variant="body2" component="div">
          <HealthIndicator
            level={health.schedule.level}
          >{`Schedule: ${health.schedule.text}`}</HealthIndicator>
        </Typography>
      </Box>
    </Box>
  );
}
