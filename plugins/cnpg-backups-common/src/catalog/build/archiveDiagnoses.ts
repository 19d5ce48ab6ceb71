/*
 * Phase "diagnoses hand-off": turns what the earlier phases found into diagnoses, in a
 * fixed order (WAL gaps by severity, failed and unfinished backups, no DONE backup,
 * misplaced WAL files, segment sizes, incomplete scan), then sorts them by severity keeping
 * that order within a severity. The texts and fixes live in ../diagnoses.ts.
 */
import type {
  CatalogBackup,
  CatalogTimeline,
  Diagnosis,
  ScanInfo,
  WalGap,
} from '../types';
import {
  backupFailedDiagnosis,
  backupIncompleteDiagnosis,
  misplacedWalDiagnosis,
  noDoneBackupDiagnosis,
  scanIncompleteDiagnosis,
  segmentSizeMismatchDiagnosis,
  walGapDiagnosis,
  FixContext,
} from '../diagnoses';
import type { BaseFolder, MisplacedWal } from './listing';
import type { TimelineTree } from './timelines';
import {
  lowerBound,
  safePosition,
  SortedTimeline,
  TimelineAcc,
} from './walIndex';

/** A backup folder younger than this without backup.info is probably still uploading. */
const INCOMPLETE_GRACE_MS = 6 * 3600 * 1000;
const MAX_FAILED_DIAGNOSES = 20;

/** `20250601T020002` read as UTC (the sidecar's clock is UTC in CNPG images). */
function idTime(id: string): number {
  return Date.UTC(
    Number(id.slice(0, 4)),
    Number(id.slice(4, 6)) - 1,
    Number(id.slice(6, 8)),
    Number(id.slice(9, 11)),
    Number(id.slice(11, 13)),
    Number(id.slice(13, 15)),
  );
}

/**
 * WAL gap severity: a gap after the newest DONE backup's start, on its timeline or a
 * descendant, stops recovery to any later point; older gaps only shorten the window.
 */
export function diagnoseWalGaps(options: {
  timelines: CatalogTimeline[];
  newestDone: CatalogBackup | undefined;
  tree: TimelineTree;
  perLog: number;
  fix: FixContext;
  diagnoses: Diagnosis[];
}): void {
  const { newestDone, tree, perLog, fix, diagnoses } = options;
  const critical = new Map<number, number>();
  if (newestDone?.beginWal) {
    const begin = safePosition(newestDone.beginWal, perLog);
    if (begin) {
      const mark = (tli: number, from: number, depth: number) => {
        const known = critical.get(tli);
        if (known !== undefined && known <= from) return;
        critical.set(tli, from);
        if (depth > 64) return;
        for (const child of tree.children.get(tli) ?? []) {
          const p = tree.parentage.get(child)!;
          if (p.switchIdx >= from) mark(child, p.switchIdx, depth + 1);
        }
      };
      mark(begin.timeline, begin.index, 0);
    }
  }
  for (const t of options.timelines) {
    if (t.gaps.length === 0) continue;
    const from = critical.get(t.timeline);
    const breaking: WalGap[] = [];
    const older: WalGap[] = [];
    for (const gap of t.gaps) {
      const last = safePosition(gap.lastMissing, perLog)!;
      if (from !== undefined && last.index >= from) breaking.push(gap);
      else older.push(gap);
    }
    if (breaking.length) {
      diagnoses.push(
        walGapDiagnosis(fix, t.timeline, breaking, 'error', newestDone?.id),
      );
    }
    if (older.length) {
      diagnoses.push(
        walGapDiagnosis(fix, t.timeline, older, 'warning', newestDone?.id),
      );
    }
  }
}

/**
 * Backup-level diagnoses: the newest failures, unfinished backups (the newest one, recently
 * active, is probably still running), and no DONE backup at all.
 */
