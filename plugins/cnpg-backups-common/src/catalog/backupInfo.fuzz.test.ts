import fc from 'fast-check';
import { parseBackupInfo } from './backupInfo';
import { parsePythonLiteral } from './pythonLiteral';
import { InvalidBackupInfoError, InvalidPythonLiteralError } from './errors';
import { readFixture } from './__testUtils__/archive';
import {
  NUM_RUNS,
  pythonRepr,
  pythonValueArb,
} from './__testUtils__/arbitraries';

const KEYS = [
  'backup_label',
  'backup_name',
  'begin_offset',
  'begin_time',
  'begin_wal',
  'begin_xlog',
  'cluster_size',
  'compression',
  'copy_stats',
  'end_time',
  'end_wal',
  'end_xlog',
  'error',
  'included_files',
  'server_name',
  'size',
  'status',
  'systemid',
  'tablespaces',
  'timeline',
  'version',
  'xlog_segment_size',
  'unknown_future_key',
];

/** Values that are right for some keys and wrong for others. */
const valueArb = fc.oneof(
  fc.constantFrom(
    'None',
    'DONE',
    'FAILED',
    'True',
    '1',
    '0',
    '-1',
    '16777216',
    '99999999999999999999999',
    '2025-06-01 02:00:08.552103+00:00',
    '2025-06-01 02:00:08',
    '2025-02-30 02:00:08+00:00',
    '00000001000000000000000C',
    '0/C000028',
    "'quoted\\nstring'",
    "{'a': [1, (2, 3)]}",
    "[('tbs', 16394, '/x')]",
    "{'unterminated",
    'abc',
    '',
  ),
  pythonValueArb.map(pythonRepr),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const lineArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom(...KEYS), valueArb)
      .map(([k, v]) => `${k}=${v}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '# comment',
      '   ',
      'no equals sign',
      '../x=1',
      'a b=1',
      '=x',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
);

const fixtureText = readFixture('20261121T231912.backup.info');

/** Parses; returns true when it succeeded, false when it threw a named error; rethrows anything else. */
function parsesOrNamedError(text: string): boolean {
  try {
    parseBackupInfo(text);
    return true;
  } catch (e) {
    if (
      e instanceof InvalidBackupInfoError &&
      e.name === 'InvalidBackupInfoError'
    )
      return false;
    throw e;
  }
}

describe('backup.info fuzzing', () => {
  it('random key=value files parse or throw InvalidBackupInfoError', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.array(lineArb, { maxLength: 30 }),
          fc.constantFrom('\n', '\r\n'),
          (lines, eol) => {
            parsesOrNamedError(lines.join(eol));
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('arbitrary text (including binary) parses or throws InvalidBackupInfoError', () => {
    expect(() =>
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), text => {
          parsesOrNamedError(text);
        }),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('the real file truncated or corrupted anywhere never crashes', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.nat(fixtureText.length),
          fc.nat(fixtureText.length),
          fc.string({ unit: 'binary', maxLength: 5 }),
          (cut, at, junk) => {
            parsesOrNamedError(fixtureText.slice(0, cut));
            parsesOrNamedError(
              fixtureText.slice(0, at) +
                junk +
                fixtureText.slice(at + junk.length),
            );
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('well-formed files round-trip their typed fields', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.record({
            status: fc.constantFrom('DONE', 'FAILED', 'STARTED'),
            timeline: fc.integer({ min: 1, max: 0xffffffff }),
            size: fc.option(
              fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
            ),
            segmentPower: fc.integer({ min: 20, max: 30 }),
            time: fc.date({
              min: new Date('1970-01-01T00:00:00Z'),
              max: new Date('9998-12-31T23:59:59Z'),
              noInvalidDate: true,
            }),
            micros: fc.integer({ min: 0, max: 999 }),
            error: fc.option(fc.string({ unit: 'binary', maxLength: 30 })),
            extra: fc.dictionary(
              fc.stringMatching(/^x_[a-z0-9_]{0,20}$/),
              fc.string({ maxLength: 20 }).map(s => s.replace(/[\r\n]/g, ' ')),
              { maxKeys: 5 },
            ),
          }),
          r => {
            const iso = r.time.toISOString(); // ms precision
            const pythonTime = `${iso.slice(0, 10)} ${iso.slice(
              11,
              23,
            )}${String(r.micros).padStart(3, '0')}+00:00`;
            const lines = [
              `status=${r.status}`,
              `timeline=${r.timeline}`,
              `size=${r.size === null ? 'None' : r.size}`,
              `xlog_segment_size=${2 ** r.segmentPower}`,
              `end_time=${pythonTime}`,
              `error=${r.error === null ? 'None' : pythonRepr(r.error)}`,
              ...Object.entries(r.extra).map(([k, v]) => `${k}=${v}`),
            ];
            const info = parseBackupInfo(lines.join('\n'));
            const expectedMs = r.time.getTime() + (r.micros > 0 ? 1 : 0);
            return (
              info.status === r.status &&
              info.timeline === r.timeline &&
              info.size === r.size &&
              info.xlogSegmentSize === 2 ** r.segmentPower &&
              info.endTime === new Date(expectedMs).toISOString() &&
              info.error === r.error &&
              Object.entries(r.extra).every(
                ([k, v]) =>
                  info.raw[k] === (v.trim() === 'None' ? null : v.trim()),
              )
            );
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('Python literals round-trip through repr()', () => {
    expect(() =>
      fc.assert(
        fc.property(pythonValueArb, value => {
          expect(parsePythonLiteral(pythonRepr(value))).toEqual(value);
        }),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });

  it('arbitrary text given to the literal parser is read or rejected with InvalidPythonLiteralError', () => {
    expect(() =>
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 60 }),
            pythonValueArb
              .map(pythonRepr)
              .chain(s => fc.nat(s.length).map(n => s.slice(0, n))),
          ),
          text => {
            try {
              parsePythonLiteral(text);
            } catch (e) {
              if (!(e instanceof InvalidPythonLiteralError)) throw e;
            }
          },
        ),
        { numRuns: NUM_RUNS },
      ),
    ).not.toThrow();
  });
});
