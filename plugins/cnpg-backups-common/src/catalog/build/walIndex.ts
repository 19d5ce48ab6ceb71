/*
 * The WAL inventory of one timeline as numbers: segment indexes (`log * segmentsPerLog +
 * segment`) collected from the listing, then sorted and de-duplicated, with binary-search
 * helpers. Every phase of the builder that reasons about continuity works on these.
 */
import type { WalGap } from '../types';
import type { ArchiveObject } from '../buildCatalog';
import { formatHex8 } from '../wal';

/**
 * An append-only column of numbers in a typed array that doubles when full: a million
 * segment indexes cost 8 MB here, with no per-element boxing and no intermediate copies of
 * a growing JS array.
 */
export class NumberColumn {
  #buffer: Float64Array = new Float64Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.#buffer.length) {
      const bigger = new Float64Array(this.#buffer.length * 2);
      bigger.set(this.#buffer);
      this.#buffer = bigger;
    }
    this.#buffer[this.length++] = value;
  }

  /** The values pushed so far (a view, not a copy). */
  view(): Float64Array {
    return this.#buffer.subarray(0, this.length);
  }
}

export interface TimelineAcc {
  timeline: number;
  /** Segment indexes and the object each came from, in listing order until `finish`. */
  seg: NumberColumn;
  obj: NumberColumn;
  partialIdx: number[];
  hasHistoryObject: boolean;
  walObjects: number;
  /** Segment numbers beyond `segmentsPerLog` for the catalog's segment size. */
  outOfRange: string[];
}

/** Sorted, de-duplicated view of one timeline's segments. */
export interface SortedTimeline {
  timeline: number;
  /** Ascending, unique segment indexes. */
  idx: ArrayLike<number>;
  /** Sorted, unique `.partial` indexes. */
  partialIdx: number[];
  /** Object of each segment, parallel to `idx`, when the listing was already in order. */
  obj?: ArrayLike<number>;
  /** The listing-order arrays, kept for lookups when `obj` is absent. */
  rawSeg: ArrayLike<number>;
  rawObj: ArrayLike<number>;
  /** Lookups already made on an unordered listing. */
  found: Map<number, number>;
}

/** Position of the first element >= value in an ascending array. */
export function lowerBound(arr: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Last index reachable without a gap starting at `start` (start - 1 if `start` is absent).
 * Because `idx` is strictly increasing, `idx[p] - p` never decreases, so the end of the
 * contiguous run is found by binary search.
 */
export function contiguousEnd(idx: ArrayLike<number>, start: number): number {
  const p = lowerBound(idx, start);
  if (p >= idx.length || idx[p] !== start) return start - 1;
  const base = idx[p] - p;
  let lo = p;
  let hi = idx.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (idx[mid] - mid === base) lo = mid;
    else hi = mid - 1;
  }
  return idx[lo];
}

export function nameOf(
  timeline: number,
  index: number,
  perLog: number,
): string {
  return (
    formatHex8(timeline) +
    formatHex8(Math.floor(index / perLog)) +
    formatHex8(index % perLog)
  );
}

export function safePosition(
  name: string,
  perLog: number,
): { timeline: number; index: number } | undefined {
  if (name.length !== 24) return undefined;
  const tli = parseInt(name.slice(0, 8), 16);
  const log = parseInt(name.slice(8, 16), 16);
  const seg = parseInt(name.slice(16, 24), 16);
  if (![tli, log, seg].every(Number.isFinite) || seg >= perLog)
    return undefined;
  return { timeline: tli, index: log * perLog + seg };
}

/** The object holding segment `index` (the newest one if it is stored twice), or -1. */
function objectOf(
  t: SortedTimeline,
  index: number,
  objects: ArchiveObject[],
): number {
  if (t.obj) {
    const p = lowerBound(t.idx, index);
    return p < t.idx.length && t.idx[p] === index ? t.obj[p] : -1;
  }
  const cached = t.found.get(index);
  if (cached !== undefined) return cached;
  // Only a handful of lookups happen per catalog (timeline ends, range ends), so a linear
  // scan beats keeping a second 1,000,000-entry array sorted in parallel.
  let best = -1;
  for (let i = 0; i < t.rawSeg.length; i++) {
    if (t.rawSeg[i] !== index) continue;
    const o = t.rawObj[i];
    if (best < 0 || newer(objects[o].lastModified, objects[best].lastModified))
      best = o;
  }
  t.found.set(index, best);
  return best;
}

function newer(candidate: unknown, current: unknown): boolean {
  return (
    typeof candidate === 'string' &&
    (typeof current !== 'string' || candidate > current)
  );
}

export function lastModifiedOf(
  t: SortedTimeline,
  index: number,
  objects: ArchiveObject[],
): string | undefined {
  const o = objectOf(t, index, objects);
  const lm = o >= 0 ? objects[o].lastModified : undefined;
  return typeof lm === 'string' ? lm : undefined;
}

/**
 * Orders one timeline's segments. S3 lists keys in WAL order, so usually this is one O(n)
 * check. Otherwise (another store's order, lower-case names, one segment stored with two
 * compressions) the indexes are copied into a Float64Array and sorted natively, then
 * de-duplicated in place.
 */
export function sortTimeline(acc: TimelineAcc): SortedTimeline {
  const seg = acc.seg.view();
  const obj = acc.obj.view();
  let inOrder = true;
  for (let i = 1; i < seg.length; i++) {
    if (seg[i] <= seg[i - 1]) {
      inOrder = false;
      break;
    }
  }
  const partialIdx = [...new Set(acc.partialIdx)].sort((a, b) => a - b);
  const base = {
    timeline: acc.timeline,
    partialIdx,
    rawSeg: seg,
    rawObj: obj,
    found: new Map(),
  };
  if (inOrder) return { ...base, idx: seg, obj };
  const keys = seg.slice().sort();
  let w = 0;
  for (let r = 0; r < keys.length; r++) {
    if (w === 0 || keys[r] !== keys[w - 1]) keys[w++] = keys[r];
  }
  return { ...base, idx: keys.subarray(0, w) };
}

/**
 * Runs of missing segments. A `.partial` counts as present (it closes a parent timeline at
 * the switch point), and a child timeline should start at its switch segment.
 */
export function findGaps(
  t: SortedTimeline,
  switchIdx: number | undefined,
  perLog: number,
): WalGap[] {
  const gaps: WalGap[] = [];
  const { idx, partialIdx, timeline } = t;
  const push = (first: number, last: number) => {
    gaps.push({
      firstMissing: nameOf(timeline, first, perLog),
      lastMissing: nameOf(timeline, last, perLog),
      count: last - first + 1,
    });
  };
  let i = 0;
  let j = 0;
  let previous: number | undefined;
  const firstPresent = Math.min(
    idx.length ? idx[0] : Infinity,
    partialIdx.length ? partialIdx[0] : Infinity,
  );
  if (
    switchIdx !== undefined &&
    firstPresent !== Infinity &&
    firstPresent > switchIdx
  ) {
    push(switchIdx, firstPresent - 1);
  }
  while (i < idx.length || j < partialIdx.length) {
    let current: number;
    if (j >= partialIdx.length || (i < idx.length && idx[i] <= partialIdx[j])) {
      current = idx[i++];
    } else {
      current = partialIdx[j++];
    }
    if (previous !== undefined && current > previous + 1)
      push(previous + 1, current - 1);
    if (previous === undefined || current > previous) previous = current;
  }
  return gaps;
}