export function diagnoseBackups(options: {
  backups: CatalogBackup[];
  doneCount: number;
  ids: string[];
  folders: Map<string, BaseFolder>;
  infoErrors: Map<string, string>;
  nowMs: number;
  fix: FixContext;
  diagnoses: Diagnosis[];
}): void {
  const { backups, ids, folders, infoErrors, nowMs, fix, diagnoses } = options;
  const failed = backups.filter(b => b.status === 'FAILED').reverse();
  const listedFailures = failed.slice(0, MAX_FAILED_DIAGNOSES);
  listedFailures.forEach((b, i) => {
    const unlisted =
      i === listedFailures.length - 1
        ? failed.length - listedFailures.length
        : 0;
    diagnoses.push(backupFailedDiagnosis(fix, b, unlisted));
  });
  const newestId = ids[ids.length - 1];
  for (const b of backups) {
    const unfinished = b.status === 'INCOMPLETE' || b.status === 'STARTED';
    if (!unfinished || infoErrors.has(b.id)) continue;
    if (b.status === 'INCOMPLETE' && folders.get(b.id)?.hasBackupInfo) continue;
    const activity = b.lastModified ? Date.parse(b.lastModified) : NaN;
    const since = Number.isNaN(activity) ? idTime(b.id) : activity;
    const recent = nowMs - since < INCOMPLETE_GRACE_MS;
    diagnoses.push(
      backupIncompleteDiagnosis(fix, b, b.id === newestId && recent),
    );
  }
  if (options.doneCount === 0)
    diagnoses.push(noDoneBackupDiagnosis(fix, backups.length));
}

/**
 * WAL files where barman-cloud-wal-restore does not look: an error when one of them is the
 * only copy (recovery stops there although the file exists), else a warning.
 */
export function diagnoseMisplacedWal(options: {
  misplaced: MisplacedWal[];
  misplacedCount: number;
  timelines: Map<number, TimelineAcc>;
  sorted: Map<number, SortedTimeline>;
  fix: FixContext;
  diagnoses: Diagnosis[];
}): void {
  const { misplaced, misplacedCount, timelines, sorted } = options;
  if (misplacedCount <= 0) return;
  const onlyCopy = misplaced.some(m => {
    if (m.kind === 'history')
      return !timelines.get(m.timeline)?.hasHistoryObject;
    if (m.kind === 'backup' || m.index < 0) return false;
    const t = sorted.get(m.timeline);
    if (!t) return true;
    if (m.kind === 'partial') return !t.partialIdx.includes(m.index);
    const at = lowerBound(t.idx, m.index);
    return at >= t.idx.length || t.idx[at] !== m.index;
  });
  options.diagnoses.push(
    misplacedWalDiagnosis(
      options.fix,
      misplaced.map(m => m.key),
      misplacedCount,
      onlyCopy ? 'error' : 'warning',
    ),
  );
}

/** Segment sizes that disagree, and the scan's own incompleteness. */
export function diagnoseSizesAndScan(options: {
  sizesSeen: Map<number, string[]>;
  segmentSize: number;
  timelines: Map<number, TimelineAcc>;
  scan: ScanInfo;
  fix: FixContext;
  diagnoses: Diagnosis[];
}): void {
  const { sizesSeen, segmentSize, scan, fix, diagnoses } = options;
  const outOfRange = [...options.timelines.values()].flatMap(a => a.outOfRange);
  if (sizesSeen.size > 1 || outOfRange.length > 0) {
    diagnoses.push(
      segmentSizeMismatchDiagnosis(fix, sizesSeen, segmentSize, outOfRange),
    );
  }
  if (!scan.complete) diagnoses.push(scanIncompleteDiagnosis(fix, scan.errors));
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then info; the phase order within each severity. */
export function sortDiagnoses(list: Diagnosis[]): Diagnosis[] {
  return list
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.d.severity] - SEVERITY_ORDER[b.d.severity] ||
        a.i - b.i,
    )
    .map(x => x.d);
}
