import { MAX_HISTORY_FILE_LENGTH, parseHistoryFile } from './history';
import { InvalidHistoryFileError } from './errors';

function errorOf(text: string, timeline?: number): InvalidHistoryFileError {
  try {
    parseHistoryFile(text, timeline);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidHistoryFileError);
    expect((e as Error).name).toBe('InvalidHistoryFileError');
    return e as InvalidHistoryFileError;
  }
  throw new Error('expected InvalidHistoryFileError');
}

describe('parseHistoryFile', () => {
  it('reads a PostgreSQL history file for timeline 2', () => {
    expect(
      parseHistoryFile('1\t0/A000100\tno recovery target specified\n', 2),
    ).toEqual({
      timeline: 2,
      entries: [
        {
          parentTimeline: 1,
          switchLsn: '0/A000100',
          reason: 'no recovery target specified',
        },
      ],
      parentTimeline: 1,
      switchLsn: '0/A000100',
    });
  });

  it('reads several ancestors with comments, blank lines, CRLF and odd spacing', () => {
    const text = [
      '# written by PostgreSQL',
      '1\t0/3000000\tno recovery target specified',
      '',
      '2\t0/5000060\tbefore 2025-06-01 09:15:00+00 (recovery target time)\r',
      '   3   1/0C000028   ',
      '4\t1/D000000',
    ].join('\n');
    const history = parseHistoryFile(text, 5);
    expect(history.entries).toEqual([
      {
        parentTimeline: 1,
        switchLsn: '0/3000000',
        reason: 'no recovery target specified',
      },
      {
        parentTimeline: 2,
        switchLsn: '0/5000060',
        reason: 'before 2025-06-01 09:15:00+00 (recovery target time)',
      },
      { parentTimeline: 3, switchLsn: '1/C000028', reason: '' },
      { parentTimeline: 4, switchLsn: '1/D000000', reason: '' },
    ]);
    expect(history).toMatchObject({
      parentTimeline: 4,
      switchLsn: '1/D000000',
    });
  });

  it('allows equal switch points (a promotion right after another)', () => {
    expect(
      parseHistoryFile('1\t0/3000000\tx\n2\t0/3000000\ty').entries,
    ).toHaveLength(2);
  });

  it('returns no parent for an empty file when the timeline is unknown', () => {
    expect(parseHistoryFile('# nothing\n\n')).toEqual({ entries: [] });
  });

  it.each([
    ['abc\t0/1\tx', 1, 'expected a parent timeline number'],
    ['-1\t0/1\tx', 1, 'expected a parent timeline number'],
    ['0\t0/1\tx', 1, 'timeline 0 is out of range'],
    ['99999999999\t0/1\tx', 1, 'expected a parent timeline number'],
    ['4294967296\t0/1\tx', 1, 'out of range'],
    ['1', 1, 'expected a switch LSN'],
    ['1\t0-1\tx', 1, 'expected a switch LSN'],
    ['1\t0/1\tx\n1\t0/2\ty', 2, 'timeline 1 does not follow timeline 1'],
    ['2\t0/1\tx\n1\t0/2\ty', 2, 'does not follow'],
    ['1\t0/5\tx\n2\t0/4\ty', 2, 'goes backwards'],
    ['1\t0/5\tx\u0000', 1, 'binary content'],
  ])('rejects %p at line %d', (text, line, message) => {
    const e = errorOf(text);
    expect(e.line).toBe(line);
    expect(e.message).toContain(message);
  });

  it("rejects parents that are not older than the file's timeline", () => {
    const e = errorOf('1\t0/1\tx\n3\t0/2\ty', 3);
    expect(e.line).toBe(2);
    expect(e.message).toContain(
      'parent timeline 3 is not older than timeline 3',
    );
  });

  it('rejects an empty history for a timeline above 1', () => {
    expect(errorOf('', 2).message).toMatch(/no entries/);
  });

  it.each([0, -1, 1.5, 2 ** 32])('rejects timeline %p', timeline => {
    expect(errorOf('1\t0/1', timeline).message).toMatch(/not a valid timeline/);
  });

  it('rejects huge files and non-text', () => {
    expect(errorOf('#'.repeat(MAX_HISTORY_FILE_LENGTH + 1)).message).toMatch(
      /over the/,
    );
    expect(errorOf(null as any).message).toMatch(/not text/);
  });
});
