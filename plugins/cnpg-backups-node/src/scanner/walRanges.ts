/**
 * Key-range planning and bookkeeping for flat listings of a Barman `wals/` folder: the pieces the
 * scanner runs in parallel, where their keys go, and where to split the range.
 */
import { classifyArchiveFile } from '@cnpg-backups/plugin-cnpg-backups-common';
import { CompactObjectList } from './CompactObjectList';

const HASH_DIR = /^[0-9A-Fa-f]{16}$/;

/** Extra keys asked for beyond the estimate of what is left in a WAL range. */
export const WAL_ESTIMATE_SLACK = 16;

/** One key range of `wals/`: keys after `startAfter` (or from the start) and before `end`. */
export interface WalPartition {
  /** Full key; undefined lists from the start of `wals/`. */
  startAfter?: string;
  /** Full key, exclusive; undefined runs to the end. Lowered by a split. */
  end?: string;
  /** Last key taken. */
  cursor?: string;
  active: boolean;
  /** Called once, after the first page (false also when it failed). */
  onFirstPage?: (truncated: boolean) => void;
}

/** Where a flat `wals/` listing puts its keys: per hash directory, and files directly under `wals/`. */
export class WalSink {
  readonly dirs = new Map<string, CompactObjectList>();
  readonly top = new CompactObjectList('wals/');
  /** Greatest name taken (relative to `wals/`). */
  last?: string;

  push(name: string, size: number, lastModifiedMs: number) {
    if (this.last === undefined || name > this.last) this.last = name;
    const slash = name.indexOf('/');
    if (slash < 0) {
      this.top.push(name, size, lastModifiedMs);
      return;
    }
    const dir = name.slice(0, slash);
    if (slash !== 16 || !HASH_DIR.test(dir) || slash === name.length - 1) {
      // A folder that is not a hash directory is not Barman's, but a WAL file in it is kept
      // (with its path) so that the catalog can name it as misplaced; anything else is dropped.
      if (classifyArchiveFile(name).kind !== 'unknown')
        this.top.push(name, size, lastModifiedMs);
      return;
    }
    let list = this.dirs.get(dir);
    if (!list) {
      list = new CompactObjectList(`wals/${dir}/`);
      this.dirs.set(dir, list);
    }
    list.push(name.slice(slash + 1), size, lastModifiedMs);
  }
}

/** Runs key ranges of `wals/` and splits a running one in two on request. */
export class WalRangeLister {
  readonly #partitions: WalPartition[] = [];
  readonly #running: Promise<void>[] = [];
  readonly #run: (p: WalPartition) => Promise<void>;

  constructor(run: (p: WalPartition) => Promise<void>) {
    this.#run = run;
  }

  get count(): number {
    return this.#partitions.length;
  }

  start(p: WalPartition) {
    this.#partitions.push(p);
    this.#running.push(this.#run(p));
  }

  /**
   * Lets a new range list from `at` on, if a running range has not got there yet: that
   * range now stops before `at` (keys at or after it in a page in flight are dropped).
   */
  split(at: string): boolean {
    for (const p of this.#partitions) {
      if (!p.active) continue;
      const from = p.cursor ?? p.startAfter ?? '';
      if (at > from && (p.end === undefined || at < p.end)) {
        const next: WalPartition = { startAfter: at, end: p.end, active: true };
        p.end = at;
        this.start(next);
        return true;
      }
    }
    return false;
  }

  /** Waits for every range, including ranges split off while waiting. */
  async done(): Promise<void> {
    for (let i = 0; i < this.#running.length; i++) await this.#running[i];
  }
}

/** Orders entries by their first element (code-unit order). */
export function byFirst(a: [string, unknown], b: [string, unknown]): number {
  if (a[0] === b[0]) return 0;
  return a[0] < b[0] ? -1 : 1;
}

/**
 * The items of a sorted list in an order that covers its range early: the middle one, then
 * the middles of each half, and so on (breadth first). Every item appears once.
 * @internal
 */
export function spreadOrder<T>(items: readonly T[]): T[] {
  const out: T[] = [];
  const ranges: Array<[number, number]> = [[0, items.length]];
  for (let r = 0; r < ranges.length; r++) {
    const [lo, hi] = ranges[r];
    if (lo >= hi) continue;
    const mid = (lo + hi) >>> 1;
    out.push(items[mid]);
    ranges.push([lo, mid], [mid + 1, hi]);
  }
  return out;
}

const WAL_NAME = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})/;
const BEGIN_WAL_LINE = /^begin_wal=([0-9A-F]{24})\s*$/m;
const SEGMENT_SIZE_LINE = /^xlog_segment_size=(\d+)\s*$/m;

