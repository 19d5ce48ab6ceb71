/*
 * Phases "backups" and "restorable flags": one CatalogBackup per base/ folder or read
 * backup.info, with what backup.info says, and for DONE backups whether begin_wal..end_wal
 * are all in the archive on one timeline. Only those can seed a recovery, so their WAL
 * positions are kept for the recovery window.
 */
import type { CatalogBackup, CatalogBackupStatus, Diagnosis } from '../types';
import type { BackupInfo } from '../backupInfo';
import { backupNotRestorableDiagnosis, FixContext } from '../diagnoses';
import type { BaseFolder } from './listing';
import {
  contiguousEnd,
  lowerBound,
  nameOf,
  safePosition,
  SortedTimeline,
} from './walIndex';

/** Where a restorable backup's WAL starts and ends, as segment indexes. */
export interface BackupWalPosition {
  begin: number;
  end: number;
  timeline: number;
}

interface RestorableCheck extends BackupWalPosition {
  ok: boolean;
  reason: string;
  missing?: string[];
}

function statusOf(info: BackupInfo): CatalogBackupStatus {
  if (info.status === 'DONE') return 'DONE';
  if (info.status === 'FAILED') return 'FAILED';
  // EMPTY, STARTED, WAITING_FOR_WALS, SYNCING: not finished.
  return 'STARTED';
}

function checkRestorable(
  info: BackupInfo,
  segmentSize: number,
  perLog: number,
  sorted: Map<number, SortedTimeline>,
): RestorableCheck {
  const no = (reason: string, missing?: string[]): RestorableCheck => ({
    ok: false,
    reason,
    missing,
    begin: 0,
    end: 0,
    timeline: 0,
  });
  if (!info.beginWal || !info.endWal)
    return no('backup.info has no begin_wal/end_wal');
  if (!info.endTime) return no('backup.info has no end_time');
  if (info.xlogSegmentSize !== segmentSize) {
    return no(
      `its WAL segment size ${info.xlogSegmentSize} differs from the ${segmentSize} used for this archive`,
    );
  }
  const begin = safePosition(info.beginWal, perLog);
  const end = safePosition(info.endWal, perLog);
  if (!begin || !end)
    return no(
      `begin_wal/end_wal do not exist with ${segmentSize}-byte segments`,
    );
  if (begin.timeline !== end.timeline) {
    return no(
      `begin_wal ${info.beginWal} and end_wal ${info.endWal} are on different timelines`,
    );
  }
  if (info.timeline !== null && info.timeline !== begin.timeline) {
    return no(
      `timeline ${info.timeline} does not match begin_wal ${info.beginWal}`,
    );
  }
  if (end.index < begin.index)
    return no(`end_wal ${info.endWal} is before begin_wal ${info.beginWal}`);
  const t = sorted.get(begin.timeline);
  const idx: ArrayLike<number> = t?.idx ?? [];
  const reach = contiguousEnd(idx, begin.index);
  if (reach < end.index) {
    const missing: string[] = [];
    let p = lowerBound(idx, begin.index);
    for (let i = begin.index; i <= end.index && missing.length < 10; i++) {
      while (p < idx.length && idx[p] < i) p++;
      if (idx[p] !== i) missing.push(nameOf(begin.timeline, i, perLog));
    }
    const total = end.index - begin.index + 1;
    return no(
      `WAL needed to make it consistent is missing from the archive (${
        missing[0]
      }${missing.length > 1 ? ` and more` : ''}; ${total} segment${
        total > 1 ? 's' : ''
      } needed from ${info.beginWal} to ${info.endWal})`,
      missing,
    );
  }
  return {
    ok: true,
    reason: '',
    begin: begin.index,
    end: end.index,
    timeline: begin.timeline,
  };
}

/** Copies the fields backup.info knows onto the backup. */
function applyBackupInfo(backup: CatalogBackup, info: BackupInfo): void {
  if (info.backupName !== null) backup.name = info.backupName;
  if (info.beginTime !== null) backup.beginTime = info.beginTime;
  if (info.endTime !== null) backup.endTime = info.endTime;
  if (info.beginWal !== null) backup.beginWal = info.beginWal;
  if (info.endWal !== null) backup.endWal = info.endWal;
  if (info.beginXlog !== null) backup.beginLsn = info.beginXlog;
  if (info.endXlog !== null) backup.endLsn = info.endXlog;
  if (info.timeline !== null) backup.timeline = info.timeline;
  if (info.clusterSize !== null) backup.clusterSizeBytes = info.clusterSize;
  if (info.version !== null) backup.pgVersion = info.version;
  if (info.systemId !== null) backup.systemId = info.systemId;
  if (info.error !== null) backup.error = info.error;
}

/**
 * The backups, in id order; a DONE backup whose WAL is incomplete is not restorable and
 * gets a diagnosis. `backupIndex` holds the WAL positions of the restorable ones.
 */
export function describeBackups(options: {
  ids: string[];
  folders: Map<string, BaseFolder>;
  infos: Map<string, BackupInfo>;
  infoErrors: Map<string, string>;
  keepAnnotations: Record<string, string> | undefined;
  segmentSize: number;
  perLog: number;
  sorted: Map<number, SortedTimeline>;
  fix: FixContext;
  diagnoses: Diagnosis[];
}): { backups: CatalogBackup[]; backupIndex: Map<string, BackupWalPosition> } {
  const { folders, infos, infoErrors, segmentSize, perLog, sorted } = options;
  const { fix, diagnoses } = options;
  const keepText = options.keepAnnotations ?? {};
  const backups: CatalogBackup[] = [];
  const backupIndex = new Map<string, BackupWalPosition>();
  for (const id of options.ids) {
    const folder = folders.get(id);
    const info = infos.get(id);
    const backup: CatalogBackup = {
      id,
      status: info ? statusOf(info) : 'INCOMPLETE',
      storedBytes: folder?.bytes ?? 0,
      objectCount: folder?.objects ?? 0,
      walSegmentSize: info?.xlogSegmentSize ?? segmentSize,
      restorable: false,
    };
    if (folder?.dataCompression)
      backup.dataCompression = folder.dataCompression;
    if (folder?.lastModified) backup.lastModified = folder.lastModified;
    if (folder?.hasKeep) backup.keepAnnotationPresent = true;
    const keep =
      typeof keepText[id] === 'string' ? keepText[id].trim() : undefined;
    if (keep === 'full' || keep === 'standalone') backup.keep = keep;
    if (info) {
      applyBackupInfo(backup, info);
      if (backup.status === 'DONE') {
        const check = checkRestorable(info, segmentSize, perLog, sorted);
        if (check.ok) {
          backup.restorable = true;
          backupIndex.set(id, {
            begin: check.begin,
            end: check.end,
            timeline: check.timeline,
          });
        } else {
          backup.error = check.reason;
          diagnoses.push(
            backupNotRestorableDiagnosis(
              fix,
              backup,
              check.reason,
              check.missing ?? [],
            ),
          );
        }
      }
    } else if (infoErrors.has(id)) {
      backup.error = `backup.info is invalid: ${infoErrors.get(id)}`;
    } else if (folder?.hasBackupInfo) {
      backup.error =
        'backup.info exists but was not read (see the scan errors)';
    } else {
      backup.error =
        'no backup.info: the backup is still running or was killed';
    }
    backups.push(backup);
  }
  return { backups, backupIndex };
}
