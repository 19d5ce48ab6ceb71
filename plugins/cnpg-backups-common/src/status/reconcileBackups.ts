/*
 * Pure reconciliation of "intent" (CRs, operator status) with "truth" (the bucket catalog):
 * recovery window, Backup CRs vs bucket backups, health lights and the cluster summary.
 */
import type {
  ArchiveTarget,
  BackupResourceSummary,
  BarmanCatalog,
  ClusterSummary,
  ConditionSummary,
  DatabaseStatus,
  Diagnosis,
  HealthLevel,
  ReconciledBackup,
  ReconciledRecoveryWindow,
  ScheduleSummary,
  SourceError,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CnpgBackup, CnpgCluster, CnpgObjectStore } from '../kubernetes';

/** Trims a Cluster CR to the DTO summary. @public */
export function summarizeCluster(
  cluster: CnpgCluster,
  kubernetesCluster: string,
): ClusterSummary {
  return {
    kubernetesCluster,
    namespace: cluster.metadata.namespace ?? '',
    name: cluster.metadata.name,
    uid: cluster.metadata.uid,
    creationTimestamp: cluster.metadata.creationTimestamp,
    phase: cluster.status?.phase,
    instances: cluster.spec?.instances ?? cluster.status?.instances,
    readyInstances: cluster.status?.readyInstances,
    currentPrimary: cluster.status?.currentPrimary,
    timelineID: cluster.status?.timelineID,
    imageName: cluster.spec?.imageName,
    conditions: (cluster.status?.conditions ?? []).map(c => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransitionTime: c.lastTransitionTime,
    })),
  };
}

/** Trims a Backup CR. @public */
export function summarizeBackup(backup: CnpgBackup): BackupResourceSummary {
  return {
    name: backup.metadata.name,
    phase: backup.status?.phase,
    method: backup.status?.method ?? backup.spec?.method,
    backupId: backup.status?.backupId,
    startedAt: backup.status?.startedAt,
    stoppedAt: backup.status?.stoppedAt,
    beginWal: backup.status?.beginWal,
    endWal: backup.status?.endWal,
    beginLSN: backup.status?.beginLSN,
    endLSN: backup.status?.endLSN,
    error: backup.status?.error,
    creationTimestamp: backup.metadata.creationTimestamp,
    scheduledBackup: backup.metadata.labels?.['cnpg.io/scheduled-backup'],
  };
}

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

const RUNNING_PHASES = new Set(['pending', 'started', 'running', 'finalizing']);

/**
 * Matches Backup CRs with bucket backups by barman backup id.
 * @public
 */
