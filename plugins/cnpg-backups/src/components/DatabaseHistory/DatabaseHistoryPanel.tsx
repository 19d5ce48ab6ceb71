import { lazy, Suspense } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import useAsync from 'react-use/esm/useAsync';
import type { DatabaseHistory } from '@cnpg-backups/plugin-cnpg-backups-common';
import { cnpgBackupsApiRef } from '../../api';
import { formatRatio } from '../../lib/fleet';
import { formatSeconds } from '../../lib/time';
import { Timestamp } from '../Timestamp';

// recharts is the heaviest dependency: load it only when a chart is on screen.
const LazyExposureChart = lazy(() => import('./ExposureChart'));

/** Props of {@link DatabaseHistorySummary}. */
export interface DatabaseHistorySummaryProps {
  history: DatabaseHistory;
  /** Diagnosis id → title, to name the diagnoses whose first appearance is listed. */
  diagnosisTitles?: Record<string, string>;
  /** Days the history covers (the heading says so). */
  days?: number;
  /** Fixed chart width (tests). */
  chartWidth?: number;
}

/**
 * "Recoverable over the last 30 days" (the backend's ratio), a small chart of the data-loss
 * exposure of each stored snapshot, and when each current diagnosis first appeared.
 */
export function DatabaseHistorySummary(props: DatabaseHistorySummaryProps) {
  const { history, diagnosisTitles = {}, days = 30, chartWidth } = props;
  const ratio = formatRatio(history.recoverableRatio30d);
  const withExposure = history.points.filter(
    p => p.exposureSeconds !== undefined,
  );
  const latest = withExposure[withExposure.length - 1]?.exposureSeconds;
  const worst = withExposure.reduce<number | undefined>(
    (max, p) => Math.max(max ?? 0, p.exposureSeconds ?? 0),
    undefined,
  );
  const firstSeen = Object.entries(history.diagnosisFirstSeen).sort(
    ([, a], [, b]) => a.localeCompare(b),
  );

  if (history.points.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No snapshot stored yet: the background refresh records one per database.
      </Typography>
    );
  }
  return (
    <Box data-testid="database-history">
      <Typography variant="body1">
        Recoverable over the last {days} days:{' '}
        <strong data-testid="recoverable-ratio">{ratio ?? '—'}</strong>
        <Typography component="span" variant="body2" color="textSecondary">
          {` (${history.points.length} snapshot${
            history.points.length === 1 ? '' : 's'
          })`}
        </Typography>
      </Typography>
      <Typography variant="body2" color="textSecondary" component="p">
        Data-loss exposure{' '}
        {latest !== undefined ? `now ${formatSeconds(latest)}` : 'now unknown'}
        {worst !== undefined ? `, worst ${formatSeconds(worst)}` : ''}
      </Typography>
      <Box
        role="img"
        aria-label={`Data-loss exposure per snapshot over the last ${days} days${
          worst !== undefined ? `, worst ${formatSeconds(worst)}` : ''
        }`}
      >
        <Suspense fallback={<Progress />}>
          <LazyExposureChart points={history.points} width={chartWidth} />
        </Suspense>
      </Box>
      {firstSeen.length > 0 && (
        <Box mt={1}>
          <Typography variant="subtitle2" component="h3">
            Current diagnoses first appeared
          </Typography>
          <Box component="ul" m={0} pl={2} data-testid="diagnosis-first-seen">
            {firstSeen.map(([id, at]) => (
              <Typography
                key={id}
                component="li"
                variant="body2"
                data-diagnosis={id}
              >
                {diagnosisTitles[id] ?? id}: <Timestamp value={at} />
              </Typography>
            ))}
          </Box>
        </Box>
      )}
    </Box>
  );
}

/** Props of {@link DatabaseHistoryPanel}. */
export interface DatabaseHistoryPanelProps {
  kubernetesCluster: string;
  namespace: string;
  /** The CNPG Cluster name. */
  name: string;
  diagnosisTitles?: Record<string, string>;
  days?: number;
}

/** Reads the stored history of one database and shows {@link DatabaseHistorySummary}. */
export function DatabaseHistoryPanel(props: DatabaseHistoryPanelProps) {
  const {
    kubernetesCluster,
    namespace,
    name,
    diagnosisTitles,
    days = 30,
  } = props;
  const api = useApi(cnpgBackupsApiRef);
  const { value, loading, error } = useAsync(
    () => api.getDatabaseHistory({ kubernetesCluster, namespace, name, days }),
    [api, kubernetesCluster, namespace, name, days],
  );
  if (loading) {
    return <Progress />;
  }
  if (error) {
    // History is secondary: say why it is missing without an error panel over the tab.
    const notFound = error instanceof ResponseError && error.statusCode === 404;
    return (
      <Typography variant="body2" color="textSecondary">
        {notFound
          ? 'No snapshot stored yet: the background refresh records one per database.'
          : `History unavailable: ${error.message}`}
      </Typography>
    );
  }
  if (!value) {
    return null;
  }
  return (
    <DatabaseHistorySummary
      history={value}
      diagnosisTitles={diagnosisTitles}
      days={days}
    />
  );
}
