/*
 * The health lights of a database, decided once from everything gathered.
 */
import type { BarmanCatalog, Diagnosis } from '../catalog/types';
import { newestDoneBackup } from '../catalog/backups';
import { isLastBackupFresh } from './freshness';
import type {
  ArchiveTarget,
  ConditionSummary,
  DatabaseStatus,
  HealthLevel,
  ScheduleSummary,
  SourceError,
} from './types';

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
  const newestBucket = newestDoneBackup(options.catalog?.backups)?.endTime;
  const newest = newestBucket ?? options.operatorLastSuccessfulBackup;
  let lastBackup: DatabaseStatus['health']['lastBackup'];
  const running = lbs?.status === 'False' && lbs.reason === 'BackupStarted';
  if (newest) {
    const ageSeconds = Math.max(0, (now.getTime() - Date.parse(newest)) / 1000);
    let level: HealthLevel = isLastBackupFresh({
      ageSeconds,
      schedules: options.schedules,
    })
      ? 'ok'
      : 'warning';
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
    options.diagnoses.find(
      d =>
        d.severity === 'warning' && LEVEL_ORDER[level] <= LEVEL_ORDER.warning,
    );
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
