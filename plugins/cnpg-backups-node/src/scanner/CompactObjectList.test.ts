import { CompactObjectList, detachString } from './CompactObjectList';

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

  it('detachString returns an equal string', () => {
    const s = `${'x'.repeat(100)}/000000010000000000000001.gz`.slice(101);
    expect(detachString(s)).toBe('000000010000000000000001.gz');
    expect(detachString('short')).toBe('short');
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
