/*
 * WAL arithmetic for PostgreSQL >= 9.3 (no skipped FF segment) and archive-file
 * classification the way barman-cloud does it.
 *
 * Names are TTTTTTTT LLLLLLLL SSSSSSSS (timeline, log = upper 32 bits of the LSN, segment
 * within the log). Parsing works on char codes so the 1,000,000-key inventory of a busy
 * server does not allocate substrings per key.
 */
import type { CompressionName } from './types';
import {
  InvalidLsnError,
  InvalidSegmentSizeError,
  InvalidWalNameError,
} from './errors';
import { MAX_LSN, formatLsn, hexDigit, parseLsn } from './lsn';

// The LSN text functions live in ./lsn; re-exported so `./wal` keeps offering them.
export { compareLsn, formatLsn, isLsn, normalizeLsn, parseLsn } from './lsn';

/** PostgreSQL's default WAL segment size, also barman's default `xlog_segment_size`. @public */
export const DEFAULT_WAL_SEGMENT_SIZE = 16 * 1024 * 1024;

const MIN_SEGMENT_SIZE = 1024 * 1024;
const MAX_SEGMENT_SIZE = 1024 * 1024 * 1024;
const TWO_POW_32 = 0x100000000;

/** The three numbers of a WAL segment name. @public */
export interface WalSegmentParts {
  timeline: number;
  log: number;
  segment: number;
}

/** A timeline plus a position counted in segments from LSN 0. @public */
export interface WalPosition {
  timeline: number;
  /** `log * segmentsPerLog + segment`. */
  index: number;
}

/** @internal 8 hex digits at `at` as an unsigned number, or -1. */
function hex8(text: string, at: number): number {
  if (at + 8 > text.length) return -1;
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const digit = hexDigit(text.charCodeAt(at + i));
    if (digit < 0) return -1;
    // Multiplication, not shifts: a shift would go negative above 0x7FFFFFFF.
    value = value * 16 + digit;
  }
  return value;
}

function hex8String(value: number): string {
  return value.toString(16).toUpperCase().padStart(8, '0');
}

/** Whether `size` is a valid WAL segment size (power of two, 1 MiB..1 GiB). @public */
export function isValidSegmentSize(size: unknown): size is number {
  return (
    typeof size === 'number' &&
    Number.isInteger(size) &&
    size >= MIN_SEGMENT_SIZE &&
    size <= MAX_SEGMENT_SIZE &&
    (size & (size - 1)) === 0
  );
}

/**
 * Segments per log id: `2^32 / segmentSize` (256 for 16 MiB, 4 for 1 GiB).
 * Throws `InvalidSegmentSizeError` for anything but a power of two in 1 MiB..1 GiB.
 * @public
 */
export function segmentsPerLog(
  segmentSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): number {
  if (!isValidSegmentSize(segmentSize)) {
    throw new InvalidSegmentSizeError(
      `WAL segment size ${String(
        segmentSize,
      )} is not a power of two between 1 MiB and 1 GiB`,
    );
  }
  return TWO_POW_32 / segmentSize;
}

/**
 * Parses a 24-hex WAL segment name (case-insensitive). Throws `InvalidWalNameError`.
 * Timeline 0 is rejected: PostgreSQL timelines start at 1.
 * @public
 */
export function parseWalName(name: string): WalSegmentParts {
  if (typeof name !== 'string' || name.length !== 24) {
    throw new InvalidWalNameError(
      `"${String(name).slice(
        0,
        64,
      )}" is not a WAL segment name: expected 24 hex digits`,
    );
  }
  const timeline = hex8(name, 0);
  const log = hex8(name, 8);
  const segment = hex8(name, 16);
  if (timeline < 0 || log < 0 || segment < 0) {
    throw new InvalidWalNameError(
      `"${name}" is not a WAL segment name: expected 24 hex digits`,
    );
  }
  if (timeline === 0) {
    throw new InvalidWalNameError(
      `"${name}" has timeline 0, which PostgreSQL never uses`,
    );
  }
  return { timeline, log, segment };
}

