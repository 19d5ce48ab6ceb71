import { useEffect, useMemo, useRef } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Cell,
  ComposedChart,
  Line,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { DateTime } from 'luxon';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import { buildTimelineModel } from '../../lib/timelineModel';
import { formatLocal, formatUtc } from '../../lib/time';

/** Props of {@link BackupTimelineChart}. */
export interface BackupTimelineChartProps {
  database: DatabaseStatus;
  /** Called with an ISO instant when a point inside the chart is clicked. */
  onPickTime?: (iso: string) => void;
  /** Called with a backup id when a base backup mark is clicked. */
  onPickBackup?: (backupId: string) => void;
  height?: number;
  /** Fixed width (tests); by default the chart fills its container. */
  width?: number;
  /** Reference "now" (tests). */
  now?: number;
}

const SAMPLES = 200;

function tickFormat(span: number) {
  let format = 'HH:mm';
  if (span > 3 * 86400_000) {
    format = 'MMM d';
  } else if (span > 86400_000) {
    format = 'MMM d HH:mm';
  }
  return (t: number) => DateTime.fromMillis(t).toFormat(format);
}

/**
 * Base backups as marks, WAL coverage as one band per timeline, gaps and failed backups
 * highlighted, the recovery window shaded and the next scheduled run as a line. Clicking a
 * point picks a recovery target time; clicking a backup picks that backup.
 */
