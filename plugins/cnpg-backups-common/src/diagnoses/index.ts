export type { DatabaseDiagnosisContext, DatabaseDiagnosisRule } from './types';
export { diagnoseDatabase, databaseDiagnosisRules } from './diagnoseDatabase';
export { sortDiagnoses } from './helpers';
export {
  archiveIsRecoverySourceRule,
  archiveNotConfiguredRule,
  checksumIncompatibilityRule,
  expectedEmptyArchiveRule,
  legacyBarmanObjectStoreRule,
  sharedServerNameRule,
  walArchiverMissingRule,
  isAwsEndpoint,
} from './archiveRules';
export {
  cronFiveFieldsRule,
  noScheduledBackupRule,
  scheduleInvalidRule,
  scheduleOverdueRule,
  scheduleSuspendedRule,
} from './scheduleRules';
export {
  backupsOlderThanRetentionRule,
  findObsoleteBackups,
  noRecentBackupRule,
  retentionNotSetRule,
} from './retentionRules';
export {
  crdNotInstalledRule,
  objectStoreCrdHasSidecarEnv,
  objectStoreCrdLacksEnvRule,
  pluginNotInstalledRule,
} from './installationRules';
