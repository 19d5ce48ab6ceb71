/*
 * The layers of the timeline chart, as plain render functions: recharts finds its children by
 * type, so these return recharts elements (arrays) to place directly inside the ComposedChart,
 * never wrapper components.
 */
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { Theme } from '@material-ui/core/styles';
import { Cell, ReferenceArea, ReferenceLine, Scatter } from 'recharts';
import type { TimelineChartModel } from '../../lib/timelineModel';
import { formatLocal } from '../../lib/time';

/** Half the height of a WAL band, in rows. */
const BAND = 0.3;

/** The chart's colours from the theme. */
export function timelineColors(theme: Theme) {
  return {
    wal: theme.palette.info.main,
    gap: theme.palette.error.main,
    ok: theme.palette.success.main,
    failed: theme.palette.error.main,
    window: theme.palette.success.light,
    next: theme.palette.warning.main,
    now: theme.palette.text.secondary,
  };
}

/** Colours of the chart (see {@link timelineColors}). */
export type TimelineColors = ReturnType<typeof timelineColors>;

/** The recovery window shaded: one area per range, or the whole window when there are none. */
export function windowAreas(model: TimelineChartModel, colors: TimelineColors) {
  const y = { y1: -0.5, y2: model.rows.length - 0.5 };
  const ranges =
    model.ranges.length === 0 && model.recoveryWindow
      ? [model.recoveryWindow]
      : model.ranges;
  return ranges.map(range => (
    <ReferenceArea
      key={`range-${range.from}`}
      x1={range.from}
      x2={range.to}
      {...y}
      fill={colors.window}
      fillOpacity={0.15}
      ifOverflow="hidden"
    />
  ));
}

/** WAL coverage (one band per timeline) and the gaps in it. */
export function walAreas(model: TimelineChartModel, colors: TimelineColors) {
  return [
    ...model.walBands.map(span => (
      <ReferenceArea
        key={`wal-${span.timeline}-${span.from}`}
        x1={span.from}
        x2={span.to}
        y1={span.y - BAND}
        y2={span.y + BAND}
        fill={colors.wal}
        fillOpacity={0.6}
        ifOverflow="hidden"
      />
    )),
    ...model.gaps.map(span => (
      <ReferenceArea
        key={`gap-${span.timeline}-${span.from}`}
        x1={span.from}
        x2={span.to}
        y1={span.y - BAND - 0.1}
        y2={span.y + BAND + 0.1}
        fill={colors.gap}
        stroke={colors.gap}
        fillOpacity={0.9}
        ifOverflow="hidden"
      />
    )),
  ];
}

/** The "now" line and the next scheduled run. */
export function timeLines(model: TimelineChartModel, colors: TimelineColors) {
  const lines = [
    <ReferenceLine
      key="now"
      x={model.now}
      stroke={colors.now}
      strokeDasharray="2 2"
      label={{ value: 'now', position: 'top', fontSize: 11 }}
    />,
  ];
  if (model.nextRun) {
    lines.push(
      <ReferenceLine
        key="next"
        x={model.nextRun.t}
        stroke={colors.next}
        strokeDasharray="4 4"
        label={{
          value: 'next backup',
          position: 'insideTopRight',
          fontSize: 11,
        }}
      />,
    );
  }
  return lines;
}

/** Base backups as diamonds (red when failed); a click picks the backup. */
export function backupMarks(
  model: TimelineChartModel,
  colors: TimelineColors,
  onPickBackup?: (backupId: string) => void,
) {
  return (
    <Scatter
      data={model.backups.map(b => ({ ...b, v: b.y }))}
      dataKey="v"
      isAnimationActive={false}
      onClick={(point: { id?: string; payload?: { id?: string } }) => {
        const id = point?.payload?.id ?? point?.id;
        if (onPickBackup && id) {
          onPickBackup(id);
        }
      }}
      shape="diamond"
    >
      {model.backups.map(b => (
        <Cell
          key={b.id}
          fill={b.failed ? colors.failed : colors.ok}
          stroke={b.failed ? colors.failed : colors.ok}
          cursor="pointer"
        />
      ))}
    </Scatter>
  );
}

/** The tooltip: the local time under the pointer, and what a click does. */
export function timeTooltip(pickable: boolean) {
  return ({ label }: { label?: unknown }) =>
    label === undefined ? null : (
      <Box
        bgcolor="background.paper"
        p={1}
        border={1}
        borderColor="divider"
        borderRadius={4}
      >
        <Typography variant="caption" component="div">
          {formatLocal(new Date(Number(label)).toISOString())}
        </Typography>
        {pickable && (
          <Typography variant="caption" color="textSecondary">
            Click to restore to this point
          </Typography>
        )}
      </Box>
    );
}
