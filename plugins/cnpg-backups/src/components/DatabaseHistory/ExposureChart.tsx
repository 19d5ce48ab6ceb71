import { useTheme } from '@material-ui/core/styles';
import {
  Area,
  AreaChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { DateTime } from 'luxon';
import type { DatabaseHistoryPoint } from '@cnpg-backups/plugin-cnpg-backups-common';
import { formatLocalShort, formatSeconds, toMillis } from '../../lib/time';

/** Props of {@link ExposureChart}. */
export interface ExposureChartProps {
  points: DatabaseHistoryPoint[];
  height?: number;
  /** Fixed width (tests); by default the chart fills its container. */
  width?: number;
}

/**
 * A small area chart of the data-loss exposure (hours) of each stored snapshot, oldest first.
 * Snapshots without a recovery point have no exposure: they are gaps in the area.
 */
export function ExposureChart(props: ExposureChartProps) {
  const { points, height = 96, width } = props;
  const theme = useTheme();
  const data = points
    .map(point => ({
      t: toMillis(point.takenAt),
      hours:
        point.exposureSeconds === undefined
          ? null
          : Math.round((point.exposureSeconds / 3600) * 100) / 100,
    }))
    .filter((d): d is { t: number; hours: number | null } => d.t !== undefined);
  const chart = (
    <AreaChart
      data={data}
      margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
      width={width}
      height={height}
    >
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={['dataMin', 'dataMax']}
        tickFormatter={(t: number) => DateTime.fromMillis(t).toFormat('MMM d')}
        tick={{ fontSize: 11, fill: theme.palette.text.secondary }}
        minTickGap={24}
      />
      <YAxis
        width={40}
        tick={{ fontSize: 11, fill: theme.palette.text.secondary }}
        tickFormatter={(h: number) => `${h}h`}
        allowDecimals={false}
      />
      <Tooltip
        labelFormatter={(t: number) =>
          formatLocalShort(new Date(t).toISOString()) ?? ''
        }
        formatter={(hours: number) => [formatSeconds(hours * 3600), 'Exposure']}
      />
      <Area
        type="stepAfter"
        dataKey="hours"
        stroke={theme.palette.primary.main}
        fill={theme.palette.primary.light}
        fillOpacity={0.3}
        isAnimationActive={false}
        connectNulls={false}
      />
    </AreaChart>
  );
  if (width !== undefined) {
    return chart;
  }
  return (
    <ResponsiveContainer width="100%" height={height}>
      {chart}
    </ResponsiveContainer>
  );
}

export default ExposureChart;