export function beginWalsOf(texts: Array<string | undefined>): string[] {
  const out: string[] = [];
  for (const text of texts) {
    const m = text === undefined ? null : BEGIN_WAL_LINE.exec(text);
    if (m) out.push(m[1]);
  }
  return out;
}

/** The hash directory of the oldest begin_wal among these backup.info texts. */
export function oldestBeginDir(
  texts: Array<string | undefined>,
): string | undefined {
  const wals = beginWalsOf(texts).sort();
  return wals.length ? wals[0].slice(0, 16) : undefined;
}

/** WAL segments per hash directory (4 GiB of WAL / segment size), from the backups; undefined if they disagree. */
export function segmentsPerDirOf(
  texts: Array<string | undefined>,
): number | undefined {
  let size: number | undefined;
  for (const text of texts) {
    const m = text === undefined ? null : SEGMENT_SIZE_LINE.exec(text);
    if (!m) continue;
    const value = Number(m[1]);
    if (size !== undefined && size !== value) return undefined;
    size = value;
  }
  if (!size || size & (size - 1) || size > 0x40000000) return undefined;
  return 0x100000000 / size;
}

/**
 * Roughly how many keys are left in a range whose end is a hash directory of the same
 * timeline as its position, from WAL arithmetic; undefined when unknown.
 */
export function estimateKeysLeft(
  p: WalPartition,
  prefix: string,
  perDir: number | undefined,
): number | undefined {
  if (p.end === undefined || perDir === undefined) return undefined;
  const end = WAL_NAME.exec(`${p.end.slice(prefix.length)}00000000`);
  if (!end) return undefined;
  let tli: string;
  let position: number;
  if (p.cursor !== undefined) {
    const rel = p.cursor.slice(prefix.length);
    const m =
      rel.length > 17 && rel[16] === '/' ? WAL_NAME.exec(rel.slice(17)) : null;
    if (!m) return undefined;
    tli = m[1];
    position = parseInt(m[2], 16) * perDir + parseInt(m[3], 16) + 1;
  } else if (p.startAfter !== undefined) {
    const m = WAL_NAME.exec(`${p.startAfter.slice(prefix.length)}00000000`);
    if (!m) return undefined;
    tli = m[1];
    position = parseInt(m[2], 16) * perDir;
  } else {
    return undefined;
  }
  if (tli !== end[1]) return undefined;
  return Math.max(0, parseInt(end[2], 16) * perDir - position);
}

/**
 * Where to split a full listing of `wals/` into parallel key ranges: hash directories where
 * backups begin (known from backup.info before the WAL listing gets there), chosen so that
 * the ranges hold about the same span of WAL. At most `parts` directories; none without
 * backups (then `wals/` is listed in one sequence).
 * @public
 */
export function planWalSplits(options: {
  beginWals: readonly string[];
  parts: number;
}): string[] {
  const dirs = [
    ...new Set(
      options.beginWals.filter(w => WAL_NAME.test(w)).map(w => w.slice(0, 16)),
    ),
  ].sort();
  const parts = Math.max(0, Math.floor(options.parts));
  if (dirs.length === 0 || parts === 0) return [];
  if (dirs.length <= parts) return dirs;
  // Position of each directory along the archive: log distance within a timeline, one step
  // across a timeline switch.
  const positions = [0];
  for (let i = 1; i < dirs.length; i++) {
    const sameTimeline = dirs[i].slice(0, 8) === dirs[i - 1].slice(0, 8);
    const step = sameTimeline
      ? parseInt(dirs[i].slice(8), 16) - parseInt(dirs[i - 1].slice(8), 16)
      : 1;
    positions.push(positions[i - 1] + Math.max(1, step));
  }
  // The last range runs past the newest backup by about one spacing between backups.
  const span = positions[positions.length - 1] * (1 + 1 / (dirs.length - 1));
  const chosen: string[] = [];
  let next = 0;
  for (let k = 0; k < parts; k++) {
    const target = (span * k) / parts;
    while (next < dirs.length - 1 && positions[next] < target) next++;
    if (chosen[chosen.length - 1] !== dirs[next]) chosen.push(dirs[next]);
  }
  return chosen;
}