/** Whether `name` is a valid 24-hex WAL segment name with a timeline of 1 or more. @public */
export function isWalName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length !== 24) return false;
  const timeline = hex8(name, 0);
  return timeline > 0 && hex8(name, 8) >= 0 && hex8(name, 16) >= 0;
}

function assertUint32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= TWO_POW_32) {
    throw new InvalidWalNameError(
      `${what} ${String(value)} is not an unsigned 32-bit integer`,
    );
  }
}

/** Formats (timeline, log, segment) as an upper-case 24-hex WAL name. @public */
export function formatWalName(parts: WalSegmentParts): string {
  assertUint32(parts.timeline, 'timeline');
  assertUint32(parts.log, 'log');
  assertUint32(parts.segment, 'segment');
  if (parts.timeline === 0) {
    throw new InvalidWalNameError('timeline 0 is not a PostgreSQL timeline');
  }
  return (
    hex8String(parts.timeline) +
    hex8String(parts.log) +
    hex8String(parts.segment)
  );
}

/** Upper-cases a valid WAL name; throws `InvalidWalNameError` otherwise. @public */
export function normalizeWalName(name: string): string {
  parseWalName(name);
  return name.toUpperCase();
}

/**
 * Position of a WAL name in segments from LSN 0 on its timeline.
 * Throws `InvalidWalNameError` when the segment number does not exist for `segmentSize`
 * (e.g. `…00000040` with 64 MiB segments, which stop at `3F`).
 * @public
 */
export function walPosition(
  name: string,
  segmentSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): WalPosition {
  const perLog = segmentsPerLog(segmentSize);
  const parts = parseWalName(name);
  if (parts.segment >= perLog) {
    throw new InvalidWalNameError(
      `"${name}" has segment ${hex8String(
        parts.segment,
      )}, but ${segmentSize}-byte segments stop at ${hex8String(perLog - 1)}`,
    );
  }
  return {
    timeline: parts.timeline,
    index: parts.log * perLog + parts.segment,
  };
}

/** WAL name of segment `index` (log*segsPerLog+seg) on `timeline`. @public */
export function walNameFromPosition(
  position: WalPosition,
  segmentSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): string {
  const perLog = segmentsPerLog(segmentSize);
  const { index, timeline } = position;
  if (
    !Number.isSafeInteger(index) ||
    index < 0 ||
    index >= TWO_POW_32 * perLog
  ) {
    throw new InvalidWalNameError(
      `segment index ${String(index)} is out of range`,
    );
  }
  return formatWalName({
    timeline,
    log: Math.floor(index / perLog),
    segment: index % perLog,
  });
}

/** The segment after `name` on the same timeline (`…000000FF` → next log `…00000000`). @public */
export function nextWalName(
  name: string,
  segmentSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): string {
  const pos = walPosition(name, segmentSize);
  return walNameFromPosition(
    { timeline: pos.timeline, index: pos.index + 1 },
    segmentSize,
  );
}

/** The segment before `name` on the same timeline; throws for the very first segment. @public */
export function prevWalName(
  name: string,
  segmentSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): string {
  const pos = walPosition(name, segmentSize);
  if (pos.index === 0) {
    throw new InvalidWalNameError(
      `"${name}" is the first segment; it has no predecessor`,
    );
  }
  return walNameFromPosition(
    { timeline: pos.timeline, index: pos.index - 1 },
    segmentSize,
  );
}

/** Number of segments from `from` to `to` inclusive on one timeline (0 when `to` is before `from`). @public */
export function walDistance(
  from: string,
  to: string,
  segmentSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): number {
  const a = walPosition(from, segmentSize);
  const b = walPosition(to, segmentSize);
  if (a.timeline !== b.timeline) {
    throw new InvalidWalNameError(
      `"${from}" and "${to}" are on different timelines`,
    );
  }
  return Math.max(0, b.index - a.index + 1);
}

/** Segment index (from LSN 0) of the segment containing `lsn`. @public */
export function segmentIndexOfLsn(
  lsn: string | bigint,
  segmentSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): number {
  segmentsPerLog(segmentSize);
  const value = typeof lsn === 'bigint' ? lsn : parseLsn(lsn);
  if (value < 0n || value > MAX_LSN) {
    throw new InvalidLsnError(`${String(value)} is not a 64-bit unsigned LSN`);
  }
  // Safe: the largest index is 2^64 / 2^20 = 2^44.
  return Number(value / BigInt(segmentSize));
}

