import type { Diagnosis } from '../catalog/types';
import type { DatabaseDiagnosisContext, DatabaseDiagnosisRule } from './types';
import {
  archiveIsRecoverySourceRule,
  archiveNotConfiguredRule,
  checksumIncompatibilityRule,
  expectedEmptyArchiveRule,
  legacyBarmanObjectStoreRule,
  sharedServerNameRule,
  walArchiverMissingRule,
} from './archiveRules';
import {
  cronFiveFieldsRule,
  noScheduledBackupRule,
  scheduleInvalidRule,
  scheduleOverdueRule,
  scheduleSuspendedRule,
} from './scheduleRules';
import {
  backupsOlderThanRetentionRule,
  noRecentBackupRule,
  retentionNotSetRule,
} from './retentionRules';
import {
  crdNotInstalledRule,
  objectStoreCrdLacksEnvRule,
  pluginNotInstalledRule,
} from './installationRules';
import { sortDiagnoses } from './helpers';

/** Every CR-level rule, in evaluation order. @public */
export const databaseDiagnosisRules: DatabaseDiagnosisRule[] = [
  pluginNotInstalledRule,
  crdNotInstalledRule,
  objectStoreCrdLacksEnvRule,
  archiveNotConfiguredRule,
  walArchiverMissingRule,
  legacyBarmanObjectStoreRule,
  checksumIncompatibilityRule,
  expectedEmptyArchiveRule,
  archiveIsRecoverySourceRule,
  sharedServerNameRule,
  scheduleInvalidRule,
  cronFiveFieldsRule,
  scheduleSuspendedRule,
  scheduleOverdueRule,
  noScheduledBackupRule,
  noRecentBackupRule,
  backupsOlderThanRetentionRule,
  retentionNotSetRule,
];

/**
 * Runs every CR-level rule and merges the bucket diagnoses of the catalog (`wal-gap`,
 * `missing-history-file`, ...), sorted by severity then id.
 * @public
 */
export function diagnoseDatabase(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  const found: Diagnosis[] = [];
  for (const rule of databaseDiagnosisRules) {
    found.push(...rule(context));
  }
  for (const d of context.catalog?.diagnoses ?? []) {
    found.push({
      ...d,
      subject:
        d.subject ?? `${context.cluster.namespace}/${context.cluster.name}`,
    });
  }
  return sortDiagnoses(found);
}
