import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { useTheme } from '@material-ui/core/styles';
import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  type BackupSeverity,
  formatBytes,
  type ReconciledBackup,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { formatDuration } from '../../lib/time';
import { Timestamp } from '../Timestamp';

/** Props of {@link BackupsTable}. */
export interface BackupsTableProps {
  backups: ReconciledBackup[];
  /** Called with the backup id when "Restore…" is chosen on a row. */
  onRestore?: (backupId: string) => void;
  /** Name of a Backup CR to highlight (e.g. one just created). */
  highlightName?: string;
}

/** One flattened row: bucket facts first, the CR's where the bucket has none. */
export interface BackupRow {
  id: string;
  name?: string;
  /** The backend's label (`DONE`, `CR completed`…) and severity: nothing is decided here. */
  status: string;
  severity: BackupSeverity;
  begin?: string;
  end?: string;
  duration?: string;
  walRange?: string;
  beginWal?: string;
  endWal?: string;
  lsnRange?: string;
  timeline?: number;
  size?: string;
  compression?: string;
  restorable: boolean;
  presence: ReconciledBackup['presence'];
  note?: string;
  error?: string;
  highlighted: boolean;
}

/** A byte count in IEC units (-common's formatBytes); nothing for a missing or invalid count. */
function sizeText(bytes: number | undefined): string | undefined {
  return bytes !== undefined && Number.isFinite(bytes) && bytes >= 0
    ? formatBytes(bytes)
    : undefined;
}

/** Flattens reconciled backups into table rows, newest first. */
export function toBackupRows(
  backups: ReconciledBackup[],
  highlightName?: string,
): BackupRow[] {
  const rows = backups.map(backup => {
    const { bucket, resource } = backup;
    const begin =
      bucket?.beginTime ?? resource?.startedAt ?? resource?.creationTimestamp;
    const end = bucket?.endTime ?? resource?.stoppedAt;
    const beginWal = bucket?.beginWal ?? resource?.beginWal;
    const endWal = bucket?.endWal ?? resource?.endWal;
    const beginLsn = bucket?.beginLsn ?? resource?.beginLSN;
    const endLsn = bucket?.endLsn ?? resource?.endLSN;
    return {
      id: backup.id,
      name: resource?.name ?? bucket?.name,
      status: backup.display?.status ?? 'unknown',
      severity: backup.display?.severity ?? 'unknown',
      begin,
      end,
      duration: formatDuration(begin, end),
      walRange: beginWal ? `${beginWal} → ${endWal ?? '…'}` : undefined,
      beginWal,
      endWal,
      lsnRange: beginLsn ? `${beginLsn} → ${endLsn ?? '…'}` : undefined,
      timeline: bucket?.timeline,
      size: sizeText(bucket?.storedBytes),
      compression: bucket?.dataCompression,
      restorable: bucket?.restorable ?? false,
      presence: backup.presence,
      note: backup.note,
      error: bucket?.error ?? resource?.error,
      highlighted: Boolean(highlightName && resource?.name === highlightName),
    };
  });
  return rows.sort(
    (a, b) => Date.parse(b.begin ?? '0') - Date.parse(a.begin ?? '0'),
  );
}

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

/** The reconciled base backups of a database. */
export function BackupsTable(props: BackupsTableProps) {
  const { backups, onRestore, highlightName } = props;
  const rows = toBackupRows(backups, highlightName);
  // Below the md breakpoint (e.g. a 768 px viewport) the table keeps backup, status, where and
  // the action; the start time moves under the backup id, WAL range/size/duration are dropped.
  const theme = useTheme();
  const narrow = useMediaQuery(theme.breakpoints.down('sm'), { noSsr: true });
  const columns: TableColumn<BackupRow>[] = [
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
    {
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
    },
  ];
  if (onRestore) {
    columns.push({
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
    });
  }
  // Long tokens (backup ids, CR names, WAL names, LSNs) wrap anywhere, so the table always fits
  // its card: at 1440 px and down to a 768 px viewport, nothing is cut off or scrolled sideways.
  const fitted = columns.map(column => ({
    ...column,
    cellStyle: { overflowWrap: 'anywhere' as const, padding: '6px 8px' },
    headerStyle: { padding: '6px 8px' },
  }));
  return (
    <Table<BackupRow>
      title="Base backups"
      options={{
        paging: rows.length > 20,
        pageSize: 20,
        search: false,
        padding: 'dense',
        // Sort labels inside draggable headers are nested, partly unnamed controls (axe:
        // nested-interactive, aria-command-name): the rows come sorted, newest first.
        sorting: false,
        draggable: false,
      }}
      columns={fitted}
      data={rows}
      emptyContent={
        <Typography variant="body2" style={{ padding: 16 }}>
          No base backup, neither in the bucket nor as a Backup CR.
        </Typography>
      }
    />
  );
}
