import { useMemo, useRef } from 'react';
import Box from '@material-ui/core/Box';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  ComposedChart,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { DateTime } from 'luxon';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import { buildTimelineModel } from '../../lib/timelineModel';
import { TimelineLegend } from './TimelineLegend';
import {
  backupMarks,
  timeLines,
  timelineColors,
  timeTooltip,
  walAreas,
  windowAreas,
} from './timelineLayers';
import { useBackupSymbolLabels } from './useBackupSymbolLabels';

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
  const chartRef = useRef<HTMLDivElement>(null);
  useBackupSymbolLabels(
    chartRef,
    model.backups.map(b => `Backup ${b.label}`),
  );
  const colors = timelineColors(theme);

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
        domain={[-0.5, model.rows.length - 0.5]}
        ticks={model.rows.map(r => r.y)}
        tickFormatter={(y: number) =>
          model.rows.find(r => r.y === y)?.label ?? ''
        }
        width={130}
        reversed
        allowDataOverflow
      />
      {windowAreas(model, colors)}
      {walAreas(model, colors)}
      {timeLines(model, colors)}
      {/* Invisible series over the samples: it gives the tooltip and clicks a time. */}
      <Line
        dataKey="v"
        stroke="none"
        dot={false}
        activeDot={false}
        isAnimationActive={false}
      />
      {backupMarks(model, colors, onPickBackup)}
      <Tooltip
        isAnimationActive={false}
        content={timeTooltip(Boolean(onPickTime))}
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
      <TimelineLegend model={model} />
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
