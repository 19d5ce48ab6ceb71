import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { TimelineChartModel } from '../../lib/timelineModel';
import { formatLocal, formatUtc } from '../../lib/time';

const iso = (t: number) => new Date(t).toISOString();

/** The chart's facts in words: window, base backups, gaps and the next scheduled run. */
export function TimelineLegend(props: { model: TimelineChartModel }) {
  const { model } = props;
  const windowRange = model.recoveryWindow;
  const failed = model.backups.filter(b => b.failed).length;
  return (
    <Box component="ul" m={0} pl={2} data-testid="timeline-legend">
      <Typography component="li" variant="caption">
        Recovery window:{' '}
        {windowRange
          ? `${formatLocal(iso(windowRange.from))} → ${formatLocal(
              iso(windowRange.to),
            )}`
          : 'none'}
        {model.ranges.length > 1
          ? ` (${model.ranges.length} separate ranges)`
          : ''}
      </Typography>
      <Typography component="li" variant="caption">
        Base backups: {model.backups.length}
        {failed > 0
          ? ` (${failed} failed or missing in the bucket, in red)`
          : ''}
      </Typography>
      {model.gaps.map(gap => (
        <Typography
          component="li"
          variant="caption"
          key={gap.label}
          // Red text on white is 3.7:1 (below WCAG AA): the gap is said in bold instead.
          style={{ fontWeight: 700 }}
        >
          Timeline {gap.timeline}: {gap.label}
        </Typography>
      ))}
      {model.nextRun && (
        <Typography component="li" variant="caption">
          {model.nextRun.label.replace('Next: ', 'Next scheduled backup (')}):{' '}
          <span title={formatUtc(iso(model.nextRun.t))}>
            {formatLocal(iso(model.nextRun.t))}
          </span>
        </Typography>
      )}
    </Box>
  );
}
