import Typography from '@material-ui/core/Typography';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { useTheme } from '@material-ui/core/styles';
import { Table } from '@backstage/core-components';
import {
  type BackupSeverity,
  formatBytes,
  type ReconciledBackup,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { formatDuration } from '../../lib/time';
import { backupColumns } from './backupColumns';

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

/** The reconciled base backups of a database. */
export function BackupsTable(props: BackupsTableProps) {
  const { backups, onRestore, highlightName } = props;
  const rows = toBackupRows(backups, highlightName);
  // Below the md breakpoint (e.g. a 768 px viewport): see backupColumns.
  const theme = useTheme();
  const narrow = useMediaQuery(theme.breakpoints.down('sm'), { noSsr: true });
  const columns = backupColumns(narrow, onRestore);
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