export function reconcileBackups(options: {
  backups: CnpgBackup[];
  catalog?: BarmanCatalog;
}): ReconciledBackup[] {
  const { catalog } = options;
  const result: ReconciledBackup[] = [];
  const bucketById = new Map((catalog?.backups ?? []).map(b => [b.id, b]));
  const matched = new Set<string>();
  for (const cr of options.backups) {
    const resource = summarizeBackup(cr);
    const id = resource.backupId;
    const bucket = id ? bucketById.get(id) : undefined;
    if (bucket && id) {
      matched.add(id);
      let note: string | undefined;
      if (resource.phase === 'failed' && bucket.status === 'DONE') {
        note =
          'The Backup CR failed but barman finished the backup in the bucket.';
      } else if (resource.phase === 'completed' && bucket.status !== 'DONE') {
        note = `The Backup CR is completed but the bucket's backup.info says ${bucket.status}.`;
      }
      result.push({ id, presence: 'both', bucket, resource, note });
      continue;
    }
    const phase = (resource.phase ?? '').toLowerCase();
    let note: string;
    if (!catalog) {
      note =
        'The bucket was not scanned, so this Backup CR cannot be checked against it.';
    } else if (phase === '' || RUNNING_PHASES.has(phase)) {
      note = `In progress (phase ${
        resource.phase ?? 'not set yet'
      }): barman writes backup.info last, so the bucket shows it when it finishes.`;
    } else if (phase === 'failed') {
      note = `Failed${
        resource.error ? `: ${resource.error}` : ''
      }; nothing usable was written to the bucket.`;
    } else if (phase === 'completed') {
      note = `The Backup CR says completed (backup id ${
        id ?? 'unknown'
      }) but the bucket has no base/${
        id ?? '<id>'
      }/: deleted by retention or by hand (the plugin's maintenance loop deletes such CRs on its next cycle), or written to another serverName.`;
    } else {
      note = `Phase ${resource.phase}: not found in the bucket.`;
    }
    result.push({
      id: id ?? resource.name,
      presence: 'cr-only',
      resource,
      note,
    });
  }
  for (const bucket of catalog?.backups ?? []) {
    if (matched.has(bucket.id)) continue;
    result.push({
      id: bucket.id,
      presence: 'bucket-only',
      bucket,
      note: 'No Backup CR: taken outside Kubernetes (barman-cloud-backup by hand, another cluster with the same serverName), or its CR was deleted (e.g. it belonged to a previous incarnation of the cluster).',
    });
  }
  const idTime = (id?: string) => {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(id ?? '');
    return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : undefined;
  };
  const timeOf = (b: ReconciledBackup) =>
    Date.parse(
      b.bucket?.endTime ??
        b.bucket?.beginTime ??
        b.resource?.stoppedAt ??
        b.resource?.startedAt ??
        idTime(b.resource?.backupId) ??
        b.resource?.creationTimestamp ??
        '',
    ) || 0;
  return result.sort(
    (a, b) => timeOf(b) - timeOf(a) || b.id.localeCompare(a.id),
  );
}

const LEVEL_ORDER: Record<HealthLevel, number> = {
  ok: 0,
  unknown: 1,
  warning: 2,
  error: 3,
};

function worst(levels: HealthLevel[]): HealthLevel {
  return levels.reduce<HealthLevel>(
    (w, l) => (LEVEL_ORDER[l] > LEVEL_ORDER[w] ? l : w),
    'ok',
  );
}

