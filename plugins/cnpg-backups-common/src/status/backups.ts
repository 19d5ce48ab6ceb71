/*
 * One home for how a reconciled backup is shown: its label, its severity and its time (the one
 * fallback chain), and which backup a "last backup" line shows.
 */
import { backupIdTime } from '../catalog/backups';
import type {
  BackupDisplay,
  BackupResourceSummary,
  BackupSeverity,
  ReconciledBackup,
} from './types';

/** Backup CR phases of a backup that is not finished (or not picked up: no phase). @public */
export const IN_PROGRESS_BACKUP_PHASES: ReadonlySet<string> = new Set([
  '',
  'pending',
  'started',
  'running',
  'finalizing',
]);

/** The two sides of a reconciled backup that date it: the bucket's backup.info and the Backup CR. @public */
export type BackupSides = Pick<ReconciledBackup, 'bucket' | 'resource'>;

/** barman's backup.info status → severity; anything else (INCOMPLETE, WAITING_FOR_WALS…) is unknown. */
const BUCKET_SEVERITY: Partial<Record<string, BackupSeverity>> = {
  DONE: 'ok',
  FAILED: 'error',
  STARTED: 'running',
};

/**
 * The time of a backup: bucket end, bucket begin, CR stop, CR start, the time in the barman
 * backup id, CR creation; the first one known.
 * @public
 */
export function backupTime(backup: BackupSides): string | undefined {
  const { bucket, resource } = backup;
  return (
    bucket?.endTime ??
    bucket?.beginTime ??
    resource?.stoppedAt ??
    resource?.startedAt ??
    backupIdTime(resource?.backupId) ??
    resource?.creationTimestamp
  );
}

/** {@link backupTime} in ms since the epoch; 0 when unknown or unparseable (sorts last). */
function backupTimeMs(backup: BackupSides): number {
  return Date.parse(backupTime(backup) ?? '') || 0;
}

function phaseSeverity(
  resource: BackupResourceSummary | undefined,
): BackupSeverity {
  const phase = (resource?.phase ?? '').toLowerCase();
  if (phase === 'completed') return 'ok';
  if (phase === 'failed') return 'error';
  if (IN_PROGRESS_BACKUP_PHASES.has(phase)) return 'running';
  return 'unknown';
}

/**
 * The label, severity and time of a backup. The bucket is the truth: when barman wrote a
 * backup.info, its status decides; otherwise the Backup CR's phase does.
 * @public
 */
export function backupDisplay(backup: BackupSides): BackupDisplay {
  const { bucket, resource } = backup;
  let status: string;
  let severity: BackupSeverity;
  if (bucket) {
    status = bucket.status;
    severity = BUCKET_SEVERITY[bucket.status] ?? 'unknown';
  } else {
    status = resource?.phase ? `CR ${resource.phase}` : 'unknown';
    severity = resource ? phaseSeverity(resource) : 'unknown';
  }
  const time = backupTime(backup);
  return { status, severity, ...(time ? { time } : {}) };
}

/** Sorts newest first by {@link backupTime}, then by id (descending). @public */
export function sortBackupsNewestFirst<T extends BackupSides & { id: string }>(
  backups: readonly T[],
): T[] {
  return [...backups].sort(
    (a, b) => backupTimeMs(b) - backupTimeMs(a) || b.id.localeCompare(a.id),
  );
}

/**
 * The backup a "last backup" line shows: the newest the bucket holds as DONE, else the newest
 * of any kind.
 * @public
 */
export function lastBackup<T extends BackupSides & { id: string }>(
  backups: readonly T[],
): T | undefined {
  const sorted = sortBackupsNewestFirst(backups);
  return sorted.find(b => b.bucket?.status === 'DONE') ?? sorted[0];
}
