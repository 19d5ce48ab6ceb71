/*
 * Phase "recovery window": CNPG's first recoverability point and last successful backup
 * (end times of the oldest / newest DONE backup), and the ranges the WAL really allows:
 * from each restorable backup, the gap-free chain of segments, following a child timeline
 * when the backup ended before the switch (recovery_target_timeline = latest).
 */
import type { ArchiveObject } from '../buildCatalog';
import type { BarmanCatalog, CatalogBackup, RecoverableRange } from '../types';
import { parseLsn } from '../wal';
import type { BackupWalPosition } from './catalogBackups';
import type { TimelineTree } from './timelines';
import {
  contiguousEnd,
  lastModifiedOf,
  nameOf,
  SortedTimeline,
} from './walIndex';

interface WalPoint {
  timeline: number;
  idx: number;
}

/**
 * The farthest point reachable without a gap from segment `start` of timeline `tli`,
 * following children whose switch segment the run reaches; the highest timeline wins.
 * `backupEnd` (first call only) excludes children that forked before the backup ended.
 */
function chainEnd(
  sorted: Map<number, SortedTimeline>,
  tree: TimelineTree,
  tli: number,
  start: number,
  backupEnd: { idx: number; lsn?: string } | undefined,
  depth: number,
): WalPoint | undefined {
  const t = sorted.get(tli);
  const end = t ? contiguousEnd(t.idx, start) : start - 1;
  let best: WalPoint | undefined =
    end >= start ? { timeline: tli, idx: end } : undefined;
  if (depth > 64) return best;
  for (const child of tree.children.get(tli) ?? []) {
    const p = tree.parentage.get(child)!;
    if (p.switchIdx < start || end < p.switchIdx - 1) continue;
    // A backup that ended after the switch point belongs to the old timeline's future.
    if (backupEnd) {
      if (backupEnd.idx > p.switchIdx) continue;
      if (
        backupEnd.idx === p.switchIdx &&
        backupEnd.lsn !== undefined &&
        parseLsn(backupEnd.lsn) > parseLsn(p.switchLsn)
      ) {
        continue;
      }
    }
    const candidate = chainEnd(
      sorted,
      tree,
      child,
      p.switchIdx,
      undefined,
      depth + 1,
    );
    if (candidate && (!best || candidate.timeline > best.timeline))
      best = candidate;
  }
  return best;
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Merges ranges whose WAL chains end on the same segment. Such chains overlap by
 * construction: the newer backup begins inside the older one's gap-free run, so the older
 * backup covers everything the newer one does. Merging on the chain end rather than on
 * times keeps the result right even when object times and backup times are skewed.
 */
function mergeRanges(ranges: RecoverableRange[]): RecoverableRange[] {
  const byEnd = new Map<string, RecoverableRange>();
  for (const r of ranges) {
    const existing = byEnd.get(r.toWal);
    if (!existing) {
      byEnd.set(r.toWal, { ...r });
      continue;
    }
    const to = existing.to > r.to ? existing.to : r.to;
    const older =
      compareText(r.from, existing.from) ||
      compareText(r.baseBackupId, existing.baseBackupId);
    if (older < 0) byEnd.set(r.toWal, { ...r, to });
    else existing.to = to;
  }
  return [...byEnd.values()].sort(
    (a, b) =>
      compareText(a.from, b.from) ||
      compareText(a.baseBackupId, b.baseBackupId),
  );
}

/** End times of the oldest and newest DONE backups (compared as ISO text). */
function backupTimeBounds(doneBackups: CatalogBackup[]): {
  first?: string;
  last?: string;
} {
  let first: string | undefined;
  let last: string | undefined;
  for (const b of doneBackups) {
    if (b.endTime === undefined) continue;
    if (first === undefined || b.endTime < first) first = b.endTime;
    if (last === undefined || b.endTime > last) last = b.endTime;
  }
  return { first, last };
}

/** The recovery window of the DONE backups (in id order). */
export function buildRecoveryWindow(options: {
  doneBackups: CatalogBackup[];
  backupIndex: Map<string, BackupWalPosition>;
  sorted: Map<number, SortedTimeline>;
  tree: TimelineTree;
  perLog: number;
  objects: ArchiveObject[];
}): BarmanCatalog['recoveryWindow'] {
  const { doneBackups, backupIndex, sorted, tree, perLog, objects } = options;
  const rawRanges: RecoverableRange[] = [];
  let lastWal: WalPoint | undefined;
  for (const b of doneBackups) {
    const pos = backupIndex.get(b.id);
    if (!pos) continue;
    const end = chainEnd(
      sorted,
      tree,
      pos.timeline,
      pos.begin,
      { idx: pos.end, lsn: b.endLsn },
      0,
    );
    if (!end) continue;
    if (
      !lastWal ||
      end.timeline > lastWal.timeline ||
      (end.timeline === lastWal.timeline && end.idx > lastWal.idx)
    ) {
      lastWal = end;
    }
    const to = lastModifiedOf(sorted.get(end.timeline)!, end.idx, objects);
    if (b.endTime !== undefined && to !== undefined) {
      rawRanges.push({
        timeline: end.timeline,
        from: b.endTime,
        // Object times can lag a skewed database clock; a range never ends before it starts.
        to: to < b.endTime ? b.endTime : to,
        baseBackupId: b.id,
        fromWal: b.beginWal!,
        toWal: nameOf(end.timeline, end.idx, perLog),
      });
    }
  }
  const { first, last } = backupTimeBounds(doneBackups);
  const recoveryWindow: BarmanCatalog['recoveryWindow'] = {
    ranges: mergeRanges(rawRanges),
  };
  if (first) recoveryWindow.firstRecoverabilityPoint = first;
  if (last) recoveryWindow.lastSuccessfulBackupTime = last;
  if (lastWal) {
    recoveryWindow.lastRecoverableWal = nameOf(
      lastWal.timeline,
      lastWal.idx,
      perLog,
    );
    const lm = lastModifiedOf(
      sorted.get(lastWal.timeline)!,
      lastWal.idx,
      objects,
    );
    if (lm) recoveryWindow.lastRecoverablePoint = lm;
  }
  return recoveryWindow;
}
