import { buildCatalog } from './buildCatalog';
import { ArchiveBuilder, wal } from './__testUtils__/archive';
import type { BarmanCatalog } from './types';

/*
 * barman-cloud-wal-restore fetches `wals/<first 16 hex digits of the name>/<name>[.ext]`
 * (history files: `wals/<name>[.ext]`). A WAL file anywhere else cannot be restored, so it
 * must not count toward continuity, and a diagnosis names it.
 */
const ids = (catalog: BarmanCatalog) =>
  catalog.diagnoses.map(d => `${d.severity}:${d.id}`);

function archive() {
  return new ArchiveBuilder()
    .backup('20260101T000100', { begin: 2 })
    .segments(1, 1, 10, [5]);
}

describe('buildCatalog: WAL files where barman-cloud-wal-restore does not look', () => {
  it('a segment in the wrong hash folder is not counted: the gap stays, and misplaced-wal names the key', () => {
    const a = archive();
    const name = wal(1, 5);
    a.objects.push({
      key: `wals/0000000100000001/${name}.gz`,
      size: 1000,
      lastModified: '2026-01-01T00:30:00.000Z',
    });
    const catalog = buildCatalog(a.input());
    expect(catalog.wal.timelines[0].gaps).toEqual([
      { firstMissing: name, lastMissing: name, count: 1 },
    ]);
    expect(catalog.wal.timelines[0].segmentCount).toBe(9);
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(wal(1, 4));
    expect(ids(catalog)).toEqual(['error:wal-gap', 'error:misplaced-wal']);
    const d = catalog.diagnoses.find(x => x.id === 'misplaced-wal')!;
    expect(d.message).toMatch(
      /1 WAL file .*not where barman-cloud-wal-restore looks/,
    );
    expect(d.evidence).toEqual([
      `wals/0000000100000001/${name}.gz (barman-cloud-wal-restore reads wals/0000000100000000/${name}.gz)`,
    ]);
    expect(d.fixSnippet).toContain(
      `aws s3 mv s3://bucket/prefix/orders-db/wals/0000000100000001/${name}.gz s3://bucket/prefix/orders-db/wals/0000000100000000/${name}.gz`,
    );
  });

  it('a segment directly under wals/ is not counted either', () => {
    const a = archive();
    a.objects.push({
      key: `wals/${wal(1, 5)}.gz`,
      size: 1000,
      lastModified: '2026-01-01T00:30:00.000Z',
    });
    const catalog = buildCatalog(a.input());
    expect(catalog.wal.timelines[0].gaps).toHaveLength(1);
    expect(ids(catalog)).toContain('error:misplaced-wal');
  });

  it('a misplaced copy of a segment that is also in the right place is only a warning', () => {
    const a = new ArchiveBuilder()
      .backup('20260101T000100', { begin: 2 })
      .segments(1, 1, 10);
    a.objects.push({
      key: `wals/0000000200000000/${wal(1, 5)}.gz`,
      size: 1000,
      lastModified: '2026-01-01T00:30:00.000Z',
    });
    const catalog = buildCatalog(a.input());
    expect(catalog.wal.timelines[0].gaps).toEqual([]);
    expect(ids(catalog)).toEqual(['warning:misplaced-wal']);
  });

  it("a history file inside a hash folder does not count as the timeline's history file", () => {
    const a = new ArchiveBuilder()
      .backup('20260101T000100', { timeline: 2, begin: 3 })
      .segments(2, 3, 6);
    a.objects.push({
      key: 'wals/0000000200000000/00000002.history.gz',
      size: 60,
      lastModified: '2026-01-01T00:30:00.000Z',
    });
    const catalog = buildCatalog(a.input());
    expect(ids(catalog)).toEqual(
      expect.arrayContaining([
        'error:missing-history-file',
        'error:misplaced-wal',
      ]),
    );
  });

  it('bounds the evidence and counts every misplaced key', () => {
    const a = new ArchiveBuilder()
      .backup('20260101T000100', { begin: 1 })
      .segments(1, 1, 100);
    for (let i = 1; i <= 100; i++) {
      a.objects.push({
        key: `wals/FFFFFFFF00000000/${wal(1, i)}.gz`,
        size: 1000,
        lastModified: '2026-01-01T03:00:00.000Z',
      });
    }
    const catalog = buildCatalog(a.input());
    const d = catalog.diagnoses.find(x => x.id === 'misplaced-wal')!;
    expect(d.severity).toBe('warning');
    expect(d.message).toMatch(/^100 WAL files/);
    expect(d.evidence).toHaveLength(21);
    expect(d.evidence[20]).toBe('… and 80 more');
    expect(catalog.wal.timelines[0].segmentCount).toBe(100);
  });

  it('correctly placed files (segments, .partial, .backup, lower-case names, history) raise nothing', () => {
    const a = new ArchiveBuilder()
      .backup('20260101T000100', { begin: 1 })
      .segments(1, 1, 4);
    const lower = wal(1, 5).toLowerCase();
    a.objects.push(
      {
        key: `wals/${lower.slice(0, 16)}/${lower}.gz`,
        size: 1,
        lastModified: '2026-01-01T00:30:00.000Z',
      },
      {
        key: `wals/0000000100000000/${wal(1, 6)}.partial.gz`,
        size: 1,
        lastModified: '2026-01-01T00:30:00.000Z',
      },
      {
        key: `wals/0000000100000000/${wal(1, 1)}.00000028.backup.gz`,
        size: 1,
        lastModified: '2026-01-01T00:30:00.000Z',
      },
    );
    const catalog = buildCatalog(a.input());
    expect(ids(catalog)).not.toContain('warning:misplaced-wal');
    expect(ids(catalog)).not.toContain('error:misplaced-wal');
  });
});
