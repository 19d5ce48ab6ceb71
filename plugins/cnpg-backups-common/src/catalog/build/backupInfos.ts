/*
 * Phases "backup.info files" and "segment size": parse every backup.info the scanner read
 * (an invalid one becomes a scan error and a diagnosis, never an exception), then choose
 * the WAL segment size the whole archive is indexed with, since segment indexes and names
 * depend on it.
 */
import type { Diagnosis, ScanInfo } from '../types';
import { BackupInfo, parseBackupInfo } from '../backupInfo';
import { InvalidBackupInfoError } from '../errors';
import { invalidBackupInfoDiagnosis, FixContext } from '../diagnoses';
import { DEFAULT_WAL_SEGMENT_SIZE } from '../wal';
import { BACKUP_ID } from './listing';

export interface ReadBackupInfos {
  /** Id → parsed backup.info, for the valid ones. */
  infos: Map<string, BackupInfo>;
  /** Id → parse error message, for the invalid ones. */
  infoErrors: Map<string, string>;
  /** Ids whose backup.info was read, valid or not, sorted. */
  infoIds: string[];
}

/** Parses the backup.info texts; invalid ones are recorded in `scan` and `diagnoses`. */
export function readBackupInfos(options: {
  backupInfos: Record<string, string>;
  scan: ScanInfo;
  fix: FixContext;
  diagnoses: Diagnosis[];
}): ReadBackupInfos {
  const { backupInfos, scan, fix, diagnoses } = options;
  const infos = new Map<string, BackupInfo>();
  const infoErrors = new Map<string, string>();
  for (const id of Object.keys(backupInfos)) {
    if (!BACKUP_ID.test(id)) continue;
    const text = backupInfos[id];
    try {
      infos.set(id, parseBackupInfo(text));
    } catch (e) {
      if (!(e instanceof InvalidBackupInfoError)) throw e;
      infoErrors.set(id, e.message);
      const key = `base/${id}/backup.info`;
      scan.errors.push({ name: 'InvalidBackupInfo', message: e.message, key });
      diagnoses.push(invalidBackupInfoDiagnosis(fix, id, key, e.message));
    }
  }
  const infoIds = Object.keys(backupInfos)
    .filter(id => BACKUP_ID.test(id))
    .sort();
  return { infos, infoErrors, infoIds };
}

/**
 * The segment size: the newest DONE backup's, else the newest readable one's, else the
 * default; `sizesSeen` lists the ids per size seen (more than one size is a diagnosis).
 */
export function chooseSegmentSize(
  infoIds: string[],
  infos: Map<string, BackupInfo>,
): { segmentSize: number; sizesSeen: Map<number, string[]> } {
  let segmentSize = DEFAULT_WAL_SEGMENT_SIZE;
  const sizesSeen = new Map<number, string[]>();
  let chosenFromDone = false;
  for (const id of infoIds) {
    const info = infos.get(id);
    if (!info) continue;
    const list = sizesSeen.get(info.xlogSegmentSize) ?? [];
    list.push(id);
    sizesSeen.set(info.xlogSegmentSize, list);
    if (info.status === 'DONE') {
      segmentSize = info.xlogSegmentSize;
      chosenFromDone = true;
    } else if (!chosenFromDone) {
      segmentSize = info.xlogSegmentSize;
    }
  }
  return { segmentSize, sizesSeen };
}
