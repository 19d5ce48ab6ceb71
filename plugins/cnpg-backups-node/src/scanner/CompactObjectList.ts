/**
 * A compact, append-only list of listed S3 objects: names in one array, sizes and
 * LastModified times in typed arrays. A million WAL keys cost about 70 MB here, against
 * several hundred MB as SDK response objects.
 */
import type { ArchiveObject } from '@cnpg-backups/plugin-cnpg-backups-common';
import { ownString } from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  ByteReader,
  ByteWriter,
  readNumbers,
  writeNumbers,
} from './packedColumns';

const INITIAL_CAPACITY = 64;
const NO_SEGMENTS = new Uint32Array(0);
const NO_SUFFIXES = new Uint8Array(0);
const NO_NUMBERS = new Float64Array(0);
const PACK_ORDERED = 1;
const PACK_NAMES = 2;

const HEX_BYTE = Array.from({ length: 256 }, (_, b) =>
  b.toString(16).toUpperCase().padStart(2, '0'),
);

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

/**
 * Objects under one base key (`wals/0000000100000000/`, `base/`, `wals/`), names relative
 * to it. Appends are O(1); {@link CompactObjectList.finish} sorts and removes duplicates
 * only when the input was not already strictly ascending (S3 lists in key order).
 *
 * {@link CompactObjectList.pack} stores a list that is kept but not read (a scan state between
 * scans) as a few bytes per object (see packedColumns.ts); the next read unpacks it.
 * @public
 */
export class CompactObjectList {
  readonly base: string;
  /**
   * For `wals/<TLI><LOG>/` lists: the 16-hex directory name. WAL files named
   * `<dir><8 hex>[suffix]` are then stored as a number plus a suffix code, not as strings.
   */
  readonly #dirHex?: string;
  /** Name per slot; undefined when the slot is encoded in #segments/#suffixes. */
  #names?: Array<string | undefined>;
  #length = 0;
  #segments = new Uint32Array(INITIAL_CAPACITY);
  #suffixes = new Uint8Array(INITIAL_CAPACITY);
  #sizes = new Float64Array(INITIAL_CAPACITY);
  #mtimes = new Float64Array(INITIAL_CAPACITY);
  #ordered = true;
  #lastPushed?: string;
  #encodedSuffix = 0;
  /** The packed form of the current content, once {@link CompactObjectList.pack} made it. */
  #packed?: Uint8Array;
  /** True while only #packed holds the content (the arrays are dropped). */
  #dormant = false;

  constructor(base: string) {
    this.base = base;
    const m = /^wals\/([0-9A-F]{16})\/$/.exec(base);
    if (m) this.#dirHex = m[1];
  }

  get length(): number {
    return this.#length;
  }

