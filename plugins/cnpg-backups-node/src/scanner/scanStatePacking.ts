/*
 * Scan states are kept between scans, one per archive folder (a fleet of 1,000 databases keeps
 * 1,000 of them, issue 12). A scan returns its state packed: the WAL lists as a few bytes per
 * object (CompactObjectList.pack), the cached texts as one deflated block per map
 * (PackedTextMap). The next scan opens it: the text maps are unpacked once, the lists unpack
 * as they are read and are packed again with the new state. The packed state is never changed
 * (a list's representation is, not its content), so a caller may keep or drop it as before.
 */
import { PackedTextMap } from './PackedTextMap';
import type { CachedObjectText, ScanState } from './types';

type TextMap = ReadonlyMap<string, CachedObjectText>;

/** Opened (plain) text map → the packed map it was read from, to reuse it when nothing changed. */
const openedFrom = new WeakMap<TextMap, PackedTextMap>();

function openMap(map: TextMap): TextMap {
  if (!(map instanceof PackedTextMap)) return map;
  const opened = map.unpack();
  openedFrom.set(opened, map);
  return opened;
}

/** The state as a scan reads it: its text maps unpacked (once). */
export function openScanState(state: ScanState): ScanState {
  return {
    ...state,
    backupInfos: openMap(state.backupInfos),
    keepAnnotations: openMap(state.keepAnnotations),
    historyFiles: openMap(state.historyFiles),
  };
}

function packMap(map: TextMap, opened: TextMap | undefined): TextMap {
  if (map instanceof PackedTextMap) return map;
  // The same entries as the map this scan opened: its packed block is still right.
  const source = opened && openedFrom.get(opened);
  if (source && opened!.size === map.size) {
    let same = true;
    for (const [key, value] of map) {
      if (opened!.get(key) !== value) {
        same = false;
        break;
      }
    }
    if (same) return source;
  }
  return PackedTextMap.pack(map);
}

/**
 * The state to keep: its lists packed (in place) and its text maps packed, reusing the
 * previous state's blocks where `opened` (the previous state as opened by this scan) shows
 * that nothing changed.
 */
export function packScanState(
  state: ScanState,
  opened: ScanState | undefined,
): ScanState {
  for (const dir of state.hashDirs.values()) dir.list.pack();
  state.walTop.pack();
  return {
    ...state,
    backupInfos: packMap(state.backupInfos, opened?.backupInfos),
    keepAnnotations: packMap(state.keepAnnotations, opened?.keepAnnotations),
    historyFiles: packMap(state.historyFiles, opened?.historyFiles),
  };
}
