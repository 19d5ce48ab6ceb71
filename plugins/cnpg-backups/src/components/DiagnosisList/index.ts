export { DiagnosisList, SeverityChip } from './DiagnosisList';
export type { DiagnosisListProps } from './DiagnosisList';
