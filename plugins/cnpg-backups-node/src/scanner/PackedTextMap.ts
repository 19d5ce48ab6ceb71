/*
 * The small texts a scan state keeps (backup.info, keep annotations, history files) as one
 * deflated block per map between scans: 100 backup.info files are ~85 KB as strings and ~4 KB
 * packed, since they repeat each other's keys and paths.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  ByteReader,
  ByteWriter,
  readNumbers,
  writeNumbers,
} from './packedColumns';
import type { CachedObjectText } from './types';

/**
 * A read-only map of cached texts held as one deflated block. Every read decodes the whole
 * block: a scan calls {@link PackedTextMap.unpack} once and reads the plain map it returns.
 */
export class PackedTextMap implements ReadonlyMap<string, CachedObjectText> {
  readonly size: number;
  readonly #packed: Uint8Array;

  private constructor(size: number, packed: Uint8Array) {
    this.size = size;
    this.#packed = packed;
  }

  /** Packs `map` (its keys, sizes, times and texts, in its order). */
  static pack(map: ReadonlyMap<string, CachedObjectText>): PackedTextMap {
    const entries = [...map];
    const out = new ByteWriter();
    out.varint(entries.length);
    for (const [key, cached] of entries) {
      out.utf8(key);
      if (cached.text === undefined) {
        out.byte(0);
      } else {
        out.byte(1);
        out.utf8(cached.text);
      }
    }
    writeNumbers(out, entries.length, i => entries[i][1].size);
    writeNumbers(out, entries.length, i => entries[i][1].lastModifiedMs);
    const packed = new Uint8Array(deflateRawSync(out.toBytes()));
    return new PackedTextMap(entries.length, packed);
  }

  /** The bytes held. */
  get packedBytes(): number {
    return this.#packed.length;
  }

  /** A plain map of fresh entries, equal to the one packed. */
  unpack(): Map<string, CachedObjectText> {
    const input = new ByteReader(inflateRawSync(this.#packed));
    const n = input.varint();
    if (n !== this.size) throw new RangeError('packed map size mismatch');
    const keys: string[] = [];
    const entries: CachedObjectText[] = [];
    for (let i = 0; i < n; i++) {
      keys.push(input.utf8());
      const hasText = input.byte() === 1;
      entries.push({
        size: 0,
        lastModifiedMs: 0,
        ...(hasText ? { text: input.utf8() } : {}),
      });
    }
    readNumbers(input, n, (i, v) => (entries[i].size = v));
    readNumbers(input, n, (i, v) => (entries[i].lastModifiedMs = v));
    if (!input.done) throw new RangeError('packed map too long');
    return new Map(keys.map((key, i) => [key, entries[i]]));
  }

  get(key: string): CachedObjectText | undefined {
    return this.unpack().get(key);
  }
  has(key: string): boolean {
    return this.unpack().has(key);
  }
  forEach(
    callback: (
      value: CachedObjectText,
      key: string,
      map: ReadonlyMap<string, CachedObjectText>,
    ) => void,
    thisArg?: unknown,
  ): void {
    this.unpack().forEach((value, key) =>
      callback.call(thisArg, value, key, this),
    );
  }
  entries(): MapIterator<[string, CachedObjectText]> {
    return this.unpack().entries();
  }
  keys(): MapIterator<string> {
    return this.unpack().keys();
  }
  values(): MapIterator<CachedObjectText> {
    return this.unpack().values();
  }
  [Symbol.iterator](): MapIterator<[string, CachedObjectText]> {
    return this.entries();
  }
}

/** The plain map to read in a scan: `map` itself, or `map` unpacked once. */
export function openTextMap(
  map: ReadonlyMap<string, CachedObjectText>,
): ReadonlyMap<string, CachedObjectText> {
  return map instanceof PackedTextMap ? map.unpack() : map;
}
