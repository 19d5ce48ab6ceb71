/*
 * Phase "listing classification": one pass over the S3 listing that sorts every key into
 * the base/ backup folders (size, object count, data compression, keep annotation) and the
 * per-timeline WAL inventory, and sets aside WAL files that barman-cloud-wal-restore would
 * never find. It is the only phase that touches every object, so it stays allocation-free
 * per key (char-code classification into typed columns).
 */
import type { CompressionName } from '../types';
import type { ArchiveObject } from '../buildCatalog';
import {
  ArchiveFileScratch,
  classifyArchiveFileInto,
  newArchiveFileScratch,
} from '../wal';
import { NumberColumn, TimelineAcc } from './walIndex';

/** Barman backup ids are `YYYYMMDDTHHMMSS`. */
export const BACKUP_ID = /^\d{8}T\d{6}$/;
const DATA_TARBALL = /^data(?:_\d+)?\.tar(?:\.(gz|bz2|snappy|lz4))?$/i;
const DATA_COMPRESSION: Record<string, CompressionName> = {
  gz: 'gzip',
  bz2: 'bzip2',
  snappy: 'snappy',
  lz4: 'lz4',
};
export const COMPRESSION_ORDER: CompressionName[] = [
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

/** Misplaced keys kept for the diagnosis (all are counted). */
const MAX_MISPLACED_TRACKED = 1000;

export interface BaseFolder {
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

/** A WAL-like key outside the place barman-cloud-wal-restore reads. */
export interface MisplacedWal {
  key: string;
  kind: string;
  timeline: number;
  /** Segment index, -1 when out of range. */
  index: number;
}

/** What the listing pass found. */
export interface ClassifiedListing {
  folders: Map<string, BaseFolder>;
  timelines: Map<number, TimelineAcc>;
  /** One bit per COMPRESSION_ORDER entry seen on a WAL file. */
  compressionMask: number;
  /** The first MAX_MISPLACED_TRACKED misplaced WAL files. */
  misplaced: MisplacedWal[];
  misplacedCount: number;
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

/** Accumulates the WAL keys of the listing, timeline by timeline. */
class WalInventory {
  readonly timelines = new Map<number, TimelineAcc>();
  compressionMask = 0;
  readonly misplaced: MisplacedWal[] = [];
  misplacedCount = 0;
  readonly #scratch: ArchiveFileScratch = newArchiveFileScratch();
  #acc: TimelineAcc | undefined;

  constructor(private readonly perLog: number) {}

  /** Files one `wals/...` key (object number `i`) under its timeline, or as misplaced. */
  add(key: string, i: number): void {
    const scratch = this.#scratch;
    const perLog = this.perLog;
    classifyArchiveFileInto(key, key.lastIndexOf('/') + 1, key.length, scratch);
    if (scratch.kind === 'unknown') return;
    if (!isWhereWalRestoreLooks(key, scratch.kind)) {
      // barman-cloud-wal-restore never finds it: not part of the archive's continuity.
      this.misplacedCount++;
      if (this.misplaced.length < MAX_MISPLACED_TRACKED) {
        this.misplaced.push({
          key,
          kind: scratch.kind,
          timeline: scratch.timeline,
          index:
            scratch.segment < perLog
              ? scratch.log * perLog + scratch.segment
              : -1,
        });
      }
      return;
    }
    this.compressionMask |= COMPRESSION_BIT[scratch.compression];
    let acc = this.#acc;
    if (acc === undefined || acc.timeline !== scratch.timeline) {
      acc = this.#accFor(scratch.timeline);
      this.#acc = acc;
    }
    acc.walObjects++;
    if (scratch.kind === 'history') {
      acc.hasHistoryObject = true;
      return;
    }
    if (scratch.kind === 'backup') return;
    if (scratch.segment >= perLog) {
      if (acc.outOfRange.length < 5) acc.outOfRange.push(key);
      return;
    }
    const index = scratch.log * perLog + scratch.segment;
    if (scratch.kind === 'segment') {
      acc.seg.push(index);
      acc.obj.push(i);
    } else {
      acc.partialIdx.push(index);
    }
  }

  #accFor(tli: number): TimelineAcc {
    let found = this.timelines.get(tli);
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
      this.timelines.set(tli, found);
    }
    return found;
  }
}

/** Adds one `base/...` object to its backup folder (ignored unless under a backup id). */
function addBaseObject(
  folders: Map<string, BaseFolder>,
  key: string,
  object: ArchiveObject,
): void {
  const slash = key.indexOf('/', 5);
  if (slash < 0) return;
  const id = key.slice(5, slash);
  if (!BACKUP_ID.test(id)) return;
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

/** One pass over the listing: base/ folders and the WAL inventory. */
export function classifyListing(
  objects: ArchiveObject[],
  perLog: number,
): ClassifiedListing {
  const folders = new Map<string, BaseFolder>();
  const wal = new WalInventory(perLog);
  for (let i = 0; i < objects.length; i++) {
    const object = objects[i];
    const key =
      object === null || typeof object !== 'object' ? undefined : object.key;
    if (typeof key !== 'string') continue;
    if (key.startsWith('wals/')) wal.add(key, i);
    else if (key.startsWith('base/')) addBaseObject(folders, key, object);
  }
  return {
    folders,
    timelines: wal.timelines,
    compressionMask: wal.compressionMask,
    misplaced: wal.misplaced,
    misplacedCount: wal.misplacedCount,
  };
}
