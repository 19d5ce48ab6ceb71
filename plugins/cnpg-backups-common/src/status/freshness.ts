/*
 * One home for the backup-freshness rules: how old a last backup may be, when a schedule is
 * overdue, and what "recent" means against a retention window. Same numbers everywhere.
 */
import { retentionSeconds } from '../diagnoses/helpers';
import type { ScheduleSummary } from './types';

/** A backup (or a scheduled run) is late once it is older than this many expected intervals. @public */
export const FRESHNESS_FACTOR = 2;

/** The expected interval between backups when no active schedule says otherwise: one day. @public */
export const DEFAULT_BACKUP_INTERVAL_SECONDS = 86400;

/** Schedules more frequent than this are judged as if they ran hourly (a backup takes time). @public */
export const MIN_BACKUP_INTERVAL_SECONDS = 3600;

/** "Recent" when no retention policy is set: the last 7 days. @public */
export const DEFAULT_RETENTION_WINDOW_SECONDS = 7 * 86400;

/**
 * The interval backups are expected at: the shortest interval of the active, valid schedules
 * that have run (next run − last schedule time), else one day.
 * @public
 */
export function expectedBackupIntervalSeconds(
  schedules: readonly ScheduleSummary[],
): number {
  return (
    scheduledBackupIntervalSeconds(schedules) ?? DEFAULT_BACKUP_INTERVAL_SECONDS
  );
}

/** The shortest interval of the active, valid schedules that have run; undefined without one. */
function scheduledBackupIntervalSeconds(
  schedules: readonly ScheduleSummary[],
): number | undefined {
  const intervals = schedules
    .filter(s => !s.suspended && !s.error && s.nextRun && s.lastScheduleTime)
    .map(
      s =>
        Math.abs(Date.parse(s.nextRun!) - Date.parse(s.lastScheduleTime!)) /
        1000,
    )
    .filter(s => Number.isFinite(s) && s > 0);
  return intervals.length ? Math.min(...intervals) : undefined;
}

/**
 * The data-loss exposure (now − last recoverable point) above which a database's backups are
 * broken, derived from its own backup policy:
 *  - {@link FRESHNESS_FACTOR} × the scheduled base backup interval (at least an hour, as for
 *    freshness): even with WAL archiving lost, a scheduled base backup moves the recoverable
 *    point forward every interval, so an older one means both have failed;
 *  - capped by the retention policy (`14d`, `4w`, `1m`): an exposure longer than the retention
 *    window means no backup the policy keeps reaches the present.
 * Undefined when the database has neither an active schedule that has run nor a valid
 * retention policy (then only fixed RPO thresholds apply).
 * @public
 */
export function exposureBoundSeconds(options: {
  schedules: readonly ScheduleSummary[];
  retentionPolicy?: string;
}): number | undefined {
  const interval = scheduledBackupIntervalSeconds(options.schedules);
  const bounds = [
    interval === undefined
      ? undefined
      : FRESHNESS_FACTOR * Math.max(interval, MIN_BACKUP_INTERVAL_SECONDS),
    retentionSeconds(options.retentionPolicy),
  ].filter((b): b is number => b !== undefined);
  return bounds.length ? Math.min(...bounds) : undefined;
}

/**
 * Whether a last successful backup of this age is fresh: at most {@link FRESHNESS_FACTOR} times
 * the expected interval (never less than an hour).
 * @public
 */
export function isLastBackupFresh(options: {
  ageSeconds: number;
  schedules: readonly ScheduleSummary[];
}): boolean {
  const expected = expectedBackupIntervalSeconds(options.schedules);
  return (
    options.ageSeconds <=
    FRESHNESS_FACTOR * Math.max(expected, MIN_BACKUP_INTERVAL_SECONDS)
  );
}

/**
 * Whether a schedule is overdue at `now`: its last run (or creation) is more than
 * {@link FRESHNESS_FACTOR} intervals ago. False when the reference time is unknown.
 * @public
 */
export function isScheduleOverdue(options: {
  now: Date;
  reference: string | undefined;
  intervalSeconds: number;
}): boolean {
  const referenceMs = options.reference
    ? Date.parse(options.reference)
    : Number.NaN;
  if (Number.isNaN(referenceMs)) return false;
  return (
    options.now.getTime() - referenceMs >
    FRESHNESS_FACTOR * options.intervalSeconds * 1000
  );
}

/**
 * Whether a backup that ended at `endTime` is within the retention window at `now` (the
 * window defaults to {@link DEFAULT_RETENTION_WINDOW_SECONDS}).
 * @public
 */
export function isWithinRetention(options: {
  now: Date;
  endTime: string | undefined;
  windowSeconds?: number;
}): boolean {
  const endMs = options.endTime ? Date.parse(options.endTime) : Number.NaN;
  if (Number.isNaN(endMs)) return false;
  const window = options.windowSeconds ?? DEFAULT_RETENTION_WINDOW_SECONDS;
  return options.now.getTime() - endMs <= window * 1000;
}
