/*
 * The recovery window from the operator (ObjectStore or Cluster status) reconciled with the
 * bucket's (truth).
 */
import type { BarmanCatalog } from '../catalog/types';
import type { CnpgCluster, CnpgObjectStore } from '../kubernetes/resources';
import type { ArchiveTarget, ReconciledRecoveryWindow } from './types';

// The operator's times have second precision; barman's have microseconds.
const SAME_INSTANT_TOLERANCE_MS = 2000;

function compareTimes(a?: string, b?: string): number | undefined {
  if (!a || !b) return undefined;
  const diff = Date.parse(a) - Date.parse(b);
  if (Number.isNaN(diff)) return undefined;
  return Math.abs(diff) <= SAME_INSTANT_TOLERANCE_MS ? 0 : Math.sign(diff);
}

/**
 * Reconciles the operator's recovery window (ObjectStore `serverRecoveryWindow[serverName]`,
 * or the deprecated Cluster status fields for the legacy form) with the bucket's.
 * @public
 */
export function reconcileRecoveryWindow(options: {
  archive?: ArchiveTarget;
  cluster: CnpgCluster;
  objectStore?: CnpgObjectStore;
  catalog?: BarmanCatalog;
}): ReconciledRecoveryWindow {
  const { archive, cluster, objectStore, catalog } = options;
  let operator: ReconciledRecoveryWindow['operator'];
  if (archive?.form === 'plugin') {
    const w = objectStore?.status?.serverRecoveryWindow?.[archive.serverName];
    if (w) {
      operator = {
        firstRecoverabilityPoint: w.firstRecoverabilityPoint,
        lastSuccessfulBackupTime: w.lastSuccessfulBackupTime,
        lastFailedBackupTime: w.lastFailedBackupTime,
        source: 'objectstore',
      };
    }
  } else if (archive?.form === 'legacy') {
    const s = cluster.status;
    if (
      s?.firstRecoverabilityPoint ||
      s?.lastSuccessfulBackup ||
      s?.lastFailedBackup
    ) {
      operator = {
        firstRecoverabilityPoint: s.firstRecoverabilityPoint,
        lastSuccessfulBackupTime: s.lastSuccessfulBackup,
        lastFailedBackupTime: s.lastFailedBackup,
        source: 'cluster-status',
      };
    }
  }
  const bucket = catalog
    ? {
        firstRecoverabilityPoint:
          catalog.recoveryWindow.firstRecoverabilityPoint,
        lastRecoverablePoint: catalog.recoveryWindow.lastRecoverablePoint,
        lastRecoverableWal: catalog.recoveryWindow.lastRecoverableWal,
        lastSuccessfulBackupTime:
          catalog.recoveryWindow.lastSuccessfulBackupTime,
      }
    : undefined;

  let effective: ReconciledRecoveryWindow['effective'] = { basis: 'none' };
  if (bucket) {
    effective = {
      from: bucket.firstRecoverabilityPoint,
      to: bucket.lastRecoverablePoint ?? bucket.lastSuccessfulBackupTime,
      basis: 'bucket',
    };
  } else if (operator) {
    effective = {
      from: operator.firstRecoverabilityPoint,
      to: operator.lastSuccessfulBackupTime,
      basis: 'operator',
    };
  }

  const where =
    operator?.source === 'objectstore'
      ? `ObjectStore ${objectStore?.metadata.name} status.serverRecoveryWindow["${archive?.serverName}"]`
      : 'Cluster status';
  if (!operator || !bucket) {
    let explanation: string | undefined;
    if (!operator && bucket && archive) {
      explanation =
        archive.form === 'plugin'
          ? `The operator has not reported a recovery window: ObjectStore ${
              objectStore?.metadata.name ?? archive.objectStoreName
            } has no status.serverRecoveryWindow["${
              archive.serverName
            }"] (set after the first successful backup and each maintenance cycle).`
          : 'The operator has not reported a recovery window in the Cluster status.';
    } else if (operator && !bucket) {
      explanation =
        'The bucket could not be scanned, so the operator view cannot be checked.';
    }
    return { operator, bucket, effective, agreement: 'unknown', explanation };
  }

  const reasons: string[] = [];
  const first = compareTimes(
    operator.firstRecoverabilityPoint,
    bucket.firstRecoverabilityPoint,
  );
  if (first !== undefined && first < 0) {
    reasons.push(
      `The operator's firstRecoverabilityPoint (${operator.firstRecoverabilityPoint}, ${where}) is older than the oldest DONE backup in the bucket (${bucket.firstRecoverabilityPoint}): retention deleted it since the last maintenance cycle.`,
    );
  } else if (first !== undefined && first > 0) {
    reasons.push(
      `The bucket holds an older DONE backup (ended ${bucket.firstRecoverabilityPoint}) than the operator's firstRecoverabilityPoint (${operator.firstRecoverabilityPoint}): the operator status is stale (refreshed after each backup and maintenance cycle), or the backup was added to the bucket outside CNPG.`,
    );
  } else if (
    operator.firstRecoverabilityPoint &&
    !bucket.firstRecoverabilityPoint
  ) {
    reasons.push(
      `The operator reports a firstRecoverabilityPoint (${operator.firstRecoverabilityPoint}) but the bucket holds no DONE backup: the backups were deleted from the bucket, or the archive moved.`,
    );
  }
  const last = compareTimes(
    operator.lastSuccessfulBackupTime,
    bucket.lastSuccessfulBackupTime,
  );
  if (last !== undefined && last < 0) {
    reasons.push(
      `The bucket has a newer DONE backup (ended ${bucket.lastSuccessfulBackupTime}) than the operator's lastSuccessfulBackupTime (${operator.lastSuccessfulBackupTime}): the status is refreshed at the next maintenance cycle, or the backup was taken outside CNPG.`,
    );
  } else if (last !== undefined && last > 0) {
    reasons.push(
      `The operator's lastSuccessfulBackupTime (${operator.lastSuccessfulBackupTime}) is newer than any DONE backup in the bucket (${bucket.lastSuccessfulBackupTime}): that backup is gone from the bucket (deleted by hand or by retention) or could not be read.`,
    );
  }
  return {
    operator,
    bucket,
    effective,
    agreement: reasons.length ? 'disagree' : 'agree',
    explanation: reasons.length ? reasons.join(' ') : undefined,
  };
}
