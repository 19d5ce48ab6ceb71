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
  /**
   * For `wals/<TLI><LOG>/` lists: the 16-hex directory name. WAL files named
   * `<dir><8 hex>[suffix]` are then stored as a number plus a suffix code, not as strings.
   */
  readonly #dirHex?: string;
  /** Name per slot; undefined when the slot is encoded in #segments/#suffixes. */
  #names: Array<string | undefined> = [];
  #segments = new Uint32Array(INITIAL_CAPACITY);
  #suffixes = new Uint8Array(INITIAL_CAPACITY);
  #sizes = new Float64Array(INITIAL_CAPACITY);
  #mtimes = new Float64Array(INITIAL_CAPACITY);
  #ordered = true;
  #lastPushed?: string;

  constructor(base: string) {
    this.base = base;
    const m = /^wals\/([0-9A-F]{16})\/$/.exec(base);
    if (m) this.#dirHex = m[1];
  }

  get length(): number {
    return this.#names.length;
  }

  /** Appends one object; `name` is relative to {@link CompactObjectList.base}. */
  push(name: string, size: number, lastModifiedMs: number): void {
    const i = this.#names.length;
    if (i === this.#sizes.length) this.#grow();
    if (this.#lastPushed !== undefined && !(name > this.#lastPushed)) this.#ordered = false;
    this.#lastPushed = name;
    const encoded = this.#encode(name);
    if (encoded === undefined) {
      this.#names.push(detachString(name));
    } else {
      this.#names.push(undefined);
      this.#segments[i] = encoded.segment;
      this.#suffixes[i] = encoded.suffix;
    }
    this.#sizes[i] = size;
    this.#mtimes[i] = lastModifiedMs;
  }

  name(i: number): string {
    const stored = this.#names[i];
    if (stored !== undefined) return stored;
    return (
      this.#dirHex! +
      this.#segments[i].toString(16).toUpperCase().padStart(8, '0') +
      WAL_SUFFIXES[this.#suffixes[i]]
    );
  }
  size(i: number): number {
    return this.#sizes[i];
  }
  lastModifiedMs(i: number): number {
    return this.#mtimes[i];
  }
  /** Greatest name, or undefined when empty (after {@link CompactObjectList.finish}). */
  lastName(): string | undefined {
    return this.#names.length ? this.name(this.#names.length - 1) : undefined;
  }

  /**
   * Sorts by name and drops duplicate names (a key listed twice across pages), keeping the
   * last occurrence. Returns how many duplicates were dropped.
   */
  finish(): number {
    if (this.#ordered) return 0;
    const n = this.#names.length;
    const names = Array.from({ length: n }, (_, i) => this.name(i));
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : a - b));
    const rebuilt = new CompactObjectList(this.base);
    for (let k = 0; k < n; k++) {
      const i = order[k];
      if (k + 1 < n && names[order[k + 1]] === names[i]) continue;
      rebuilt.push(names[i], this.#sizes[i], this.#mtimes[i]);
    }
    const dropped = n - rebuilt.length;
    this.#adopt(rebuilt);
    return dropped;
  }

  /** A copy that later appends do not affect (for incremental scans). */
  clone(): CompactObjectList {
    const copy = new CompactObjectList(this.base);
    copy.#adopt(this);
    copy.#names = this.#names.slice();
    copy.#segments = this.#segments.slice();
    copy.#suffixes = this.#suffixes.slice();
    copy.#sizes = this.#sizes.slice();
    copy.#mtimes = this.#mtimes.slice();
    return copy;
  }

  /** Appends lightweight {@link ArchiveObject} views (keys built on access) to `out`, minus `skip` keys. */
  appendViews(out: ArchiveObject[], skip?: ReadonlySet<string>): void {
    for (let i = 0; i < this.#names.length; i++) {
      if (skip?.size && skip.has(this.base + this.name(i))) continue;
      out.push(new ArchiveObjectView(this, i));
    }
  }

  #adopt(other: CompactObjectList) {
    this.#names = other.#names;
    this.#segments = other.#segments;
    this.#suffixes = other.#suffixes;
    this.#sizes = other.#sizes;
    this.#mtimes = other.#mtimes;
    this.#ordered = other.#ordered;
    this.#lastPushed = other.#lastPushed;
  }

  #encode(name: string): { segment: number; suffix: number } | undefined {
    const dir = this.#dirHex;
    if (dir === undefined || name.length < 24 || !name.startsWith(dir)) return undefined;
    const hex = name.slice(16, 24);
    if (!/^[0-9A-F]{8}$/.test(hex)) return undefined;
    const suffix = WAL_SUFFIXES.indexOf(name.slice(24));
    if (suffix < 0) return undefined;
    return { segment: parseInt(hex, 16), suffix };
  }

  #grow() {
    const capacity = this.#sizes.length * 2;
    const segments = new Uint32Array(capacity);
    segments.set(this.#segments);
    this.#segments = segments;
    const suffixes = new Uint8Array(capacity);
    suffixes.set(this.#suffixes);
    this.#suffixes = suffixes;
    const sizes = new Float64Array(capacity);
    sizes.set(this.#sizes);
    this.#sizes = sizes;
    const mtimes = new Float64Array(capacity);
    mtimes.set(this.#mtimes);
    this.#mtimes = mtimes;
  }
}

/** Suffixes of plain WAL segment files that are stored as codes (index = code). */
const WAL_SUFFIXES = ['', '.gz', '.bz2', '.xz', '.snappy', '.zst', '.lz4'];

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
