import { CompactObjectList } from './CompactObjectList';

describe('CompactObjectList', () => {
  it('keeps ascending input as is and builds ArchiveObject views', () => {
    const list = new CompactObjectList('wals/0000000100000000/');
    for (let i = 0; i < 200; i++) {
      list.push(
        `00000001000000000000${i
          .toString(16)
          .toUpperCase()
          .padStart(4, '0')}.gz`,
        i,
        Date.UTC(2026, 0, 1, 0, 0, i),
      );
    }
    expect(list.finish()).toBe(0);
    expect(list.length).toBe(200);
    const views: any[] = [];
    list.appendViews(views);
    expect(views[3].key).toBe(
      'wals/0000000100000000/000000010000000000000003.gz',
    );
    expect(views[3].size).toBe(3);
    expect(views[3].lastModified).toBe('2026-01-01T00:00:03.000Z');
    expect(JSON.parse(JSON.stringify(views[3]))).toEqual({
      key: 'wals/0000000100000000/000000010000000000000003.gz',
      size: 3,
      lastModified: '2026-01-01T00:00:03.000Z',
    });
  });

  it('sorts out-of-order input and drops keys listed twice', () => {
    const list = new CompactObjectList('base/');
    list.push('b', 1, 0);
    list.push('c', 2, 0);
    list.push('c', 3, 0);
    list.push('a', 4, 0);
    expect(list.finish()).toBe(1);
    expect([0, 1, 2].map(i => [list.name(i), list.size(i)])).toEqual([
      ['a', 4],
      ['b', 1],
      ['c', 3],
    ]);
    expect(list.lastName()).toBe('c');
  });

  it('clones independently and skips given keys', () => {
    const list = new CompactObjectList('base/');
    list.push('x', 1, 0);
    const copy = list.clone();
    copy.push('y', 2, 0);
    expect(list.length).toBe(1);
    expect(copy.length).toBe(2);
    const views: any[] = [];
    copy.appendViews(views, new Set(['base/x']));
    expect(views.map(v => v.key)).toEqual(['base/y']);
  });

  it('reports an unknown LastModified as an empty string', () => {
    const list = new CompactObjectList('wals/');
    list.push('00000002.history', 10, NaN);
    const views: any[] = [];
    list.appendViews(views);
    expect(views[0].lastModified).toBe('');
  });
});

describe('archiveObjectsOf', () => {
  it('presents several lists as one read-only array of ArchiveObjects', () => {
    const { archiveObjectsOf } = jest.requireActual('./CompactObjectList');
    const a = new CompactObjectList('base/');
    a.push('20260101T000000/backup.info', 100, Date.UTC(2026, 0, 1));
    const empty = new CompactObjectList('wals/');
    const b = new CompactObjectList('wals/0000000100000000/');
    b.push('000000010000000000000001.gz', 5, Date.UTC(2026, 0, 2));
    b.push('000000010000000000000002.partial', 6, Date.UTC(2026, 0, 3));
    const objects = archiveObjectsOf([a, empty, b]);
    expect(Array.isArray(objects)).toBe(true);
    expect(objects.length).toBe(3);
    expect(objects[2].key).toBe(
      'wals/0000000100000000/000000010000000000000002.partial',
    );
    expect(objects[0].size).toBe(100);
    expect(objects[5]).toBeUndefined();
    expect(objects.map((o: any) => o.key)).toEqual([
      'base/20260101T000000/backup.info',
      'wals/0000000100000000/000000010000000000000001.gz',
      'wals/0000000100000000/000000010000000000000002.partial',
    ]);
    expect([...objects].map((o: any) => o.lastModified)[1]).toBe(
      '2026-01-02T00:00:00.000Z',
    );
    expect(JSON.parse(JSON.stringify(objects))[0]).toEqual({
      key: 'base/20260101T000000/backup.info',
      size: 100,
      lastModified: '2026-01-01T00:00:00.000Z',
    });
    expect(() => {
      'use strict';
      (objects as any)[0] = 1;
    }).toThrow(TypeError);
  });

  it('encodes WAL names compactly but returns them exactly, including odd ones', () => {
    const list = new CompactObjectList('wals/00000002000000AB/');
    const names = [
      '00000002000000AB000000FF.zst',
      '00000002000000AB000000FF.lz4',
      '00000002000000AB00000010',
      '00000002000000ab00000011.gz', // lower case: kept as a string
      '00000002000000AB00000012.00000028.backup.gz',
      'junk.txt',
    ];
    names.forEach((n, i) => list.push(n, i, 0));
    list.finish();
    expect(Array.from({ length: list.length }, (_, i) => list.name(i))).toEqual(
      [...names].sort(),
    );
  });
});

