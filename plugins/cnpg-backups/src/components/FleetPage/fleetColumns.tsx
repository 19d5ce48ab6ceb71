import { type ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import type { Theme } from '@material-ui/core/styles';
import { Link, type TableColumn } from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  FleetHealthLevel,
  FleetRow,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { formatRatio } from '../../lib/fleet';
import { formatSeconds } from '../../lib/time';
import { HealthIndicator } from '../HealthIndicator';
import { Timestamp } from '../Timestamp';
import { ClaimSnippetButton } from './ClaimSnippetButton';

export const LEVEL_LABEL: Record<FleetHealthLevel, string> = {
  error: 'Error',
  warning: 'Warning',
  unknown: 'Unknown',
  ok: 'OK',
};

/** Which columns the table shows: every one, merged captions, or three. */
export type FleetLayout = 'full' | 'medium' | 'compact';

/**
 * The columns that fit the content's width (the sidebar takes 224 px of the viewport): every
 * column from 1600 px, merged captions from 1280 px, three columns below.
 */
export function useFleetLayout(): FleetLayout {
  const full = useMediaQuery('(min-width: 1600px)');
  const medium = useMediaQuery((theme: Theme) => theme.breakpoints.up('lg'));
  let layout: FleetLayout = 'compact';
  if (full) {
    layout = 'full';
  } else if (medium) {
    layout = 'medium';
  }
  return layout;
}

function shortRef(ref: string | undefined): string | undefined {
  if (!ref) {
    return undefined;
  }
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

function caption(content: ReactNode, title?: string) {
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      component="div"
      title={title}
    >
      {content}
    </Typography>
  );
}

function walGaps(count: number): string {
  return `${count} WAL gap${count === 1 ? '' : 's'}`;
}

/** The row's most severe diagnosis, and since when it has been seen (stored history). */
function topDiagnosis(row: FleetRow): ReactNode {
  const top = row.diagnoses[0];
  if (!top) {
    return undefined;
  }
  const since = row.diagnosisFirstSeen[top.id];
  // Diagnosis titles are whole sentences (with endpoints): three lines here, all of it in the
  // title and to screen readers, and on the entity's tab.
  return (
    <Box data-diagnosis={top.id} title={top.title}>
      <Box
        style={{
          display: '-webkit-box',
          WebkitLineClamp: 3,
          WebkitBoxOrient: 'vertical',
          overflow: 'hidden',
          overflowWrap: 'anywhere',
        }}
      >
        {top.title}
      </Box>
      {since && (
        <Typography variant="caption" color="textSecondary" component="div">
          since <Timestamp value={since} variant="relative" />
        </Typography>
      )}
    </Box>
  );
}

/** The database's name (linked to its entity's tab when owned), its details, "Unowned". */
function databaseCell(
  row: FleetRow,
  layout: FleetLayout,
  entityLink: (ref: string) => string | undefined,
) {
  const name = `${row.namespace}/${row.cluster}`;
  const link = row.entityRef ? entityLink(row.entityRef) : undefined;
  // Compact layout: what the hidden columns would say, under the name.
  const details = [
    layout === 'compact' ? shortRef(row.owner) : undefined,
    row.kubernetesCluster,
    layout === 'compact' ? row.provider : undefined,
  ].filter(Boolean);
  return (
    <Box data-database-id={row.databaseId}>
      {link ? (
        <Link to={link} data-testid="fleet-database-link">
          {name}
        </Link>
      ) : (
        <span>{name}</span>
      )}
      {caption(details.join(' · '))}
      {!row.entityRef && (
        <Box
          mt={0.5}
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 8 }}
        >
          <Typography variant="caption" data-testid="unowned">
            Unowned
          </Typography>
          {row.claimSnippet && (
            <ClaimSnippetButton database={name} snippet={row.claimSnippet} />
          )}
        </Box>
      )}
    </Box>
  );
}