export function BackupTimelineChart(props: BackupTimelineChartProps) {
  const {
    database,
    onPickTime,
    onPickBackup,
    height = 260,
    width,
    now,
  } = props;
  const theme = useTheme();
  const model = useMemo(
    () => buildTimelineModel(database, now),
    [database, now],
  );
  const [min, max] = model.domain;
  // Evenly spaced samples give the chart a data axis, so a click anywhere reports a time.
  const samples = useMemo(
    () =>
      Array.from({ length: SAMPLES + 1 }, (_, i) => ({
        t: Math.round(min + ((max - min) * i) / SAMPLES),
        v: -1,
      })),
    [min, max],
  );
  // recharts gives each backup symbol role="img" without a name: name them after the backup,
  // so assistive technology hears "Backup <label>" instead of an unnamed image.
  const chartRef = useRef<HTMLDivElement>(null);
  const backupLabels = model.backups.map(b => `Backup ${b.label}`);
  const labelsKey = backupLabels.join('\n');
  useEffect(() => {
    const root = chartRef.current;
    if (!root) return undefined;
    const labels = labelsKey.split('\n');
    // recharts draws (and redraws) the symbols after its own measuring: label them whenever
    // the SVG changes.
    const label = () =>
      root
        .querySelectorAll('g.recharts-scatter-symbol[role="img"]')
        .forEach((symbol, index) => {
          const text = labels[index] ?? 'Backup';
          if (symbol.getAttribute('aria-label') !== text) {
            symbol.setAttribute('aria-label', text);
          }
        });
    label();
    if (typeof MutationObserver === 'undefined') return undefined;
    const observer = new MutationObserver(label);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [labelsKey]);
  const rowCount = model.rows.length;
  const band = 0.3;
  const colors = {
    wal: theme.palette.info.main,
    gap: theme.palette.error.main,
    ok: theme.palette.success.main,
    failed: theme.palette.error.main,
    window: theme.palette.success.light,
    next: theme.palette.warning.main,
    now: theme.palette.text.secondary,
  };
  const windowRange = model.recoveryWindow;

  const chart = (
    <ComposedChart
      data={samples}
      margin={{ top: 16, right: 24, bottom: 8, left: 8 }}
      onClick={state => {
        const t = Number(state?.activeLabel);
        if (onPickTime && Number.isFinite(t)) {
          onPickTime(new Date(t).toISOString());
        }
      }}
      style={{ cursor: onPickTime ? 'crosshair' : undefined }}
    >
      <CartesianGrid strokeDasharray="3 3" horizontal={false} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={model.domain}
        tickFormatter={tickFormat(max - min)}
        allowDataOverflow
      />
      <YAxis
        type="number"
        dataKey="v"
        domain={[-0.5, rowCount - 0.5]}
        ticks={model.rows.map(r => r.y)}
        tickFormatter={(y: number) =>
          model.rows.find(r => r.y === y)?.label ?? ''
        }
        width={130}
        reversed
        allowDataOverflow
      />
      {model.ranges.map(range => (
        <ReferenceArea
          key={`range-${range.from}`}
          x1={range.from}
          x2={range.to}
          y1={-0.5}
          y2={rowCount - 0.5}
          fill={colors.window}
          fillOpacity={0.15}
          ifOverflow="hidden"
        />
      ))}
      {windowRange && model.ranges.length === 0 && (
        <ReferenceArea
          x1={windowRange.from}
          x2={windowRange.to}
          y1={-0.5}
          y2={rowCount - 0.5}
          fill={colors.window}
          fillOpacity={0.15}
          ifOverflow="hidden"
        />
      )}
      {model.walBands.map(span => (
        <ReferenceArea
          key={`wal-${span.timeline}-${span.from}`}
          x1={span.from}
          x2={span.to}
          y1={span.y - band}
          y2={span.y + band}
          fill={colors.wal}
          fillOpacity={0.6}
          ifOverflow="hidden"
        />
      ))}
      {model.gaps.map(span => (
        <ReferenceArea
          key={`gap-${span.timeline}-${span.from}`}
          x1={span.from}
          x2={span.to}
          y1={span.y - band - 0.1}
          y2={span.y + band + 0.1}
          fill={colors.gap}
          stroke={colors.gap}
          fillOpacity={0.9}
          ifOverflow="hidden"
        />
      ))}
      <ReferenceLine
        x={model.now}
        stroke={colors.now}
        strokeDasharray="2 2"
        label={{ value: 'now', position: 'top', fontSize: 11 }}
      />
      {model.nextRun && (
        <ReferenceLine
          x={model.nextRun.t}
          stroke={colors.next}
          strokeDasharray="4 4"
          label={{
            value: 'next backup',
            position: 'insideTopRight',
            fontSize: 11,
          }}
        />
      )}
      {/* Invisible series over the samples: it gives the tooltip and clicks a time. */}
      <Line
        dataKey="v"
        stroke="none"
        dot={false}
        activeDot={false}
        isAnimationActive={false}
      />
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
      <Tooltip
        isAnimationActive={false}
        content={({ label }) =>
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
              {onPickTime && (
                <Typography variant="caption" color="textSecondary">
                  Click to restore to this point
                </Typography>
              )}
            </Box>
          )
        }
      />
    </ComposedChart>
  );

  return (
    <div data-testid="backup-timeline-chart" ref={chartRef}>
      {width ? (
        <Box width={width} height={height}>
          {/* recharts sizes itself from the props when not inside a ResponsiveContainer */}
          <ComposedChartSized width={width} height={height}>
            {chart}
          </ComposedChartSized>
        </Box>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          {chart}
        </ResponsiveContainer>
      )}
      <Box component="ul" m={0} pl={2} data-testid="timeline-legend">
        <Typography component="li" variant="caption">
          Recovery window:{' '}
          {windowRange
            ? `${formatLocal(
                new Date(windowRange.from).toISOString(),
              )} → ${formatLocal(new Date(windowRange.to).toISOString())}`
            : 'none'}
          {model.ranges.length > 1
            ? ` (${model.ranges.length} separate ranges)`
            : ''}
        </Typography>
        <Typography component="li" variant="caption">
          Base backups: {model.backups.length}
          {model.backups.some(b => b.failed)
            ? ` (${
                model.backups.filter(b => b.failed).length
              } failed or missing in the bucket, in red)`
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
            <span title={formatUtc(new Date(model.nextRun.t).toISOString())}>
              {formatLocal(new Date(model.nextRun.t).toISOString())}
            </span>
          </Typography>
        )}
      </Box>
    </div>
  );
}

/** Clones the chart with a fixed size (used when a width is given). */
function ComposedChartSized(props: {
  width: number;
  height: number;
  children: JSX.Element;
}) {
  const { width, height, children } = props;
  return <children.type {...children.props} width={width} height={height} />;
}

export default BackupTimelineChart;
