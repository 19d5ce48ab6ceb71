export {
  DatabaseHistoryPanel,
  DatabaseHistorySummary,
} from './DatabaseHistoryPanel';
export type {
  DatabaseHistoryPanelProps,
  DatabaseHistorySummaryProps,
} from './DatabaseHistoryPanel';
