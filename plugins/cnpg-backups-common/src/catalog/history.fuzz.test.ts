import fc from 'fast-check';
import { parseHistoryFile } from './history';
import { InvalidHistoryFileError } from './errors';
import { formatLsn } from './wal';
import { NUM_RUNS } from './__testUtils__/arbitraries';

const lineArb = fc.oneof(
  fc
    .tuple(
      fc.oneof(
        fc.nat(20).map(String),
        fc.constantFrom('0', '-1', 'x', '4294967296', ''),
      ),
      fc.oneof(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(formatLsn),
        fc.constantFrom('0/0', '0-1', 'G/1', '123456789/0', ''),
      ),
      fc.string({ maxLength: 20 }),
      fc.constantFrom('\t', ' ', '  \t'),
    )
    .map(([tli, lsn, reason, sep]) => [tli, lsn, reason].join(sep)),
  fc.constantFrom('', '# comment', '   '),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

describe('history file fuzzing', () => {
  it('random files parse or throw InvalidHistoryFileError', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.array(lineArb, { maxLength: 12 }),
          fc.option(fc.integer({ min: -1, max: 30 })),
          (lines, timeline) => {
            try {
              const history = parseHistoryFile(
                lines.join('\n'),
                timeline ?? undefined,
              );
              // Whatever is accepted is consistent.
              for (let i = 1; i < history.entries.length; i++) {
                if (
                  history.entries[i].parentTimeline <=
                  history.entries[i - 1].parentTimeline
                )
                  return false;
              }
              return (
                timeline === null ||
                history.entries.every(e => e.parentTimeline < timeline)
              );
            } catch (e) {
              if (e instanceof InvalidHistoryFileError) return true;
              throw e;
            }
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('well-formed histories round-trip', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), {
            minLength: 1,
            maxLength: 10,
          }),
          fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), {
            minLength: 10,
            maxLength: 10,
          }),
          fc.array(fc.stringMatching(/^[a-z0-9 :+()-]{0,30}$/), {
            minLength: 10,
            maxLength: 10,
          }),
          (tlis, lsns, reasons) => {
            const parents = [...tlis].sort((a, b) => a - b);
            const points = lsns
              .slice(0, parents.length)
              .sort((a, b) => (a < b ? -1 : Number(a > b)));
            const entries = parents.map((parentTimeline, i) => ({
              parentTimeline,
              switchLsn: formatLsn(points[i]),
              reason: reasons[i].trim(),
            }));
            const text = entries
              .map(e => `${e.parentTimeline}\t${e.switchLsn}\t${e.reason}`)
              .join('\n');
            const timeline = parents[parents.length - 1] + 1;
            const history = parseHistoryFile(`${text}\n`, timeline);
            expect(history).toEqual({
              timeline,
              entries,
              parentTimeline: entries[entries.length - 1].parentTimeline,
              switchLsn: entries[entries.length - 1].switchLsn,
            });
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });
});
