/*
 * The pure catalog builder: one S3 listing of `<prefix>/<serverName>/` plus the backup.info
 * and history texts the scanner could read → the BarmanCatalog contract (backups, WAL
 * inventory, recovery window, diagnoses). No I/O.
 *
 * Rules (see shared/notes/cnpg-barman-reference.md §4):
 * - A backup is a `base/<id>/` folder or a read backup.info; without backup.info it is
 *   INCOMPLETE. Stored size = sum of its objects; data compression from `data.tar*`.
 * - WAL segments are indexed `log * segmentsPerLog + segment` per timeline (segment size
 *   from the newest DONE backup). Gaps are runs of missing indexes; a `.partial` fills its
 *   slot, and a child timeline should start at the segment holding its switch LSN.
 * - A DONE backup is restorable when begin_wal..end_wal all exist on one timeline.
 * - The recovery chain of a restorable backup runs gap-free from begin_wal and follows a
 *   child timeline when the parent is complete up to the switch segment and the backup
 *   ended before the switch; the highest timeline reached wins (recovery_target_timeline
 *   = latest). firstRecoverabilityPoint / lastSuccessfulBackupTime follow CNPG (end time
 *   of the oldest / newest DONE backup); ranges show what the WAL really allows.
 *
 * Scale: a busy serverName holds ~1,000,000 WAL keys. Keys are classified with char-code
 * arithmetic into plain number arrays per timeline; S3 lists keys in lexical order, which is
 * WAL order, so sorting is usually skipped after an O(n) check. Everything after that works
 * on sorted, de-duplicated segment indexes with binary search.
 */
import type {
  BarmanCatalog,
  CatalogBackup,
  CatalogBackupStatus,
  CatalogTimeline,
  CompressionName,
  Diagnosis,
  RecoverableRange,
  ScanInfo,
  WalGap,
} from './types';
import { BackupInfo, parseBackupInfo } from './backupInfo';
import { parseHistoryFile, TimelineHistory } from './history';
import {
  InvalidBackupInfoError,
  InvalidCatalogInputError,
  InvalidHistoryFileError,
} from './errors';
import {
  ArchiveFileScratch,
  classifyArchiveFileInto,
  DEFAULT_WAL_SEGMENT_SIZE,
  formatHex8,
  newArchiveFileScratch,
  parseLsn,
  segmentIndexOfLsn,
  segmentsPerLog,
} from './wal';
import {
  backupFailedDiagnosis,
  backupIncompleteDiagnosis,
  backupNotRestorableDiagnosis,
  invalidBackupInfoDiagnosis,
  invalidHistoryFileDiagnosis,
  missingHistoryFileDiagnosis,
  noDoneBackupDiagnosis,
  scanIncompleteDiagnosis,
  segmentSizeMismatchDiagnosis,
  walGapDiagnosis,
  FixContext,
  misplacedWalDiagnosis,
} from './diagnoses';

/** One object of the listing, key RELATIVE to `<prefix>/<serverName>/`. @public */
export interface ArchiveObject {
  /** e.g. `base/20250601T020002/backup.info`, `wals/0000000100000000/000000010000000000000001.gz`. */
  key: string;
  size: number;
  /** ISO-8601. */
  lastModified: string;
}

/** Everything `buildCatalog` needs. @public */
export interface BuildCatalogInput {
  /** `s3://bucket/prefix`. */
  destination: string;
  serverName: string;
  /** Every object under `<prefix>/<serverName>/` that was listed. */
  objects: ArchiveObject[];
  /** Backup id → raw backup.info text, for the ids whose backup.info was read. */
  backupInfos: Record<string, string>;
  /** Timeline → decompressed history file text, when it could be read. */
  historyFiles?: Record<number, string>;
  /** Backup id → content of `base/<id>/annotations/keep`, when it was read. */
  keepAnnotations?: Record<string, string>;
  /** Cluster name used in fix commands; defaults to serverName (CNPG's default). */
  clusterName?: string;
  /** From the scanner. The builder appends its own errors and never turns complete=false into true. */
  scan: ScanInfo;
  /** ISO time for age-based rules; default now. */
  now?: string;
}