describe('CompactObjectList.pack', () => {
  const dump = (list: CompactObjectList) =>
    Array.from({ length: list.length }, (_, i) => [
      list.name(i),
      list.size(i),
      list.lastModifiedMs(i),
    ]);
  /** Packs a copy and checks that reading it back gives exactly the same objects. */
  const roundTrip = (list: CompactObjectList) => {
    const expected = dump(list);
    const copy = list.clone();
    const bytes = copy.pack();
    expect(copy.packed).toBe(true);
    expect(copy.length).toBe(list.length);
    // Object.is per field: NaN, -0 and huge numbers must come back bit for bit.
    const actual = dump(copy);
    // Reading unpacked it (an empty list has nothing to read).
    expect(copy.packed).toBe(list.length === 0);
    expect(actual.length).toBe(expected.length);
    actual.forEach((row, i) =>
      row.forEach((v, k) => expect(Object.is(v, expected[i][k])).toBe(true)),
    );
    return bytes;
  };
  const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

  it('keeps a hash directory of 256 segments in a few bytes when sizes and times are regular', () => {
    const list = new CompactObjectList('wals/0000000100000000/');
    for (let s = 0; s < 256; s++)
      list.push(
        `0000000100000000${hex8(s)}.gz`,
        16 * 1024 * 1024,
        Date.UTC(2026, 0, 1) + s * 60_000,
      );
    expect(roundTrip(list)).toBeLessThan(64);
  });

  it('keeps real-looking WAL (varying compressed sizes, times in whole seconds) at a few bytes each', () => {
    const list = new CompactObjectList('wals/0000000100000003/');
    let t = Date.UTC(2026, 0, 1);
    for (let s = 0; s < 256; s++) {
      t += (45 + ((s * 7919) % 31)) * 1000;
      list.push(
        `0000000100000003${hex8(s)}.gz`,
        2_000_000 + ((s * 2654435761) % 9_000_000),
        t,
      );
    }
    // 21 bytes per object unpacked.
    expect(roundTrip(list)).toBeLessThan(256 * 6);
  });

  it('round-trips odd input exactly: non-WAL names, huge and fractional sizes, NaN, -0, negative, unordered', () => {
    const list = new CompactObjectList('wals/00000002000000AB/');
    const rows: Array<[string, number, number]> = [
      ['00000002000000AB000000FF.zst', 2 ** 60, NaN],
      ['00000002000000AB00000010', -0, -0],
      ['00000002000000ab00000011.gz', 1.5, 1_700_000_000_123],
      ['00000002000000AB00000012.00000028.backup.gz', -7, -1],
      ['junk ü ✓ 日本.txt', Number.MAX_VALUE, Infinity],
      ['00000002000000AB00000001.gz', 2 ** 50, -(2 ** 50)],
      ['00000002000000AB00000002.gz', 2 ** 50 + 1, -Infinity],
      ['00000002000000AB00000002.gz', 0, 0], // a duplicate name, before finish()
    ];
    for (const [n, size, t] of rows) list.push(n, size, t);
    expect(roundTrip(list)).toBeGreaterThan(0);
    list.finish();
    expect(roundTrip(list)).toBeGreaterThan(0);
  });

  it('round-trips empty lists, lists of names only, and a single object', () => {
    expect(roundTrip(new CompactObjectList('wals/'))).toBeGreaterThan(0);
    const top = new CompactObjectList('wals/');
    top.push('00000002.history', 42, Date.UTC(2026, 0, 1, 0, 0, 0, 7));
    expect(roundTrip(top)).toBeGreaterThan(0);
    const base = new CompactObjectList('base/');
    for (let i = 0; i < 100; i++)
      base.push(`2026010${i % 9}T00000${i % 10}/backup.info`, 900 + i, i);
    expect(roundTrip(base)).toBeGreaterThan(0);
  });

  it('round-trips random input', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const specials = [NaN, -0, Infinity, 2 ** 53, 0.1, -3];
    for (let round = 0; round < 20; round++) {
      const list = new CompactObjectList('wals/0000000100000007/');
      const n = Math.floor(rnd() * 300);
      for (let i = 0; i < n; i++) {
        const name =
          rnd() < 0.9
            ? `0000000100000007${hex8(Math.floor(rnd() * 2 ** 32))}${
                ['', '.gz', '.bz2', '.xz'][Math.floor(rnd() * 4)]
              }`
            : `x${Math.floor(rnd() * 1000)}`;
        const pick = (scale: number) =>
          rnd() < 0.05
            ? specials[Math.floor(rnd() * specials.length)]
            : Math.floor(rnd() * scale) * (rnd() < 0.5 ? 1000 : 1);
        list.push(name, pick(2 ** 40), pick(2 ** 41));
      }
      expect(roundTrip(list)).toBeGreaterThan(0);
      if (rnd() < 0.5) list.finish();
      expect(roundTrip(list)).toBeGreaterThan(0);
    }
  });

  it('reads, clones, appends and finishes a packed list as if it were not packed', () => {
    const list = new CompactObjectList('wals/0000000100000000/');
    list.push('000000010000000000000002.gz', 2, 2000);
    list.push('000000010000000000000001.gz', 1, 1000);
    list.pack();
    const copy = list.clone();
    expect(list.packed).toBe(true);
    expect(copy.packed).toBe(true);
    copy.push('000000010000000000000003.gz', 3, 3000);
    expect(copy.finish()).toBe(0);
    expect(dump(copy)).toEqual([
      ['000000010000000000000001.gz', 1, 1000],
      ['000000010000000000000002.gz', 2, 2000],
      ['000000010000000000000003.gz', 3, 3000],
    ]);
    // The original is unchanged, and still unordered until its own finish().
    expect(list.length).toBe(2);
    expect(list.finish()).toBe(0);
    expect(list.lastName()).toBe('000000010000000000000002.gz');
    const appended = new CompactObjectList('wals/0000000100000000/');
    list.pack();
    appended.appendFrom(list);
    expect(dump(appended)).toEqual(dump(list));
    list.pack();
    expect(list.filter(n => n.endsWith('1.gz')).length).toBe(1);
    list.pack();
    const views: any[] = [];
    list.appendViews(views);
    expect(views.map(v => v.size)).toEqual([1, 2]);
    // Packing again after a read reuses the bytes; after a push it packs the new content.
    const before = list.pack();
    list.push('000000010000000000000009.gz', 9, 9000);
    expect(list.pack()).toBeGreaterThanOrEqual(before);
    expect(list.lastName()).toBe('000000010000000000000009.gz');
    list.push('000000010000000000000008.gz', 8, 8000);
    expect(list.finish()).toBe(0);
    expect(list.name(2)).toBe('000000010000000000000008.gz');
  });
});
