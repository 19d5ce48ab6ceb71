import fc from 'fast-check';
import { ArchiveObject, buildCatalog } from './buildCatalog';
import { InvalidCatalogInputError } from './errors';
import { walPosition } from './wal';
import { ArchiveBuilder, cleanScan, wal } from './__testUtils__/archive';
import {
  archiveNameArb,
  compressionSuffixArb,
  NUM_RUNS,
} from './__testUtils__/arbitraries';
import type { BarmanCatalog } from './types';

const lastModifiedArb = fc
  .integer({
    min: Date.parse('2026-01-01T00:00:00Z'),
    max: Date.parse('2026-02-01T00:00:00Z'),
  })
  .map(ms => new Date(ms).toISOString());

const backupIdArb = fc
  .tuple(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 23 }))
  .map(
    ([d, h]) =>
      `202601${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}0000`,
  );

/** Keys relative to the serverName: realistic WAL and base objects plus junk. */
const keyArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 600 }),
        compressionSuffixArb,
      )
      .map(
        ([tli, i, z]) => `wals/${wal(tli, i).slice(0, 16)}/${wal(tli, i)}${z}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 600 }))
      .map(
        ([tli, i]) =>
          `wals/${wal(tli, i).slice(0, 16)}/${wal(tli, i)}.partial.gz`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 4 })
      .map(t => `wals/${wal(t, 0).slice(0, 8)}.history.gz`),
  },
  {
    weight: 1,
    arbitrary: archiveNameArb.map(n => `wals/0000000100000000/${n}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        backupIdArb,
        fc.constantFrom(
          'backup.info',
          'data.tar',
          'data.tar.gz',
          'data_0001.tar.lz4',
          '16394.tar.bz2',
          'annotations/keep',
        ),
      )
      .map(([id, f]) => `base/${id}/${f}`),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

const objectArb: fc.Arbitrary<ArchiveObject> = fc.record({
  key: keyArb,
  size: fc.oneof(fc.nat(), fc.constantFrom(-1, NaN, Infinity)),
  lastModified: lastModifiedArb,
});

const backupInfoArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        status: fc.constantFrom(
          'DONE',
          'FAILED',
          'STARTED',
          'WAITING_FOR_WALS',
        ),
        tli: fc.integer({ min: 1, max: 3 }),
        endTli: fc.integer({ min: 1, max: 3 }),
        begin: fc.integer({ min: 0, max: 600 }),
        length: fc.integer({ min: 0, max: 5 }),
        endTime: fc.option(lastModifiedArb),
        segmentSize: fc.constantFrom(16777216, 16777216, 16777216, 67108864),
      })
      .map(r =>
        [
          `status=${r.status}`,
          `timeline=${r.tli}`,
          `begin_wal=${wal(r.tli, r.begin)}`,
          `end_wal=${wal(
            r.tli === r.endTli ? r.tli : r.endTli,
            r.begin + r.length,
          )}`,
          `end_time=${
            r.endTime
              ? `${r.endTime.slice(0, 10)} ${r.endTime.slice(11, 23)}+00:00`
              : 'None'
          }`,
          `xlog_segment_size=${r.segmentSize}`,
          'error=failure uploading data (boom)',
        ].join('\n'),
      ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'status=DONE\ntimeline=abc',
      '',
      'status=DONE\nbegin_wal=zz',
    ),
  },
);

const historyArb = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 600 }))
    .map(
      ([parent, i]) =>
        `${parent}\t0/${(i * 16777216 + 0x100)
          .toString(16)
          .toUpperCase()}\tno recovery target specified`,
    ),
  fc.string({ maxLength: 30 }),
);

const inputArb = fc.record({
  objects: fc.array(objectArb, { maxLength: 60 }),
  backupInfos: fc.dictionary(backupIdArb, backupInfoArb, { maxKeys: 5 }),
  historyFiles: fc.dictionary(
    fc.integer({ min: 1, max: 4 }).map(String),
    historyArb,
    { maxKeys: 3 },
  ),
  complete: fc.boolean(),
  now: lastModifiedArb,
});

function plainJson(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value))
    return value.every(v => v !== undefined && plainJson(v));
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).every(v => v === undefined || plainJson(v));
}