/** Name of the WAL segment on `timeline` that contains `lsn`. @public */
export function walNameForLsn(
  lsn: string | bigint,
  timeline: number,
  segmentSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): string {
  return walNameFromPosition(
    { timeline, index: segmentIndexOfLsn(lsn, segmentSize) },
    segmentSize,
  );
}

/**
 * The LSN range a segment covers: `start` is its first byte, `last` its last byte
 * (inclusive, so the final segment of the 64-bit space needs no LSN past FFFFFFFF/FFFFFFFF).
 * @public
 */
export function segmentLsnRange(
  name: string,
  segmentSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): { start: string; last: string } {
  const { index } = walPosition(name, segmentSize);
  const size = BigInt(segmentSize);
  const start = BigInt(index) * size;
  return { start: formatLsn(start), last: formatLsn(start + size - 1n) };
}

/**
 * Like {@link walPosition} but never throws: undefined for anything that is not a valid segment
 * name for `segmentSize` (for drawing and for values read from untrusted objects).
 * @public
 */
export function walSegmentPosition(
  name: string | undefined,
  segmentSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): WalPosition | undefined {
  if (typeof name !== 'string' || !isValidSegmentSize(segmentSize))
    return undefined;
  try {
    return walPosition(name, segmentSize);
  } catch {
    return undefined;
  }
}

/** The LSN of a segment's first byte, as a bigint; undefined when `name` is not a segment name. @public */
export function walStartLsn(
  name: string | undefined,
  segmentSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): bigint | undefined {
  const position = walSegmentPosition(name, segmentSize);
  return position === undefined
    ? undefined
    : BigInt(position.index) * BigInt(segmentSize);
}

// ---------------------------------------------------------------------- classification

/** What kind of file an archive object is. @public */
export type ArchiveFileKind =
  | 'segment'
  | 'partial'
  | 'backup'
  | 'history'
  | 'unknown';

/** Result of classifying a file name found under `wals/`. @public */
export interface ClassifiedArchiveFile {
  kind: ArchiveFileKind;
  /**
   * Normalised name without the compression suffix, hex in upper case
   * (`000000010000000000000012.partial`, `00000002.history`). The input as given for `unknown`.
   */
  name: string;
  compression: CompressionName;
  /** Timeline (0 for `unknown`). */
  timeline: number;
  /** The 24-hex segment name for segment, partial and backup files. */
  segmentName?: string;
  log?: number;
  segment?: number;
  /** Byte offset of the backup start, for `.backup` files. */
  backupOffset?: number;
}

/** @internal Allocation-free classification result, reused by the catalog builder. */
export interface ArchiveFileScratch {
  kind: ArchiveFileKind;
  compression: CompressionName;
  timeline: number;
  log: number;
  segment: number;
  backupOffset: number;
}

/** @internal */
export function newArchiveFileScratch(): ArchiveFileScratch {
  return {
    kind: 'unknown',
    compression: 'none',
    timeline: 0,
    log: 0,
    segment: 0,
    backupOffset: 0,
  };
}

