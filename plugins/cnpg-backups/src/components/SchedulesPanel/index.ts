export { SchedulesPanel } from './SchedulesPanel';
export type { SchedulesPanelProps } from './SchedulesPanel';
