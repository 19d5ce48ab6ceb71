/*
 * The columns of the base backups table: the backup and its status, where its data lies (WAL,
 * size, duration) and whether bucket and CR agree, and the restore action.
 */
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  TableColumn,
} from '@backstage/core-components';
import type { ReconciledBackup } from '@cnpg-backups/plugin-cnpg-backups-common';
import { Timestamp } from '../Timestamp';
import type { BackupRow } from './BackupsTable';

function StatusCell(props: { row: BackupRow }) {
  const { row } = props;
  const text = row.error ? `${row.status}: ${row.error}` : row.status;
  if (row.severity === 'ok') {
    return <StatusOK>{row.status}</StatusOK>;
  }
  if (row.severity === 'error') {
    return (
      <Tooltip title={text}>
        <span>
          <StatusError>{row.status}</StatusError>
        </span>
      </Tooltip>
    );
  }
  if (row.severity === 'running') {
    return <StatusRunning>{row.status}</StatusRunning>;
  }
  return <StatusPending>{text}</StatusPending>;
}

const PRESENCE_LABEL: Record<ReconciledBackup['presence'], string> = {
  both: 'CR + bucket',
  'bucket-only': 'bucket only',
  'cr-only': 'CR only',
};

/** Backup (id, CR name; start time when narrow), status and start time. */
function identityColumns(narrow: boolean): TableColumn<BackupRow>[] {
  return [
    {
      title: 'Backup',
      field: 'id',
      render: row => (
        <>
          <Typography
            variant="body2"
            style={{ fontWeight: row.highlighted ? 700 : undefined }}
          >
            {row.id}
          </Typography>
          {row.name && row.name !== row.id && (
            <Typography variant="caption" color="textSecondary">
              {row.name}
            </Typography>
          )}
          {narrow && (
            <Typography variant="caption" component="div">
              <Timestamp value={row.begin} variant="short" />
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Status',
      field: 'status',
      render: row => (
        <>
          <StatusCell row={row} />
          <Typography variant="caption" color="textSecondary" component="div">
            {row.restorable ? 'restorable' : 'not restorable'}
          </Typography>
        </>
      ),
    },
    {
      title: 'Started',
      field: 'begin',
      hidden: narrow,
      render: row => (
        <>
          <Typography variant="body2">
            <Timestamp value={row.begin} variant="short" />
          </Typography>
          <Typography variant="caption" color="textSecondary">
            <Timestamp value={row.begin} variant="relative" />
          </Typography>
        </>
      ),
    },
  ];
}

/** Duration, WAL / LSN range and size (hidden when narrow). */
function dataColumns(narrow: boolean): TableColumn<BackupRow>[] {
  return [
    {
      title: 'Duration',
      field: 'duration',
      hidden: narrow,
      render: row => (
        <span title={row.end ? `ended ${row.end}` : undefined}>
          {row.duration ?? '—'}
        </span>
      ),
    },
    {
      title: 'WAL / LSN',
      field: 'walRange',
      hidden: narrow,
      render: row => (
        <div style={{ fontFamily: 'monospace', fontSize: '0.75rem' }}>
          <div>
            {row.beginWal ?? '—'}
            {row.timeline !== undefined ? `  (TL ${row.timeline})` : ''}
          </div>
          {row.endWal && row.endWal !== row.beginWal && (
            <div>→ {row.endWal}</div>
          )}
          {row.lsnRange && (
            <Typography variant="caption" color="textSecondary">
              {row.lsnRange}
            </Typography>
          )}
        </div>
      ),
    },
    {
      title: 'Size',
      field: 'size',
      hidden: narrow,
      render: row => (
        <div>
          {row.size ?? '—'}
          {row.compression && (
            <Typography variant="caption" component="div" color="textSecondary">
              {row.compression}
            </Typography>
          )}
        </div>
      ),
    },
  ];
}

/** Where the backup is (CR, bucket or both) and why they disagree. */
function whereColumn(): TableColumn<BackupRow> {
  return {
    title: 'Where',
    field: 'presence',
    // The note explains a disagreement in a sentence: the widest column when there is room.
    width: '28%',
    render: row => (
      <>
        <Chip
          size="small"
          variant="outlined"
          label={PRESENCE_LABEL[row.presence]}
          // A disagreement stands out by a dashed border and bold text (the secondary colour
          // is 3.9:1 on the table background, below WCAG AA).
          style={
            row.presence === 'both'
              ? undefined
              : { borderStyle: 'dashed', fontWeight: 700 }
          }
        />
        {row.note && (
          <Typography variant="caption" component="div" color="textSecondary">
            {row.note}
          </Typography>
        )}
      </>
    ),
  };
}

/** "Restore…" on restorable rows. */
function restoreColumn(
  onRestore: (backupId: string) => void,
): TableColumn<BackupRow> {
  return {
    title: 'Actions',
    field: 'restore',
    render: row =>
      row.restorable ? (
        <Button
          size="small"
          variant="outlined"
          onClick={() => onRestore(row.id)}
          aria-label={`Restore from ${row.id}`}
        >
          Restore…
        </Button>
      ) : null,
  };
}

/**
 * The table's columns. Below the md breakpoint (`narrow`) the table keeps backup, status, where
 * and the action; the start time moves under the backup id, WAL range/size/duration are dropped.
 */
export function backupColumns(
  narrow: boolean,
  onRestore?: (backupId: string) => void,
): TableColumn<BackupRow>[] {
  return [
    ...identityColumns(narrow),
    ...dataColumns(narrow),
    whereColumn(),
    ...(onRestore ? [restoreColumn(onRestore)] : []),
  ];
}