/** Cheap invariant checks (no expect in the hot loop): returns the first violation, or ''. */
function violation(catalog: BarmanCatalog, complete: boolean): string {
  const ids = catalog.backups.map(b => b.id);
  for (let k = 1; k < ids.length; k++) {
    if (ids[k - 1] >= ids[k]) return `backups not sorted: ${ids}`;
  }
  for (const b of catalog.backups) {
    if (b.restorable && b.status !== 'DONE')
      return `${b.id} restorable but ${b.status}`;
    if (!(b.storedBytes >= 0 && Number.isFinite(b.storedBytes)))
      return `${b.id} storedBytes ${b.storedBytes}`;
  }
  for (const t of catalog.wal.timelines) {
    let previousEnd = -1;
    for (const g of t.gaps) {
      const first = walPosition(g.firstMissing, catalog.wal.segmentSize).index;
      const last = walPosition(g.lastMissing, catalog.wal.segmentSize).index;
      if (g.count !== last - first + 1) return `gap count ${JSON.stringify(g)}`;
      if (first <= previousEnd) return `gaps overlap on timeline ${t.timeline}`;
      previousEnd = last;
    }
  }
  const window = catalog.recoveryWindow;
  if (
    (window.lastRecoverableWal === undefined) !==
    (window.ranges.length === 0)
  ) {
    return 'lastRecoverableWal and ranges disagree';
  }
  for (const r of window.ranges) {
    if (r.to < r.from)
      return `range ends before it starts: ${JSON.stringify(r)}`;
  }
  if (new Set(window.ranges.map(r => r.toWal)).size !== window.ranges.length) {
    return 'two ranges end on the same WAL';
  }
  for (const d of catalog.diagnoses) {
    if (
      !['error', 'warning', 'info'].includes(d.severity) ||
      !d.message ||
      !d.fix
    ) {
      return `bad diagnosis ${JSON.stringify(d)}`;
    }
  }
  if (catalog.scan.complete !== complete) return 'scan.complete changed';
  if (catalog.diagnoses.some(d => d.id === 'scan-incomplete') === complete)
    return 'scan-incomplete diagnosis';
  // The contract is JSON: no undefined in arrays, no null, no NaN/Infinity.
  if (!plainJson(catalog)) return 'not plain JSON';
  return '';
}

describe('buildCatalog fuzzing', () => {
  it('never throws on random listings, backup.info and history files, and keeps its invariants', () => {
    expect(() =>
      fc.assert(
        fc.property(inputArb, r => {
          const catalog = buildCatalog({
            destination: 's3://bucket/prefix',
            serverName: 'db',
            objects: r.objects,
            backupInfos: r.backupInfos,
            historyFiles: r.historyFiles as unknown as Record<number, string>,
            scan: cleanScan({ complete: r.complete }),
            now: r.now,
          });
          const problem = violation(catalog, r.complete);
          if (problem) throw new Error(problem);
        }),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('rejects only with InvalidCatalogInputError when the input itself is malformed', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.record(
            {
              destination: fc.oneof(fc.string(), fc.constant(undefined)),
              serverName: fc.oneof(fc.string(), fc.nat()),
              objects: fc.oneof(
                fc.array(fc.anything(), { maxLength: 5 }),
                fc.anything(),
              ),
              backupInfos: fc.oneof(
                fc.dictionary(fc.string(), fc.anything()),
                fc.anything(),
              ),
              historyFiles: fc.anything(),
              scan: fc.oneof(fc.constant(cleanScan()), fc.anything()),
              now: fc.oneof(fc.constant(undefined), fc.string()),
            },
            { requiredKeys: [] },
          ),
          input => {
            try {
              buildCatalog(input as any);
            } catch (e) {
              if (!(e instanceof InvalidCatalogInputError)) throw e;
            }
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('matches a brute-force model of gaps and of the last recoverable WAL on one timeline', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.integer({ min: 0, max: 700 }), {
            minLength: 1,
            maxLength: 80,
          }),
          fc.nat(),
          fc.boolean(),
          (present, pick, shuffle) => {
            const sortedPresent = [...present].sort((a, b) => a - b);
            const a = new ArchiveBuilder();
            for (const i of sortedPresent) a.segments(1, i, i);
            const begin = sortedPresent[pick % sortedPresent.length];
            a.backup('20260101T020000', { begin, end: begin });
            if (shuffle) a.objects.reverse();
            const catalog = buildCatalog(a.input());

            // Model: gaps between consecutive present segments.
            const gaps = [];
            for (let k = 1; k < sortedPresent.length; k++) {
              if (sortedPresent[k] > sortedPresent[k - 1] + 1) {
                gaps.push({
                  firstMissing: wal(1, sortedPresent[k - 1] + 1),
                  lastMissing: wal(1, sortedPresent[k] - 1),
                  count: sortedPresent[k] - sortedPresent[k - 1] - 1,
                });
              }
            }
            let reach = begin;
            const set = new Set(present);
            while (set.has(reach + 1)) reach++;

            expect(catalog.wal.timelines[0].gaps).toEqual(gaps);
            expect(catalog.wal.timelines[0].segmentCount).toBe(present.length);
            expect(catalog.recoveryWindow.lastRecoverableWal).toBe(
              wal(1, reach),
            );
            expect(catalog.backups[0].restorable).toBe(true);
            const hasBreakingGap = sortedPresent.some(
              i => i > begin && !set.has(i - 1),
            );
            expect(
              catalog.diagnoses.some(
                d => d.id === 'wal-gap' && d.severity === 'error',
              ),
            ).toBe(hasBreakingGap);
          },
        ),
        { numRuns: 2000 },
      ),
    ).not.toThrow();
  });
});
