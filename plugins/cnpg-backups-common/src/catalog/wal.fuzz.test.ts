import fc from 'fast-check';
import {
  classifyArchiveFile,
  formatLsn,
  formatWalName,
  nextWalName,
  parseLsn,
  parseWalName,
  prevWalName,
  segmentLsnRange,
  segmentsPerLog,
  walNameForLsn,
  walNameFromPosition,
  walPosition,
} from './wal';
import { InvalidLsnError, InvalidWalNameError } from './errors';
import {
  archiveNameArb,
  compressionSuffixArb,
  hex8Arb,
  NUM_RUNS,
  segmentSizeArb,
  timelineArb,
  uint32,
} from './__testUtils__/arbitraries';

const COMPRESSION: Record<string, string> = {
  '': 'none',
  '.gz': 'gzip',
  '.bz2': 'bzip2',
  '.xz': 'xz',
  '.snappy': 'snappy',
  '.zst': 'zstd',
  '.lz4': 'lz4',
};

const lsnArb = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('WAL fuzzing', () => {
  it('classifyArchiveFile never throws and always returns a known kind', () => {
    const normalised =
      /^[0-9A-F]{8}(\.history|[0-9A-F]{16}(\.partial|\.[0-9A-F]{8}\.backup)?)$/;
    expect(() =>
      fc.assert(
        fc.property(
          fc.oneof(
            archiveNameArb,
            fc.string({ unit: 'binary', maxLength: 80 }),
          ),
          name => {
            const result = classifyArchiveFile(name);
            if (result.kind === 'unknown') return result.name === name;
            return normalised.test(result.name) && result.timeline > 0;
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('parseWalName / parseLsn either succeed or throw their named error', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.oneof(archiveNameArb, fc.string({ maxLength: 30 })),
          text => {
            let ok = true;
            try {
              ok = formatWalName(parseWalName(text)) === text.toUpperCase();
            } catch (e) {
              ok = e instanceof InvalidWalNameError;
            }
            try {
              parseLsn(text);
            } catch (e) {
              ok = ok && e instanceof InvalidLsnError;
            }
            return ok;
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('classifies every valid name with any case and compression suffix', () => {
    expect(() =>
      fc.assert(
        fc.property(
          hex8Arb.filter(h => parseInt(h, 16) > 0),
          hex8Arb,
          hex8Arb,
          hex8Arb,
          fc.constantFrom('segment', 'partial', 'backup', 'history'),
          compressionSuffixArb,
          (tli, log, seg, offset, kind, suffix) => {
            const base = tli + log + seg;
            const file = {
              segment: base,
              partial: `${base}.partial`,
              backup: `${base}.${offset}.backup`,
              history: `${tli}.history`,
            }[kind]!;
            const result = classifyArchiveFile(
              `wals/${base.slice(0, 16)}/${file}${suffix}`,
            );
            expect(result.kind).toBe(kind);
            expect(result.compression).toBe(COMPRESSION[suffix.toLowerCase()]);
            expect(result.timeline).toBe(parseInt(tli, 16));
            const upper = {
              segment: base.toUpperCase(),
              partial: `${base.toUpperCase()}.partial`,
              backup: `${base.toUpperCase()}.${offset.toUpperCase()}.backup`,
              history: `${tli.toUpperCase()}.history`,
            }[kind];
            expect(result.name).toBe(upper);
            expect(result.segmentName).toBe(
              kind === 'history' ? undefined : base.toUpperCase(),
            );
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('round-trips parts → name → parts', () => {
    expect(() =>
      fc.assert(
        fc.property(timelineArb, uint32, uint32, (timeline, log, segment) => {
          const name = formatWalName({ timeline, log, segment });
          expect(name).toMatch(/^[0-9A-F]{24}$/);
          expect(parseWalName(name)).toEqual({ timeline, log, segment });
          expect(parseWalName(name.toLowerCase())).toEqual({
            timeline,
            log,
            segment,
          });
        }),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('round-trips position → name → position and next/prev are inverse', () => {
    expect(() =>
      fc.assert(
        fc.property(
          segmentSizeArb,
          timelineArb,
          fc.integer({ min: 1, max: 2 ** 32 - 2 }),
          fc.nat(),
          (size, timeline, log, seg) => {
            const perLog = segmentsPerLog(size);
            const index = log * perLog + (seg % perLog);
            const name = walNameFromPosition({ timeline, index }, size);
            expect(walPosition(name, size)).toEqual({ timeline, index });
            expect(prevWalName(nextWalName(name, size), size)).toBe(name);
            expect(nextWalName(prevWalName(name, size), size)).toBe(name);
            expect(walPosition(nextWalName(name, size), size).index).toBe(
              index + 1,
            );
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('round-trips LSN → text → LSN', () => {
    expect(() =>
      fc.assert(
        fc.property(lsnArb, lsn => {
          const text = formatLsn(lsn);
          expect(parseLsn(text)).toBe(lsn);
          expect(parseLsn(text.toLowerCase())).toBe(lsn);
        }),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('the segment holding an LSN covers it: start <= LSN <= last', () => {
    expect(() =>
      fc.assert(
        fc.property(
          lsnArb,
          segmentSizeArb,
          timelineArb,
          (lsn, size, timeline) => {
            const name = walNameForLsn(formatLsn(lsn), timeline, size);
            const { start, last } = segmentLsnRange(name, size);
            expect(parseLsn(start) <= lsn && lsn <= parseLsn(last)).toBe(true);
            expect(parseLsn(last) - parseLsn(start) + 1n).toBe(BigInt(size));
            expect(parseLsn(start) % BigInt(size)).toBe(0n);
            expect(parseWalName(name).timeline).toBe(timeline);
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });
});
