export { BackupTimelineChart } from './BackupTimelineChart';
export type { BackupTimelineChartProps } from './BackupTimelineChart';
