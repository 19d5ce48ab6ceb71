export { DatabaseSummary } from './DatabaseSummary';
export type { DatabaseSummaryProps } from './DatabaseSummary';
