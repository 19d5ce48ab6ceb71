/*
 * One home for "which bucket backups count": DONE backups with an end time, newest and oldest
 * by the instant they ended, and the backups a recovery may start from.
 */
import type { CatalogBackup } from './types';

/** The DONE backups that have an end time, newest first (by `Date.parse(endTime)`, then id). @public */
export function doneBackups(
  backups: readonly CatalogBackup[] | undefined,
): CatalogBackup[] {
  return (backups ?? [])
    .filter(b => b.status === 'DONE' && !Number.isNaN(endMs(b)))
    .sort((a, b) => endMs(b) - endMs(a) || b.id.localeCompare(a.id));
}

/** The DONE backup that ended last, if any. @public */
export function newestDoneBackup(
  backups: readonly CatalogBackup[] | undefined,
): CatalogBackup | undefined {
  return doneBackups(backups)[0];
}

/** The DONE backup that ended first, if any. @public */
export function oldestDoneBackup(
  backups: readonly CatalogBackup[] | undefined,
): CatalogBackup | undefined {
  const done = doneBackups(backups);
  return done[done.length - 1];
}

/**
 * A barman backup id is its start time, `YYYYMMDDTHHMMSS`. CNPG's `backupID` and the folder
 * `base/<id>/` are built from it.
 */
const BARMAN_BACKUP_ID = /^\d{8}T\d{6}$/;

/** Whether `id` has the shape of a barman backup id (`YYYYMMDDTHHMMSS`). @public */
export function isBarmanBackupId(id: string | undefined): id is string {
  return id !== undefined && BARMAN_BACKUP_ID.test(id);
}

/** The instant (ISO-8601, UTC) a barman backup id names, e.g. `20261204T020000` → `2026-12-04T02:00:00Z`. @public */
export function backupIdTime(id: string | undefined): string | undefined {
  if (!isBarmanBackupId(id)) return undefined;
  return `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(
    9,
    11,
  )}:${id.slice(11, 13)}:${id.slice(13, 15)}Z`;
}

/**
 * Whether a recovery can start from this backup: DONE, restorable by its id (anything else,
 * e.g. an empty string from hostile input or a stray folder, cannot be named in `backupID`),
 * with both begin and end time.
 * @public
 */
export function isUsableBaseBackup(backup: CatalogBackup): boolean {
  return (
    backup.status === 'DONE' &&
    isBarmanBackupId(backup.id) &&
    !!backup.beginTime &&
    !!backup.endTime
  );
}

function endMs(backup: CatalogBackup): number {
  return backup.endTime ? Date.parse(backup.endTime) : NaN;
}