/** Barman backup ids are `YYYYMMDDTHHMMSS`. */
const BACKUP_ID = /^\d{8}T\d{6}$/;
const DATA_TARBALL = /^data(?:_\d+)?\.tar(?:\.(gz|bz2|snappy|lz4))?$/i;
const DATA_COMPRESSION: Record<string, CompressionName> = {
  gz: 'gzip',
  bz2: 'bzip2',
  snappy: 'snappy',
  lz4: 'lz4',
};
const COMPRESSION_ORDER: CompressionName[] = [
  'none',
  'gzip',
  'bzip2',
  'xz',
  'snappy',
  'zstd',
  'lz4',
];
const COMPRESSION_BIT = Object.fromEntries(
  COMPRESSION_ORDER.map((name, i) => [name, 1 << i]),
) as Record<CompressionName, number>;
/** A backup folder younger than this without backup.info is probably still uploading. */
const INCOMPLETE_GRACE_MS = 6 * 3600 * 1000;
const MAX_FAILED_DIAGNOSES = 20;

interface BaseFolder {
  id: string;
  bytes: number;
  objects: number;
  lastModified?: string;
  hasBackupInfo: boolean;
  hasKeep: boolean;
  dataCompression?: CompressionName;
  /** True when the compression came from `data.tar*` itself, not a `data_0001` part. */
  dataFromMain: boolean;
}

/**
 * An append-only column of numbers in a typed array that doubles when full: a million
 * segment indexes cost 8 MB here, with no per-element boxing and no intermediate copies of
 * a growing JS array.
 */
