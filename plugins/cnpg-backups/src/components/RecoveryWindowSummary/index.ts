export { RecoveryWindowSummary } from './RecoveryWindowSummary';
export type { RecoveryWindowSummaryProps } from './RecoveryWindowSummary';