function ageText(seconds: number): string {
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 2 * 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

/**
 * The health lights. Note `LastBackupSucceeded=False` with reason `BackupStarted` means a
 * backup is RUNNING, not that one failed.
 * @public
 */
export function computeHealth(options: {
  now: Date;
  conditions: ConditionSummary[];
  archive?: ArchiveTarget;
  archiveDeclared: boolean;
  catalog?: BarmanCatalog;
  operatorLastSuccessfulBackup?: string;
  schedules: ScheduleSummary[];
  diagnoses: Diagnosis[];
  errors: SourceError[];
}): DatabaseStatus['health'] {
  const { now, conditions } = options;

  // Archiving
  let archiving: DatabaseStatus['health']['archiving'];
  const ca = conditions.find(c => c.type === 'ContinuousArchiving');
  if (!options.archiveDeclared) {
    archiving = { level: 'error', text: 'No WAL archiving configured' };
  } else if (options.diagnoses.some(d => d.id === 'wal-archiver-missing')) {
    archiving = {
      level: 'error',
      text: 'The barman-cloud plugin is not the WAL archiver (isWALArchiver not set)',
    };
  } else if (ca?.status === 'True') {
    archiving = {
      level: 'ok',
      text: ca.message || 'Continuous archiving is working',
    };
  } else if (ca?.status === 'False') {
    archiving = /switchover|failover/i.test(ca.message ?? '')
      ? { level: 'warning', text: `Archiving paused: ${ca.message}` }
      : {
          level: 'error',
          text: `Archiving failing: ${ca.message ?? ca.reason ?? 'no message'}`,
        };
  } else {
    archiving = {
      level: 'unknown',
      text: 'No ContinuousArchiving condition reported yet',
    };
  }

  // Last backup
  const lbs = conditions.find(c => c.type === 'LastBackupSucceeded');
  const done = (options.catalog?.backups ?? []).filter(
    b => b.status === 'DONE' && b.endTime,
  );
  const newestBucket = done
    .map(b => b.endTime!)
    .sort()
    .pop();
  const newest = newestBucket ?? options.operatorLastSuccessfulBackup;
  let lastBackup: DatabaseStatus['health']['lastBackup'];
  const running = lbs?.status === 'False' && lbs.reason === 'BackupStarted';
  if (newest) {
    const ageSeconds = Math.max(0, (now.getTime() - Date.parse(newest)) / 1000);
    const intervals = options.schedules
      .filter(s => !s.suspended && !s.error && s.nextRun && s.lastScheduleTime)
      .map(
        s =>
          Math.abs(Date.parse(s.nextRun!) - Date.parse(s.lastScheduleTime!)) /
          1000,
      );
    const expected = intervals.length ? Math.min(...intervals) : 86400;
    let level: HealthLevel =
      ageSeconds <= 2 * Math.max(expected, 3600) ? 'ok' : 'warning';
    if (lbs?.status === 'False' && !running) level = worst([level, 'warning']);
    let suffix = '';
    if (running) suffix = '; a backup is running now';
    else if (lbs?.status === 'False')
      suffix = `; the last attempt failed: ${lbs.message ?? lbs.reason}`;
    lastBackup = {
      level,
      text: `Last successful backup ${ageText(ageSeconds)} ago${
        newestBucket ? '' : ' (operator view)'
      }${suffix}`,
      ageSeconds: Math.round(ageSeconds),
    };
  } else if (running) {
    lastBackup = {
      level: 'warning',
      text: 'No successful backup yet; the first one is running now',
    };
  } else if (!options.catalog && !options.operatorLastSuccessfulBackup) {
    lastBackup = {
      level: 'unknown',
      text: 'Unknown: the bucket could not be scanned',
    };
  } else {
    lastBackup = { level: 'error', text: 'No successful base backup' };
  }

  // Schedule
  let schedule: DatabaseStatus['health']['schedule'];
  const active = options.schedules.filter(s => !s.suspended);
  if (options.schedules.length === 0) {
    schedule = { level: 'warning', text: 'No ScheduledBackup' };
  } else if (options.schedules.some(s => s.error)) {
    schedule = {
      level: 'error',
      text: 'Invalid schedule: no backups will run from it',
    };
  } else if (active.length === 0) {
    schedule = { level: 'warning', text: 'All ScheduledBackups are suspended' };
  } else if (active.some(s => s.overdue)) {
    schedule = { level: 'warning', text: 'A scheduled backup is overdue' };
  } else if (options.diagnoses.some(d => d.id === 'cron-five-fields')) {
    schedule = {
      level: 'warning',
      text: `${active[0].description} (5-field schedule read seconds-first)`,
    };
  } else {
    schedule = { level: 'ok', text: active.map(s => s.description).join('; ') };
  }

  let diagnosisLevel: HealthLevel = 'ok';
  if (options.diagnoses.some(d => d.severity === 'error'))
    diagnosisLevel = 'error';
  else if (options.diagnoses.some(d => d.severity === 'warning'))
    diagnosisLevel = 'warning';
  const errorLevel: HealthLevel = options.errors.length ? 'warning' : 'ok';
  const level = worst([
    archiving.level,
    lastBackup.level,
    schedule.level,
    diagnosisLevel,
    errorLevel,
  ]);
  // The most severe diagnosis says best what is wrong (diagnoses arrive sorted by severity).
  const topError =
    options.diagnoses.find(d => d.severity === 'error') ??
    options.diagnoses.find(d => d.severity === 'warning' && LEVEL_ORDER[level] <= LEVEL_ORDER.warning);
  let summary: string;
  if (level === 'ok') summary = 'Backups healthy';
  else if (topError) summary = topError.message;
  else if (options.errors.length) {
    summary = `Partial status: ${options.errors[0].name}: ${options.errors[0].message}`;
  } else {
    summary =
      [archiving, lastBackup, schedule].find(l => l.level === level)?.text ??
      'Needs attention';
  }
  return { level, summary, archiving, lastBackup, schedule };
}
