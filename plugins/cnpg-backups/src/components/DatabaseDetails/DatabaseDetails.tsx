import { lazy, Suspense, useState } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { InfoCard, Progress } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  cnpgBackupsRecoveryCreatePermission,
  type DatabaseStatus,
  type EntityBackupStatusResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { RestoreTarget } from '../../lib/restoreLink';
import { ArchivePanel } from '../ArchivePanel';
import { BackupsTable } from '../BackupsTable';
import { DatabaseHistoryPanel } from '../DatabaseHistory';
import { DiagnosisList } from '../DiagnosisList';
import { DatabaseActions } from './DatabaseActions';
import { DatabaseHeader } from './DatabaseHeader';
import { LineagePanel } from '../LineagePanel';
import { RecoveryWindowSummary } from '../RecoveryWindowSummary';
import { RestoreDialog } from '../RestoreDialog';
import { SchedulesPanel } from '../SchedulesPanel';
import { SourceErrors } from '../SourceErrors';
import { WalContinuity } from '../WalContinuity';

// recharts is the heaviest dependency: load it only when a chart is on screen.
const LazyBackupTimelineChart = lazy(
  () => import('../BackupTimelineChart/BackupTimelineChart'),
);

/** Props of {@link DatabaseDetails}. */
export interface DatabaseDetailsProps {
  entityRef: string;
  database: DatabaseStatus;
  /** Receives fresher statuses (e.g. while following a new backup). */
  onStatus?: (response: EntityBackupStatusResponse) => void;
  /** Poll interval used after "Back up now" (ms). */
  pollIntervalMs?: number;
}

/** Everything about one database on the Backups tab. */
export function DatabaseDetails(props: DatabaseDetailsProps) {
  const { entityRef, database, onStatus, pollIntervalMs } = props;
  const { cluster } = database;
  const [restoreTarget, setRestoreTarget] = useState<RestoreTarget>();
  const [restoreOpen, setRestoreOpen] = useState(false);
  const [createdName, setCreatedName] = useState<string>();

  // A resource permission: the policy decides per entity (e.g. only its owners may restore).
  const restorePermission = usePermission({
    permission: cnpgBackupsRecoveryCreatePermission,
    resourceRef: entityRef,
  });
  const canRestore = restorePermission.allowed;

  const openRestore = (target?: RestoreTarget) => {
    if (!canRestore) {
      return;
    }
    setRestoreTarget(target);
    setRestoreOpen(true);
  };

  return (
    <Box
      component="section"
      data-testid="database-details"
      data-database={database.id}
      mb={4}
    >
      <Box
        display="flex"
        alignItems="flex-start"
        justifyContent="space-between"
        flexWrap="wrap"
        mb={2}
        style={{ gap: 16 }}
      >
        <DatabaseHeader database={database} />
        <DatabaseActions
          entityRef={entityRef}
          database={database}
          onStatus={onStatus}
          onCreated={setCreatedName}
          pollIntervalMs={pollIntervalMs}
          restorePermission={restorePermission}
          onRestore={() => openRestore(undefined)}
        />
      </Box>
      <SourceErrors errors={database.errors} />
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <InfoCard
            title="Timeline"
            subheader="Click a point in the window to restore to that time, or a backup to restore it"
          >
            <RecoveryWindowSummary window={database.recoveryWindow} detailed />
            <Suspense fallback={<Progress />}>
              <LazyBackupTimelineChart
                database={database}
                onPickTime={targetTime =>
                  openRestore({ kind: 'time', targetTime })
                }
                onPickBackup={backupId =>
                  openRestore({ kind: 'backup', backupId })
                }
              />
            </Suspense>
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <BackupsTable
            backups={database.backups}
            highlightName={createdName}
            onRestore={
              canRestore
                ? backupId => openRestore({ kind: 'backup', backupId })
                : undefined
            }
          />
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Diagnoses">
            <DiagnosisList diagnoses={database.diagnoses} detailed />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard
            title="History"
            subheader="From the background refresh's stored snapshots"
          >
            <DatabaseHistoryPanel
              kubernetesCluster={cluster.kubernetesCluster}
              namespace={cluster.namespace}
              name={cluster.name}
              diagnosisTitles={Object.fromEntries(
                database.diagnoses.map(d => [d.id, d.message]),
              )}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="WAL continuity">
            <WalContinuity catalog={database.catalog} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={6}>
          <InfoCard title="Schedules">
            <SchedulesPanel schedules={database.schedules} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={6}>
          <InfoCard title="Archive">
            <ArchivePanel
              archive={database.archive}
              recoverySources={database.recoverySources}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="serverName lineage">
            <LineagePanel lineage={database.lineage} />
          </InfoCard>
        </Grid>
      </Grid>
      <RestoreDialog
        open={restoreOpen}
        onClose={() => setRestoreOpen(false)}
        entityRef={entityRef}
        database={database}
        initialTarget={restoreTarget}
      />
    </Box>
  );
}