  /** Appends one object; `name` is relative to {@link CompactObjectList.base}. */
  push(name: string, size: number, lastModifiedMs: number): void {
    if (this.#dormant) this.#unpack();
    this.#packed = undefined;
    const i = this.#length;
    if (i === this.#sizes.length) this.#grow();
    if (this.#lastPushed !== undefined && !(name > this.#lastPushed))
      this.#ordered = false;
    this.#lastPushed = name;
    const segment = this.#encode(name);
    if (segment < 0) {
      // Allocated on the first name that cannot be encoded: a hash directory of plain WAL
      // segments never needs it.
      this.#names ??= new Array<string | undefined>(i).fill(undefined);
      // Our own copy: a name the SDK's XML parser hands out is a slice of the whole ~300 KB
      // response body, and keeping it would keep every page of a long listing alive.
      this.#names.push(ownString(name));
    } else {
      this.#names?.push(undefined);
      this.#segments[i] = segment;
      this.#suffixes[i] = this.#encodedSuffix;
    }
    this.#sizes[i] = size;
    this.#mtimes[i] = lastModifiedMs;
    this.#length = i + 1;
  }

  name(i: number): string {
    if (this.#dormant) this.#unpack();
    const stored = this.#names?.[i];
    if (stored !== undefined) return stored;
    const segment = this.#segments[i];
    return (
      this.#dirHex! +
      HEX_BYTE[segment >>> 24] +
      HEX_BYTE[(segment >>> 16) & 255] +
      HEX_BYTE[(segment >>> 8) & 255] +
      HEX_BYTE[segment & 255] +
      WAL_SUFFIXES[this.#suffixes[i]]
    );
  }
  size(i: number): number {
    if (this.#dormant) this.#unpack();
    return this.#sizes[i];
  }
  lastModifiedMs(i: number): number {
    if (this.#dormant) this.#unpack();
    return this.#mtimes[i];
  }
  /** Greatest name, or undefined when empty (after {@link CompactObjectList.finish}). */
  lastName(): string | undefined {
    return this.#length ? this.name(this.#length - 1) : undefined;
  }

  /**
   * Sorts by name and drops duplicate names (a key listed twice across pages), keeping the
   * last occurrence. Returns how many duplicates were dropped.
   */
  finish(): number {
    if (this.#ordered) return 0;
    if (this.#dormant) this.#unpack();
    const n = this.#length;
    const names = Array.from({ length: n }, (_, i) => this.name(i));
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => {
      if (names[a] === names[b]) return a - b;
      return names[a] < names[b] ? -1 : 1;
    });
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
    // A packed list's arrays are empty: the copy shares its bytes and unpacks them on its own.
    const copy = new CompactObjectList(this.base);
    copy.#adopt(this);
    copy.#names = this.#names?.slice();
    copy.#segments = this.#segments.slice();
    copy.#suffixes = this.#suffixes.slice();
    copy.#sizes = this.#sizes.slice();
    copy.#mtimes = this.#mtimes.slice();
    return copy;
  }

  /** Appends every object of `other` (names relative to this list's base, which must be the same). */
  appendFrom(other: CompactObjectList): void {
    if (other.#dormant) other.#unpack();
    for (let i = 0; i < other.#length; i++) {
      this.push(other.name(i), other.#sizes[i], other.#mtimes[i]);
    }
  }

  /** A copy holding only the objects whose name passes `keep`. */
  filter(keep: (name: string) => boolean): CompactObjectList {
    const copy = new CompactObjectList(this.base);
    for (let i = 0; i < this.#length; i++) {
      const name = this.name(i);
      if (keep(name)) copy.push(name, this.#sizes[i], this.#mtimes[i]);
    }
    return copy;
  }

  /** Appends lightweight `ArchiveObject` views (keys built on access) to `out`, minus `skip` keys. */
  appendViews(out: ArchiveObject[], skip?: ReadonlySet<string>): void {
    for (let i = 0; i < this.#length; i++) {
      if (skip?.size && skip.has(this.base + this.name(i))) continue;
      out.push(new ArchiveObjectView(this, i));
    }
  }

  /** A copy without the given keys (full keys: base + name). */
  without(skip: ReadonlySet<string>): CompactObjectList {
    if (skip.size === 0) return this;
    const copy = new CompactObjectList(this.base);
    for (let i = 0; i < this.#length; i++) {
      const name = this.name(i);
      if (!skip.has(this.base + name))
        copy.push(name, this.#sizes[i], this.#mtimes[i]);
    }
    return copy;
  }

  #adopt(other: CompactObjectList) {
    this.#packed = other.#packed;
    this.#dormant = other.#dormant;
    this.#names = other.#names;
    this.#length = other.#length;
    this.#segments = other.#segments;
    this.#suffixes = other.#suffixes;
    this.#sizes = other.#sizes;
    this.#mtimes = other.#mtimes;
    this.#ordered = other.#ordered;
    this.#lastPushed = other.#lastPushed;
  }

  /**
   * The segment number of `<dir><8 hex><suffix>`, written to #encodedSuffix, or -1. Runs once
   * per listed key, so it allocates nothing.
   */
  #encode(name: string): number {
    const dir = this.#dirHex;
    if (dir === undefined || name.length < 24 || !name.startsWith(dir))
      return -1;
    let segment = 0;
    for (let p = 16; p < 24; p++) {
      const c = name.charCodeAt(p);
      let digit = -1;
      if (c >= 48 && c <= 57) digit = c - 48;
      else if (c >= 65 && c <= 70) digit = c - 55;
      if (digit < 0) return -1;
      segment = segment * 16 + digit;
    }
    const rest = name.length - 24;
    for (let code = 0; code < WAL_SUFFIXES.length; code++) {
      const suffix = WAL_SUFFIXES[code];
      if (suffix.length === rest && (rest === 0 || name.endsWith(suffix))) {
        this.#encodedSuffix = code;
        return segment;
      }
    }
    return -1;
  }

  /**
   * Keeps the content as packed bytes only (a few per object: names of plain WAL segments as
   * number deltas, sizes and times as deltas, runs where they repeat) and drops the arrays.
   * Reads and appends unpack it again, exactly. Returns the packed size in bytes.
   */
  pack(): number {
    if (!this.#dormant) {
      this.#packed ??= this.#encodePacked();
      this.#dormant = true;
      this.#names = undefined;
      this.#segments = NO_SEGMENTS;
      this.#suffixes = NO_SUFFIXES;
      this.#sizes = NO_NUMBERS;
      this.#mtimes = NO_NUMBERS;
      this.#lastPushed = undefined;
    }
    return this.#packed!.length;
  }

  /** Whether the list is held packed right now (see {@link CompactObjectList.pack}). */
  get packed(): boolean {
    return this.#dormant;
  }

  #encodePacked(): Uint8Array {
    const n = this.#length;
    const out = new ByteWriter();
    const names = this.#names;
    out.byte((this.#ordered ? PACK_ORDERED : 0) | (names ? PACK_NAMES : 0));
    out.varint(n);
    if (names) {
      for (let i = 0; i < n; i++) {
        const name = names[i];
        if (name === undefined) {
          out.byte(0);
        } else {
          out.byte(1);
          out.utf8(name);
        }
      }
    }
    writeNumbers(out, n, i => this.#segments[i]);
    writeNumbers(out, n, i => this.#suffixes[i]);
    writeNumbers(out, n, i => this.#sizes[i]);
    writeNumbers(out, n, i => this.#mtimes[i]);
    return out.toBytes();
  }

  #unpack() {
    const input = new ByteReader(this.#packed!);
    const flags = input.byte();
    const n = input.varint();
    if (n !== this.#length) throw new RangeError('packed length mismatch');
    const capacity = Math.max(n, 1);
    let names: Array<string | undefined> | undefined;
    if (flags & PACK_NAMES) {
      names = new Array<string | undefined>(n);
      for (let i = 0; i < n; i++)
        names[i] = input.byte() === 1 ? input.utf8() : undefined;
    }
    const segments = new Uint32Array(capacity);
    const suffixes = new Uint8Array(capacity);
    const sizes = new Float64Array(capacity);
    const mtimes = new Float64Array(capacity);
    readNumbers(input, n, (i, v) => (segments[i] = v));
    readNumbers(input, n, (i, v) => (suffixes[i] = v));
    readNumbers(input, n, (i, v) => (sizes[i] = v));
    readNumbers(input, n, (i, v) => (mtimes[i] = v));
    if (!input.done) throw new RangeError('packed data too long');
    this.#names = names;
    this.#segments = segments;
    this.#suffixes = suffixes;
    this.#sizes = sizes;
    this.#mtimes = mtimes;
    this.#ordered = (flags & PACK_ORDERED) !== 0;
    this.#dormant = false;
    this.#lastPushed = n > 0 ? this.name(n - 1) : undefined;
  }

  #grow() {
    const capacity = Math.max(INITIAL_CAPACITY, this.#sizes.length * 2);
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

/**
 * The objects of several lists as one read-only `ArchiveObject[]`, without an object per
 * entry: `objects[i]` makes a small view on access, which is garbage as soon as the caller
 * has read its fields. For a million WAL keys this saves ~50 MB of live views while the
 * catalog is built. It behaves as an array for indexing, `length`, iteration and
 * `Array.isArray`; it cannot be written to.
 * @internal
 */
export function archiveObjectsOf(
  lists: readonly CompactObjectList[],
): ArchiveObject[] {
  const nonEmpty = lists.filter(l => l.length > 0);
  const starts = new Float64Array(nonEmpty.length + 1);
  for (let k = 0; k < nonEmpty.length; k++)
    starts[k + 1] = starts[k] + nonEmpty[k].length;
  const total = starts[nonEmpty.length];
  let lastList = 0;
  const at = (index: number): ArchiveObject | undefined => {
    if (!(index >= 0 && index < total)) return undefined;
    // Callers mostly walk in order: try the list of the previous access first.
    let k = lastList;
    if (!(index >= starts[k] && index < starts[k + 1])) {
      let lo = 0;
      let hi = nonEmpty.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid] <= index) lo = mid;
        else hi = mid - 1;
      }
      k = lo;
      lastList = k;
    }
    return new ArchiveObjectView(nonEmpty[k], index - starts[k]);
  };
  const isIndex = (prop: string | symbol): prop is string =>
    typeof prop === 'string' &&
    prop.length > 0 &&
    prop.length < 16 &&
    /^(0|[1-9]\d*)$/.test(prop);
  return new Proxy([] as ArchiveObject[], {
    get(target, prop, receiver) {
      if (prop === 'length') return total;
      if (isIndex(prop)) return at(Number(prop));
      return Reflect.get(target, prop, receiver);
    },
    has(target, prop) {
      if (isIndex(prop)) return Number(prop) < total;
      return Reflect.has(target, prop);
    },
    set() {
      return false;
    },
    deleteProperty() {
      return false;
    },
    ownKeys() {
      return [...Array.from({ length: total }, (_, i) => String(i)), 'length'];
    },
    getOwnPropertyDescriptor(_target, prop) {
      // Must match the target's own (writable, non-configurable) length to satisfy Proxy invariants.
      if (prop === 'length')
        return {
          value: total,
          writable: true,
          enumerable: false,
          configurable: false,
        };
      if (isIndex(prop) && Number(prop) < total) {
        return {
          value: at(Number(prop)),
          writable: false,
          enumerable: true,
          configurable: true,
        };
      }
      return undefined;
    },
  });
}
