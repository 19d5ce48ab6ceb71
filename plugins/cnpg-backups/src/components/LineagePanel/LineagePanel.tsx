import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { LineageEntry } from '@cnpg-backups/plugin-cnpg-backups-common';
import { Timestamp } from '../Timestamp';

/** Props of {@link LineagePanel}. */
export interface LineagePanelProps {
  lineage: LineageEntry[];
}

function role(entry: LineageEntry): string {
  if (entry.current && entry.recoverySource)
    return 'archiving now; also a recovery source';
  if (entry.current) return 'archiving now';
  if (entry.recoverySource) return 'recovery source (externalClusters)';
  return 'earlier serverName in the same prefix';
}

/** The serverNames found in the archive prefix: which one is current, which one recovery reads. */
export function LineagePanel(props: LineagePanelProps) {
  const { lineage } = props;
  if (lineage.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No serverName found in the archive prefix.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="serverName lineage">
      <TableHead>
        <TableRow>
          <TableCell>serverName</TableCell>
          <TableCell>Role</TableCell>
          <TableCell>Backups</TableCell>
          <TableCell>First backup</TableCell>
          <TableCell>Last activity</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {lineage.map(entry => (
          <TableRow key={entry.serverName} data-testid="lineage-entry">
            <TableCell style={{ fontWeight: entry.current ? 700 : undefined }}>
              {entry.serverName}
            </TableCell>
            <TableCell>{role(entry)}</TableCell>
            <TableCell>{entry.backupCount ?? '—'}</TableCell>
            <TableCell>
              <Timestamp value={entry.firstBackupTime} variant="relative" />
            </TableCell>
            <TableCell>
              <Timestamp value={entry.lastActivity} variant="relative" />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
