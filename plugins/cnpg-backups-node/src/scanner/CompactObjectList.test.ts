import { CompactObjectList, detachString } from './CompactObjectList';

describe('CompactObjectList', () => {
  it('keeps ascending input as is and builds ArchiveObject views', () => {
    const list = new CompactObjectList('wals/0000000100000000/');
    for (let i = 0; i < 200; i++) {
      list.push(`00000001000000000000${i.toString(16).toUpperCase().padStart(4, '0')}.gz`, i, Date.UTC(2026, 0, 1, 0, 0, i));
    }
    expect(list.finish()).toBe(0);
    expect(list.length).toBe(200);
    const views: any[] = [];
    list.appendViews(views);
    expect(views[3].key).toBe('wals/0000000100000000/000000010000000000000003.gz');
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