class NumberColumn {
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

interface TimelineAcc {
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
interface SortedTimeline {
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

interface Parentage {
  parent: number;
  switchLsn: string;
  switchIdx: number;
  fromOwnHistory: boolean;
}

function sizeOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? value
    : 0;
}

function laterOf(a: string | undefined, b: unknown): string | undefined {
  if (typeof b !== 'string' || b === '') return a;
  return a === undefined || b > a ? b : a;
}

/** Position of the first element >= value in an ascending array. */
function lowerBound(arr: ArrayLike<number>, value: number): number {
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
function contiguousEnd(idx: ArrayLike<number>, start: number): number {
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

function validateInput(input: BuildCatalogInput): void {
  if (input === null || typeof input !== 'object') {
    throw new InvalidCatalogInputError('buildCatalog needs an input object');
  }
  if (typeof input.serverName !== 'string' || input.serverName === '') {
    throw new InvalidCatalogInputError('serverName must be a non-empty string');
  }
  if (typeof input.destination !== 'string') {
    throw new InvalidCatalogInputError('destination must be a string');
  }
  if (!Array.isArray(input.objects)) {
    throw new InvalidCatalogInputError('objects must be an array');
  }
  if (input.backupInfos === null || typeof input.backupInfos !== 'object') {
    throw new InvalidCatalogInputError('backupInfos must be an object');
  }
  if (
    input.scan === null ||
    typeof input.scan !== 'object' ||
    !Array.isArray(input.scan.errors)
  ) {
    throw new InvalidCatalogInputError(
      'scan must be a ScanInfo with an errors array',
    );
  }
  if (input.now !== undefined && Number.isNaN(Date.parse(input.now))) {
    throw new InvalidCatalogInputError(
      `now "${String(input.now)}" is not an ISO time`,
    );
  }
}

function statusOf(info: BackupInfo): CatalogBackupStatus {
  if (info.status === 'DONE') return 'DONE';
  if (info.status === 'FAILED') return 'FAILED';
  // EMPTY, STARTED, WAITING_FOR_WALS, SYNCING: not finished.
  return 'STARTED';
}

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

/** A WAL-like key outside the place barman-cloud-wal-restore reads. */
interface MisplacedWal {
  key: string;
  kind: string;
  timeline: number;
  /** Segment index, -1 when out of range. */
  index: number;
}

/** Misplaced keys kept for the diagnosis (all are counted). */
const MAX_MISPLACED_TRACKED = 1000;

/**
 * Whether `wals/...` is where barman-cloud-wal-restore looks for the file: history files
 * directly under `wals/`, every other WAL file under `wals/<first 16 chars of its name>/`
 * (barman's `hash_dir`, compared as written: lower-case names live in lower-case folders).
 */
function isWhereWalRestoreLooks(key: string, kind: string): boolean {
  const slash = key.lastIndexOf('/');
  if (kind === 'history') return slash === 4;
  if (slash !== 21) return false;
  for (let i = 0; i < 16; i++) {
    if (key.charCodeAt(5 + i) !== key.charCodeAt(22 + i)) return false;
  }
  return true;
}

/**
 * Builds the catalog of one serverName from a listing. Pure and deterministic for a given
 * input (including `now`). Throws only `InvalidCatalogInputError`, for input that is not
 * shaped as documented; defects of the archive itself become diagnoses.
 * @public
 */
export function buildCatalog(input: BuildCatalogInput): BarmanCatalog {
  validateInput(input);
  const { objects, serverName } = input;
  const nowMs = input.now !== undefined ? Date.parse(input.now) : Date.now();
  const scan: ScanInfo = { ...input.scan, errors: [...input.scan.errors] };
  const fix: FixContext = {
    serverName,
    clusterName: input.clusterName || serverName,
    destination: input.destination,
  };
  const diagnoses: Diagnosis[] = [];

  // ---- backup.info files.
  const infos = new Map<string, BackupInfo>();
  const infoErrors = new Map<string, string>();
  for (const id of Object.keys(input.backupInfos)) {
    if (!BACKUP_ID.test(id)) continue;
    const text = input.backupInfos[id];
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
  // Ids whose backup.info was read, valid or not.
  const infoIds = Object.keys(input.backupInfos)
    .filter(id => BACKUP_ID.test(id))
    .sort();

  // ---- segment size: the newest DONE backup's, else the newest readable one's.
  let segmentSize = DEFAULT_WAL_SEGMENT_SIZE;
  const sizesSeen = new Map<number, string[]>();
  {
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
  }
  const perLog = segmentsPerLog(segmentSize);

  // ---- one pass over the listing: base/ folders and the WAL inventory.
  const folders = new Map<string, BaseFolder>();
  const timelines = new Map<number, TimelineAcc>();
  let compressionMask = 0;
  const scratch: ArchiveFileScratch = newArchiveFileScratch();
  const accFor = (tli: number): TimelineAcc => {
    let found = timelines.get(tli);
    if (!found) {
      found = {
        timeline: tli,
        seg: new NumberColumn(),
        obj: new NumberColumn(),
        partialIdx: [],
        hasHistoryObject: false,
        walObjects: 0,
        outOfRange: [],
      };
      timelines.set(tli, found);
    }
    return found;
  };
  let acc: TimelineAcc | undefined;
  const misplaced: MisplacedWal[] = [];
  let misplacedCount = 0;
  for (let i = 0; i < objects.length; i++) {
    const object = objects[i];
    const key =
      object === null || typeof object !== 'object' ? undefined : object.key;
    if (typeof key !== 'string') continue;
    if (key.startsWith('wals/')) {
      classifyArchiveFileInto(
        key,
        key.lastIndexOf('/') + 1,
        key.length,
        scratch,
      );
      if (scratch.kind === 'unknown') continue;
      if (!isWhereWalRestoreLooks(key, scratch.kind)) {
        // barman-cloud-wal-restore never finds it: not part of the archive's continuity.
        misplacedCount++;
        if (misplaced.length < MAX_MISPLACED_TRACKED) {
          misplaced.push({
            key,
            kind: scratch.kind,
            timeline: scratch.timeline,
            index:
              scratch.segment < perLog
                ? scratch.log * perLog + scratch.segment
                : -1,
          });
        }
        continue;
      }
      compressionMask |= COMPRESSION_BIT[scratch.compression];
      if (acc === undefined || acc.timeline !== scratch.timeline)
        acc = accFor(scratch.timeline);
      acc.walObjects++;
      if (scratch.kind === 'history') {
        acc.hasHistoryObject = true;
        continue;
      }
      if (scratch.kind === 'backup') continue;
      if (scratch.segment >= perLog) {
        if (acc.outOfRange.length < 5) acc.outOfRange.push(key);
        continue;
      }
      const index = scratch.log * perLog + scratch.segment;
      if (scratch.kind === 'segment') {
        acc.seg.push(index);
        acc.obj.push(i);
      } else {
        acc.partialIdx.push(index);
      }
      continue;
    }
    if (!key.startsWith('base/')) continue;
    const slash = key.indexOf('/', 5);
    if (slash < 0) continue;
    const id = key.slice(5, slash);
    if (!BACKUP_ID.test(id)) continue;
    let folder = folders.get(id);
    if (!folder) {
      folder = {
        id,
        bytes: 0,
        objects: 0,
        hasBackupInfo: false,
        hasKeep: false,
        dataFromMain: false,
      };
      folders.set(id, folder);
    }
    folder.bytes += sizeOf(object.size);
    folder.objects++;
    folder.lastModified = laterOf(folder.lastModified, object.lastModified);
    const rest = key.slice(slash + 1);
    if (rest === 'backup.info') folder.hasBackupInfo = true;
    else if (rest === 'annotations/keep') folder.hasKeep = true;
    else {
      const m = DATA_TARBALL.exec(rest);
      if (m && !folder.dataFromMain) {
        folder.dataCompression = m[1]
          ? DATA_COMPRESSION[m[1].toLowerCase()]
          : 'none';
        folder.dataFromMain = rest.toLowerCase().startsWith('data.tar');
      }
    }
  }

  const ids = [...new Set([...folders.keys(), ...infoIds])].sort();

  const sorted = new Map<number, SortedTimeline>();
  for (const collected of timelines.values()) {
    sorted.set(collected.timeline, sortTimeline(collected));
  }

  // ---- timeline parentage from history files (own file first, else derived from a descendant's).
  const histories = new Map<number, TimelineHistory>();
  const historyRead = new Set<number>();
  for (const tliKey of Object.keys(input.historyFiles ?? {})) {
    const tli = Number(tliKey);
    if (!Number.isInteger(tli) || tli < 1 || tli > 0xffffffff) continue;
    historyRead.add(tli);
    const text = (input.historyFiles as Record<string, string>)[tliKey];
    try {
      histories.set(tli, parseHistoryFile(text, tli));
    } catch (e) {
      if (!(e instanceof InvalidHistoryFileError)) throw e;
      diagnoses.push(invalidHistoryFileDiagnosis(fix, tli, e.message));
    }
  }
  const parentage = new Map<number, Parentage>();
  const setParent = (
    child: number,
    parent: number,
    switchLsn: string,
    own: boolean,
  ) => {
    if (parent >= child) return;
    const existing = parentage.get(child);
    if (existing && (existing.fromOwnHistory || !own)) return;
    parentage.set(child, {
      parent,
      switchLsn,
      switchIdx: segmentIndexOfLsn(switchLsn, segmentSize),
      fromOwnHistory: own,
    });
  };
  for (const [tli, history] of [...histories.entries()].sort(
    (a, b) => b[0] - a[0],
  )) {
    const { entries } = history;
    for (let j = 0; j < entries.length; j++) {
      const child =
        j + 1 < entries.length ? entries[j + 1].parentTimeline : tli;
      setParent(
        child,
        entries[j].parentTimeline,
        entries[j].switchLsn,
        child === tli,
      );
    }
  }
  const children = new Map<number, number[]>();
  for (const [child, p] of parentage) {
    const list = children.get(p.parent) ?? [];
    list.push(child);
    children.set(p.parent, list);
  }

  // ---- timelines with gaps.
  const catalogTimelines: CatalogTimeline[] = [];
  for (const tli of [...sorted.keys()].sort((a, b) => a - b)) {
    const t = sorted.get(tli)!;
    const collected = timelines.get(tli)!;
    const p = parentage.get(tli);
    const gaps = findGaps(t, p?.switchIdx, perLog);
    const timeline: CatalogTimeline = {
      timeline: tli,
      segmentCount: t.idx.length,
      gaps,
      historyFile:
        tli === 1 || collected.hasHistoryObject || historyRead.has(tli),
      partialSegments: t.partialIdx.map(i => nameOf(tli, i, perLog)),
    };
    if (t.idx.length > 0) {
      timeline.firstSegment = nameOf(tli, t.idx[0], perLog);
      timeline.lastSegment = nameOf(tli, t.idx[t.idx.length - 1], perLog);
      const lm = lastModifiedOf(t, t.idx[t.idx.length - 1], objects);
      if (lm !== undefined) timeline.lastModified = lm;
    }
    if (p) {
      timeline.parentTimeline = p.parent;
      timeline.switchLsn = p.switchLsn;
    }
    catalogTimelines.push(timeline);
    if (!timeline.historyFile) {
      diagnoses.push(
        missingHistoryFileDiagnosis(fix, tli, collected.walObjects),
      );
    }
  }

  // ---- backups.
  const keepText = input.keepAnnotations ?? {};
  const backups: CatalogBackup[] = [];
  const backupIndex = new Map<
    string,
    { begin: number; end: number; timeline: number }
  >();
  for (const id of ids) {
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

  // ---- recovery window.
  const doneBackups = backups.filter(b => b.status === 'DONE');
  let firstRecoverabilityPoint: string | undefined;
  let lastSuccessfulBackupTime: string | undefined;
  for (const b of doneBackups) {
    if (b.endTime === undefined) continue;
    if (
      firstRecoverabilityPoint === undefined ||
      b.endTime < firstRecoverabilityPoint
    ) {
      firstRecoverabilityPoint = b.endTime;
    }
    if (
      lastSuccessfulBackupTime === undefined ||
      b.endTime > lastSuccessfulBackupTime
    ) {
      lastSuccessfulBackupTime = b.endTime;
    }
  }

  const chainEnd = (
    tli: number,
    start: number,
    backupEnd: { idx: number; lsn?: string } | undefined,
    depth: number,
  ): { timeline: number; idx: number } | undefined => {
    const t = sorted.get(tli);
    const end = t ? contiguousEnd(t.idx, start) : start - 1;
    let best: { timeline: number; idx: number } | undefined =
      end >= start ? { timeline: tli, idx: end } : undefined;
    if (depth > 64) return best;
    for (const child of children.get(tli) ?? []) {
      const p = parentage.get(child)!;
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
      const candidate = chainEnd(child, p.switchIdx, undefined, depth + 1);
      if (candidate && (!best || candidate.timeline > best.timeline))
        best = candidate;
    }
    return best;
  };

  const rawRanges: RecoverableRange[] = [];
  let lastWal: { timeline: number; idx: number } | undefined;
  for (const b of doneBackups) {
    const pos = backupIndex.get(b.id);
    if (!pos) continue;
    const end = chainEnd(
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
  const ranges = mergeRanges(rawRanges);
  const recoveryWindow: BarmanCatalog['recoveryWindow'] = { ranges };
  if (firstRecoverabilityPoint)
    recoveryWindow.firstRecoverabilityPoint = firstRecoverabilityPoint;
  if (lastSuccessfulBackupTime)
    recoveryWindow.lastSuccessfulBackupTime = lastSuccessfulBackupTime;
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

  // ---- WAL gap severity: a gap after the newest DONE backup's start, on its timeline or a
  // descendant, stops recovery to any later point; older gaps only shorten the window.
  const newestDone = doneBackups[doneBackups.length - 1];
  const critical = new Map<number, number>();
  if (newestDone?.beginWal) {
    const begin = safePosition(newestDone.beginWal, perLog);
    if (begin) {
      const mark = (tli: number, from: number, depth: number) => {
        const known = critical.get(tli);
        if (known !== undefined && known <= from) return;
        critical.set(tli, from);
        if (depth > 64) return;
        for (const child of children.get(tli) ?? []) {
          const p = parentage.get(child)!;
          if (p.switchIdx >= from) mark(child, p.switchIdx, depth + 1);
        }
      };
      mark(begin.timeline, begin.index, 0);
    }
  }
  for (const t of catalogTimelines) {
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

  // ---- backup-level diagnoses.
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
  if (doneBackups.length === 0)
    diagnoses.push(noDoneBackupDiagnosis(fix, backups.length));

  // ---- WAL files where barman-cloud-wal-restore does not look.
  if (misplacedCount > 0) {
    // Error when one of them is the only copy: recovery stops there although the file exists.
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
    diagnoses.push(
      misplacedWalDiagnosis(
        fix,
        misplaced.map(m => m.key),
        misplacedCount,
        onlyCopy ? 'error' : 'warning',
      ),
    );
  }

  // ---- segment sizes.
  const outOfRange = [...timelines.values()].flatMap(a => a.outOfRange);
  if (sizesSeen.size > 1 || outOfRange.length > 0) {
    diagnoses.push(
      segmentSizeMismatchDiagnosis(fix, sizesSeen, segmentSize, outOfRange),
    );
  }

  if (!scan.complete) diagnoses.push(scanIncompleteDiagnosis(fix, scan.errors));

  const compressions = COMPRESSION_ORDER.filter(
    (_, i) => compressionMask & (1 << i),
  );

  return {
    schemaVersion: 1,
    destination: input.destination,
    serverName,
    backups,
    wal: { timelines: catalogTimelines, compressions, segmentSize },
    recoveryWindow,
    diagnoses: sortDiagnoses(diagnoses),
    scan,
  };
}

function nameOf(timeline: number, index: number, perLog: number): string {
  return (
    formatHex8(timeline) +
    formatHex8(Math.floor(index / perLog)) +
    formatHex8(index % perLog)
  );
}

function safePosition(
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

function lastModifiedOf(
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
function sortTimeline(acc: TimelineAcc): SortedTimeline {
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
function findGaps(
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

interface RestorableCheck {
  ok: boolean;
  reason: string;
  missing?: string[];
  begin: number;
  end: number;
  timeline: number;
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

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };

function sortDiagnoses(list: Diagnosis[]): Diagnosis[] {
  return list
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.d.severity] - SEVERITY_ORDER[b.d.severity] ||
        a.i - b.i,
    )
    .map(x => x.d);
}
