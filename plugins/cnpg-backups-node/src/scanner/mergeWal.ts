/*
 * Scan phase "merge": folds this scan's WAL listings into what the previous scan knew,
 * without ever changing the previous state (a caller may still hold it): the retention
 * relist replaces the start of `wals/`, the fresh listing is appended after it.
 */
import { CompactObjectList } from './CompactObjectList';
import type { HashDirState, ScanState } from './types';
import type { WalListing } from './walListing';

/** The merged WAL listing of a scan. */
export interface MergedWal {
  hashDirs: Map<string, HashDirState>;
  /** Files directly under `wals/` (finished). */
  walTop: CompactObjectList;
  /** Keys listed twice in `walTop` (dropped); the hash directories are finished later. */
  dirDuplicates: number;
  lastWalName: string | undefined;
}

/** Merges the new listing into what the previous scan knew. */
export function mergeWalListing(
  previous: ScanState | undefined,
  wal: WalListing,
): MergedWal {
  const { walPrefix, fresh, relisted, relistEnd } = wal;
  const hashDirs = new Map<string, HashDirState>(previous?.hashDirs ?? []);
  let walTop = previous?.walTop ?? new CompactObjectList('wals/');
  if (relistEnd !== undefined) {
    const end = relistEnd;
    for (const dir of [...hashDirs.keys()]) {
      if (`${walPrefix}${dir}` < end) hashDirs.delete(dir);
    }
    walTop = walTop.filter(name => `${walPrefix}${name}` >= end);
    walTop.appendFrom(relisted.top);
    for (const [dir, list] of relisted.dirs)
      hashDirs.set(dir, { list, complete: true });
  }
  if (fresh.top.length > 0) {
    walTop = walTop === previous?.walTop ? walTop.clone() : walTop;
    walTop.appendFrom(fresh.top);
  }
  const dirDuplicates = walTop.finish();
  for (const [dir, list] of fresh.dirs) {
    const known = hashDirs.get(dir)?.list;
    if (known) {
      // Copy, so the previous state is never changed by this scan.
      const merged = known.clone();
      merged.appendFrom(list);
      hashDirs.set(dir, { list: merged, complete: true });
    } else {
      hashDirs.set(dir, { list, complete: true });
    }
  }
  let lastWalName = previous?.lastWalName;
  for (const sink of [fresh, relisted]) {
    if (
      sink.last !== undefined &&
      (lastWalName === undefined || sink.last > lastWalName)
    ) {
      lastWalName = sink.last;
    }
  }
  return { hashDirs, walTop, dirDuplicates, lastWalName };
}
