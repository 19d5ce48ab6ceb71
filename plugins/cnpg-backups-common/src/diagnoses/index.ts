export type { DatabaseDiagnosisContext, DatabaseDiagnosisRule } from './types';
export { diagnoseDatabase, databaseDiagnosisRules } from './diagnoseDatabase';
export { sortDiagnoses } from './helpers';
export * from './archiveRules';
export * from './scheduleRules';
export * from './retentionRules';
export * from './installationRules';