function lowerCode(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/** @internal Case-insensitive ASCII match of `word` (lower case) at `at`. */
function matchesAt(text: string, at: number, word: string): boolean {
  if (at < 0 || at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) {
    if (lowerCode(text.charCodeAt(at + i)) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * @internal Compression named by the suffix that starts at `dot` (the '.') and runs to `end`,
 * or undefined. Checks the length first so most keys cost one or two comparisons.
 */
function compressionAt(
  text: string,
  dot: number,
  end: number,
): CompressionName | undefined {
  switch (end - dot) {
    case 3:
      if (matchesAt(text, dot, '.gz')) return 'gzip';
      if (matchesAt(text, dot, '.xz')) return 'xz';
      return undefined;
    case 4:
      if (matchesAt(text, dot, '.bz2')) return 'bzip2';
      if (matchesAt(text, dot, '.zst')) return 'zstd';
      if (matchesAt(text, dot, '.lz4')) return 'lz4';
      return undefined;
    case 7:
      return matchesAt(text, dot, '.snappy') ? 'snappy' : undefined;
    default:
      return undefined;
  }
}

/**
 * @internal Classifies `text.slice(start, end)` into `out` without allocating.
 * Returns `out` for chaining.
 */
export function classifyArchiveFileInto(
  text: string,
  start: number,
  end: number,
  out: ArchiveFileScratch,
): ArchiveFileScratch {
  out.kind = 'unknown';
  out.compression = 'none';
  out.timeline = 0;
  out.log = 0;
  out.segment = 0;
  out.backupOffset = 0;
  let coreEnd = end;
  // One optional compression suffix (at most 7 chars) after a core name of at least 16
  // chars (`TTTTTTTT.history`).
  for (let p = end - 3; p >= end - 7 && p >= start + 16; p--) {
    if (text.charCodeAt(p) === 46 /* . */) {
      const compression = compressionAt(text, p, end);
      if (compression) {
        coreEnd = p;
        out.compression = compression;
      }
      break;
    }
  }
  const len = coreEnd - start;
  const timeline = hex8(text, start);
  if (timeline <= 0) return out;
  if (len === 16) {
    if (matchesAt(text, start + 8, '.history')) {
      out.kind = 'history';
      out.timeline = timeline;
    }
    return out;
  }
  if (len !== 24 && len !== 32 && len !== 40) return out;
  const log = hex8(text, start + 8);
  const segment = hex8(text, start + 16);
  if (log < 0 || segment < 0) return out;
  if (len === 24) {
    out.kind = 'segment';
  } else if (len === 32) {
    if (!matchesAt(text, start + 24, '.partial')) return out;
    out.kind = 'partial';
  } else {
    // <segment>.<8 hex offset>.backup
    if (text.charCodeAt(start + 24) !== 46 /* . */) return out;
    const offset = hex8(text, start + 25);
    if (offset < 0 || !matchesAt(text, start + 33, '.backup')) return out;
    out.kind = 'backup';
    out.backupOffset = offset;
  }
  out.timeline = timeline;
  out.log = log;
  out.segment = segment;
  return out;
}

/**
 * Classifies a file name found under `wals/` (a path is reduced to its last component).
 * Never throws: anything that is not a segment, `.partial`, `.backup` or `.history` file
 * (each optionally with one compression suffix) is `unknown`, which barman ignores too.
 * @public
 */
export function classifyArchiveFile(fileName: string): ClassifiedArchiveFile {
  if (typeof fileName !== 'string') {
    return {
      kind: 'unknown',
      name: String(fileName),
      compression: 'none',
      timeline: 0,
    };
  }
  const slash = fileName.lastIndexOf('/');
  const start = slash + 1;
  const scratch = classifyArchiveFileInto(
    fileName,
    start,
    fileName.length,
    newArchiveFileScratch(),
  );
  if (scratch.kind === 'unknown') {
    return {
      kind: 'unknown',
      name: fileName,
      compression: 'none',
      timeline: 0,
    };
  }
  if (scratch.kind === 'history') {
    return {
      kind: 'history',
      name: `${hex8String(scratch.timeline)}.history`,
      compression: scratch.compression,
      timeline: scratch.timeline,
    };
  }
  const segmentName =
    hex8String(scratch.timeline) +
    hex8String(scratch.log) +
    hex8String(scratch.segment);
  let name = segmentName;
  if (scratch.kind === 'partial') name = `${segmentName}.partial`;
  if (scratch.kind === 'backup') {
    name = `${segmentName}.${hex8String(scratch.backupOffset)}.backup`;
  }
  const result: ClassifiedArchiveFile = {
    kind: scratch.kind,
    name,
    compression: scratch.compression,
    timeline: scratch.timeline,
    segmentName,
    log: scratch.log,
    segment: scratch.segment,
  };
  if (scratch.kind === 'backup') result.backupOffset = scratch.backupOffset;
  return result;
}

/** Name of the history file of `timeline` (`00000002.history`). @public */
export function historyFileName(timeline: number): string {
  assertUint32(timeline, 'timeline');
  return `${hex8String(timeline)}.history`;
}

/** @internal exported for the builder: 8-digit upper-case hex. */
export const formatHex8 = hex8String;
