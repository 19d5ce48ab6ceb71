export { DatabaseSummary, findLastBackup } from './DatabaseSummary';
export type { DatabaseSummaryProps } from './DatabaseSummary';
