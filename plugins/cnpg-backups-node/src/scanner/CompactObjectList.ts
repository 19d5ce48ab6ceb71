/**
 * A compact, append-only list of listed S3 objects: names in one array, sizes and
 * LastModified times in typed arrays. A million WAL keys cost about 70 MB here, against
 * several hundred MB as SDK response objects.
 */
import type { ArchiveObject } from '@cnpg-backups/plugin-cnpg-backups-common';

const INITIAL_CAPACITY = 64;

/**
 * Copies a string into fresh storage. Strings the SDK's XML parser hands out are slices of
 * the whole response body; keeping one slice alive keeps the ~300 KB body alive, so a long
 * listing would retain every page it read. Short strings (under 13 chars) are never sliced.
 */
export function detachString(value: string): string {
  return value.length < 13 ? value : Buffer.from(value, 'utf8').toString('utf8');
}

/**
 * Objects under one base key (`wals/0000000100000000/`, `base/`, `wals/`), names relative
 * to it. Appends are O(1); {@link CompactObjectList.finish} sorts and removes duplicates
 * only when the input was not already strictly ascending (S3 lists in key order).
 */
export class CompactObjectList {
  readonly base: string;
  #names: string[] = [];
  #sizes = new Float64Array(INITIAL_CAPACITY);
  #mtimes = new Float64Array(INITIAL_CAPACITY);
  #ordered = true;

  constructor(base: string) {
    this.base = base;
  }

  get length(): number {
    return this.#names.length;
  }

  /** Appends one object; `name` is relative to {@link CompactObjectList.base}. */
  push(name: string, size: number, lastModifiedMs: number): void {
    const i = this.#names.length;
    if (i === this.#sizes.length) this.#grow();
    if (i > 0 && !(name > this.#names[i - 1])) this.#ordered = false;
    this.#names.push(detachString(name));
    this.#sizes[i] = size;
    this.#mtimes[i] = lastModifiedMs;
  }

  name(i: number): string {
    return this.#names[i];
  }
  size(i: number): number {
    return this.#sizes[i];
  }
  lastModifiedMs(i: number): number {
    return this.#mtimes[i];
  }
  /** Greatest name, or undefined when empty (after {@link CompactObjectList.finish}). */
  lastName(): string | undefined {
    return this.#names[this.#names.length - 1];
  }

  /**
   * Sorts by name and drops duplicate names (a key listed twice across pages), keeping the
   * last occurrence. Returns how many duplicates were dropped.
   */
  finish(): number {
    if (this.#ordered) return 0;
    const n = this.#names.length;
    const order = Array.from({ length: n }, (_, i) => i);
    const names = this.#names;
    order.sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : a - b));
    const outNames: string[] = [];
    const outSizes = new Float64Array(Math.max(INITIAL_CAPACITY, n));
    const outMtimes = new Float64Array(Math.max(INITIAL_CAPACITY, n));
    for (let k = 0; k < n; k++) {
      const i = order[k];
      const isDuplicateOfNext = k + 1 < n && names[order[k + 1]] === names[i];
      if (isDuplicateOfNext) continue;
      const j = outNames.length;
      outNames.push(names[i]);
      outSizes[j] = this.#sizes[i];
      outMtimes[j] = this.#mtimes[i];
    }
    const dropped = n - outNames.length;
    this.#names = outNames;
    this.#sizes = outSizes;
    this.#mtimes = outMtimes;
    this.#ordered = true;
    return dropped;
  }

  /** A copy that later appends do not affect (for incremental scans). */
  clone(): CompactObjectList {
    const copy = new CompactObjectList(this.base);
    copy.#names = this.#names.slice();
    copy.#sizes = this.#sizes.slice();
    copy.#mtimes = this.#mtimes.slice();
    copy.#ordered = this.#ordered;
    return copy;
  }

  /** Appends lightweight {@link ArchiveObject} views (keys built on access) to `out`, minus `skip` keys. */
  appendViews(out: ArchiveObject[], skip?: ReadonlySet<string>): void {
    for (let i = 0; i < this.#names.length; i++) {
      if (skip?.has(this.base + this.#names[i])) continue;
      out.push(new ArchiveObjectView(this, i));
    }
  }

  #grow() {
    const sizes = new Float64Array(this.#sizes.length * 2);
    sizes.set(this.#sizes);
    this.#sizes = sizes;
    const mtimes = new Float64Array(this.#mtimes.length * 2);
    mtimes.set(this.#mtimes);
    this.#mtimes = mtimes;
  }
}

/**
 * An {@link ArchiveObject} backed by a {@link CompactObjectList} slot: two fields per
 * object instead of three strings, which is what keeps a million-key catalog build small.
 */
class ArchiveObjectView implements ArchiveObject {
  readonly #list: CompactObjectList;
  readonly #index: number;
  constructor(list: CompactObjectList, index: number) {
    this.#list = list;
    this.#index = index;
  }
  get key(): string {
    return this.#list.base + this.#list.name(this.#index);
  }
  get size(): number {
    return this.#list.size(this.#index);
  }
  get lastModified(): string {
    const ms = this.#list.lastModifiedMs(this.#index);
    // A store that omits LastModified gives NaN; '' means "unknown" to the builder.
    return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
  }
  toJSON(): ArchiveObject {
    return { key: this.key, size: this.size, lastModified: this.lastModified };
  }
}