/** The exposure, with the window start (and, compact, the last backup) under it. */
function exposureCell(row: FleetRow, layout: FleetLayout) {
  return (
    <Box>
      {row.exposureSeconds === undefined
        ? 'not recoverable'
        : formatSeconds(row.exposureSeconds)}
      {layout !== 'full' &&
        row.firstRecoverableAt &&
        caption(
          <>
            {'from '}
            <Timestamp value={row.firstRecoverableAt} variant="short" />
          </>,
        )}
      {layout === 'compact' &&
        caption(
          <>
            {'last backup '}
            <Timestamp
              value={row.lastBackupAt}
              variant="relative"
              fallback="none"
            />
            {row.walGapCount > 0 && ` · ${walGaps(row.walGapCount)}`}
            {formatRatio(row.recoverableRatio30d) &&
              ` · ${formatRatio(row.recoverableRatio30d)} recoverable (30 d)`}
          </>,
        )}
    </Box>
  );
}

/** Every column, each with whether the layout shows it. */
function allColumns(
  layout: FleetLayout,
  entityLink: (ref: string) => string | undefined,
): Array<TableColumn<FleetRow> & { show: boolean }> {
  return [
    {
      title: 'Database',
      field: 'database',
      show: true,
      render: row => databaseCell(row, layout, entityLink),
    },
    {
      title: 'Owner',
      field: 'owner',
      show: layout !== 'compact',
      render: row => (
        <Box title={row.owner}>
          {shortRef(row.owner) ?? '—'}
          {layout === 'medium' &&
            row.system &&
            caption(shortRef(row.system), row.system)}
        </Box>
      ),
    },
    {
      title: 'System',
      field: 'system',
      show: layout === 'full',
      render: row => (
        <span title={row.system}>{shortRef(row.system) ?? '—'}</span>
      ),
    },
    {
      title: 'Provider',
      field: 'provider',
      show: layout !== 'compact',
      render: row => row.provider ?? '—',
    },
    {
      title: 'Health',
      field: 'health',
      show: true,
      // The level here; the snapshot's summary in the title, its top diagnosis in its column.
      render: row => (
        <Box title={row.healthSummary}>
          <HealthIndicator level={row.health}>
            {LEVEL_LABEL[row.health]}
          </HealthIndicator>
          {layout === 'compact' && topDiagnosis(row)}
        </Box>
      ),
    },
    {
      title: 'Data-loss exposure',
      field: 'exposure',
      show: true,
      render: row => exposureCell(row, layout),
    },
    {
      title: 'Window start',
      field: 'firstRecoverable',
      show: layout === 'full',
      render: row => (
        <Timestamp value={row.firstRecoverableAt} variant="short" />
      ),
    },
    {
      title: 'Last backup',
      field: 'lastBackup',
      show: layout !== 'compact',
      render: row => (
        <Box>
          <Timestamp
            value={row.lastBackupAt}
            variant="relative"
            fallback="none"
          />
          {layout === 'medium' &&
            row.walGapCount > 0 &&
            caption(walGaps(row.walGapCount))}
        </Box>
      ),
    },
    {
      title: 'WAL gaps',
      field: 'walGaps',
      show: layout === 'full',
      render: row => row.walGapCount,
    },
    {
      title: 'Top diagnosis',
      sorting: false,
      show: layout !== 'compact',
      width: '22%',
      render: row => topDiagnosis(row) ?? '—',
    },
    {
      title: 'Recoverable 30 d',
      sorting: false,
      show: layout !== 'compact',
      render: row => formatRatio(row.recoverableRatio30d) ?? '—',
    },
  ];
}

// Dense cells; words (not letters) wrap, so a column is never narrower than its longest word.
const cellStyle = {
  padding: '6px 8px',
  overflowWrap: 'break-word' as const,
};
const headerStyle = { padding: '6px 8px', whiteSpace: 'normal' as const };

/** The columns the layout shows, with the dense cell and header styles. */
export function fleetColumns(
  layout: FleetLayout,
  entityLink: (ref: string) => string | undefined,
): TableColumn<FleetRow>[] {
  return allColumns(layout, entityLink)
    .filter(column => column.show)
    .map(({ show: _show, ...column }) => ({
      ...column,
      cellStyle,
      headerStyle,
    }));
}
