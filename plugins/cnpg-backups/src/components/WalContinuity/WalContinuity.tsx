import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { StatusError, StatusOK } from '@backstage/core-components';
import type { BarmanCatalog } from '@cnpg-backups/plugin-cnpg-backups-common';
import { Timestamp } from '../Timestamp';

/** Props of {@link WalContinuity}. */
export interface WalContinuityProps {
  catalog?: BarmanCatalog;
}

const mono = { fontFamily: 'monospace' };

function HistoryFileCell(props: { timeline: number; present: boolean }) {
  const { timeline, present } = props;
  // Timeline 1 starts the history: it never has a .history file.
  if (timeline === 1) {
    return <>not needed</>;
  }
  return present ? <>present</> : <StatusError>missing</StatusError>;
}

/** WAL per timeline: range, segment count, gaps, history file, partial segments. */
export function WalContinuity(props: WalContinuityProps) {
  const { catalog } = props;
  if (!catalog) {
    return (
      <Typography variant="body2" color="textSecondary">
        The bucket could not be scanned: no WAL inventory.
      </Typography>
    );
  }
  const timelines = [...catalog.wal.timelines].sort(
    (a, b) => a.timeline - b.timeline,
  );
  return (
    <>
      <Typography variant="body2" gutterBottom>
        WAL compression:{' '}
        {catalog.wal.compressions.length
          ? catalog.wal.compressions.join(', ')
          : 'none'}{' '}
        · segment size {Math.round(catalog.wal.segmentSize / 1024 / 1024)} MiB ·{' '}
        {catalog.scan.walObjects} WAL objects
        {catalog.scan.complete ? '' : ' · scan incomplete'}
      </Typography>
      {timelines.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No WAL archived yet.
        </Typography>
      ) : (
        <Table size="small" aria-label="WAL continuity">
          <TableHead>
            <TableRow>
              <TableCell>Timeline</TableCell>
              <TableCell>Segments</TableCell>
              <TableCell>Continuity</TableCell>
              <TableCell>History file</TableCell>
              <TableCell>Partial segments</TableCell>
              <TableCell>Newest segment</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {timelines.map(timeline => (
              <TableRow
                key={timeline.timeline}
                data-testid={`wal-timeline-${timeline.timeline}`}
              >
                <TableCell>
                  {timeline.timeline}
                  {timeline.parentTimeline !== undefined && (
                    <Typography
                      variant="caption"
                      component="div"
                      color="textSecondary"
                    >
                      from TL {timeline.parentTimeline} at{' '}
                      {timeline.switchLsn ?? '?'}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  <Typography variant="caption" component="div" style={mono}>
                    {timeline.firstSegment ?? '—'} →{' '}
                    {timeline.lastSegment ?? '—'}
                  </Typography>
                  {timeline.segmentCount} segments
                </TableCell>
                <TableCell>
                  {timeline.gaps.length === 0 ? (
                    <StatusOK>continuous</StatusOK>
                  ) : (
                    timeline.gaps.map(gap => (
                      <div key={gap.firstMissing}>
                        <StatusError>
                          {gap.count} missing:{' '}
                          <span style={mono}>{gap.firstMissing}</span>
                          {gap.count > 1 && (
                            <>
                              {' '}
                              … <span style={mono}>{gap.lastMissing}</span>
                            </>
                          )}
                        </StatusError>
                      </div>
                    ))
                  )}
                </TableCell>
                <TableCell>
                  <HistoryFileCell
                    timeline={timeline.timeline}
                    present={timeline.historyFile}
                  />
                </TableCell>
                <TableCell style={mono}>
                  {timeline.partialSegments.length
                    ? timeline.partialSegments
                        .map(p => `${p}.partial`)
                        .join(', ')
                    : '—'}
                </TableCell>
                <TableCell>
                  <Timestamp value={timeline.lastModified} variant="relative" />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
