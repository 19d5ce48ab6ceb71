import {
  MAX_BACKUP_INFO_LENGTH,
  parseBackupInfo,
  parseBarmanTime,
} from './backupInfo';
import { InvalidBackupInfoError } from './errors';
import { readFixture } from './__testUtils__/archive';

const minimal = (extra = '') => `status=DONE\n${extra}`;

function errorOf(text: string): InvalidBackupInfoError {
  try {
    parseBackupInfo(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidBackupInfoError);
    expect((e as Error).name).toBe('InvalidBackupInfoError');
    return e as InvalidBackupInfoError;
  }
  throw new Error('expected InvalidBackupInfoError');
}

describe('parseBackupInfo on real barman 3.4 files', () => {
  it('reads 20261121T231912.backup.info', () => {
    const info = parseBackupInfo(readFixture('20261121T231912.backup.info'));
    expect(info).toMatchObject({
      status: 'DONE',
      backupName: 'first-backup',
      beginTime: '2026-11-21T23:19:12.789Z',
      endTime: '2026-11-21T23:19:19.492Z',
      beginWal: '000000010000000000000005',
      endWal: '000000010000000000000005',
      beginXlog: '0/5000028',
      endXlog: '0/5000100',
      beginOffset: 40,
      endOffset: 256,
      timeline: 1,
      error: null,
      xlogSegmentSize: 16777216,
      clusterSize: null,
      size: null,
      deduplicatedSize: null,
      version: 150020,
      systemId: '7710768199136714818',
      tablespaces: null,
      includedFiles: null,
      pgdata: '/var/lib/postgresql/data/pgdata',
      mode: null,
      warnings: [],
    });
    expect(info.backupLabel).toBe(
      'START WAL LOCATION: 0/5000028 (file 000000010000000000000005)\nCHECKPOINT LOCATION: 0/5000060\nBACKUP METHOD: streamed\nBACKUP FROM: primary\nSTART TIME: 2026-11-21 23:19:12 UTC\nLABEL: Barman backup cloud 20261121T231912\nSTART TIMELINE: 1\n',
    );
    expect(info.copyStats).toMatchObject({
      total_time: 9.236557,
      number_of_workers: 2,
      copy_time_per_item: { data: 0.43767 },
    });
    // server_name and compression are kept raw only: barman cloud writes junk there.
    expect(info.raw.server_name).toBe('cloud');
    expect(info.raw.compression).toBeNull();
    expect(info).not.toHaveProperty('serverName');
    expect(info).not.toHaveProperty('compression');
  });

  it('reads 20261121T231929.backup.info (no backup_name, included_files list)', () => {
    const info = parseBackupInfo(readFixture('20261121T231929.backup.info'));
    expect(info.backupName).toBeNull();
    expect(info.includedFiles).toEqual([
      '/var/lib/postgresql/data/pgdata/postgresql.auto.conf',
    ]);
    expect(info.beginWal).toBe('000000010000000000000008');
    expect(Object.keys(info.raw)).toHaveLength(27);
  });
});

describe('parseBackupInfo syntax', () => {
  it('splits on the first =, trims, skips blanks and comments, tolerates CRLF and a BOM', () => {
    const info = parseBackupInfo(
      '\ufeff# comment\r\n\r\n  status = FAILED \r\nerror=failure uploading data (a=b)\r\n   # indented comment\nnew_key_from_barman_4=whatever\n',
    );
    expect(info.status).toBe('FAILED');
    expect(info.error).toBe('failure uploading data (a=b)');
    expect(info.raw.new_key_from_barman_4).toBe('whatever');
  });

  it('maps None to null and defaults xlog_segment_size to 16 MiB', () => {
    const info = parseBackupInfo(minimal('end_time=None\ntimeline=None\n'));
    expect(info).toMatchObject({
      endTime: null,
      timeline: null,
      xlogSegmentSize: 16777216,
    });
    expect(info.raw).toEqual({
      status: 'DONE',
      end_time: null,
      timeline: null,
    });
  });

  it('reads quoted string values written with repr()', () => {
    const info = parseBackupInfo(
      minimal(`error='it\\'s \\u00e9\\n'\nbackup_name="b"\n`),
    );
    expect(info.error).toBe("it's é\n");
    expect(info.backupName).toBe('b');
  });

  it('reads tablespaces, upper-cases WAL names and normalises LSNs', () => {
    const info = parseBackupInfo(
      minimal(
        "tablespaces=[('tbs', 16394, '/data/tbs'), ('idx', 16395, '/data/idx')]\nbegin_wal=00000001000000000000000c\nbegin_xlog=0/0c000028\ncluster_size=31785631\n",
      ),
    );
    expect(info.tablespaces).toEqual([
      { name: 'tbs', oid: 16394, location: '/data/tbs' },
      { name: 'idx', oid: 16395, location: '/data/idx' },
    ]);
    expect(info.beginWal).toBe('00000001000000000000000C');
    expect(info.beginXlog).toBe('0/C000028');
    expect(info.clusterSize).toBe(31785631);
  });

  it('accepts every barman status', () => {
    for (const s of [
      'EMPTY',
      'STARTED',
      'WAITING_FOR_WALS',
      'DONE',
      'SYNCING',
      'FAILED',
    ]) {
      expect(parseBackupInfo(`status=${s}`).status).toBe(s);
    }
  });

  it('records a warning for a time without offset and reads it as UTC', () => {
    const info = parseBackupInfo(minimal('end_time=2025-06-01 02:00:08\n'));
    expect(info.endTime).toBe('2025-06-01T02:00:08.000Z');
    expect(info.warnings).toEqual([
      'end_time "2025-06-01 02:00:08" has no UTC offset; read as UTC',
    ]);
  });
});

describe('parseBarmanTime', () => {
  it.each([
    ['2025-06-01 02:00:08.552103+00:00', '2025-06-01T02:00:08.553Z'],
    ['2025-06-01 02:00:08.552000+00:00', '2025-06-01T02:00:08.552Z'],
    ['2025-06-01 02:00:08+02:00', '2025-06-01T00:00:08.000Z'],
    ['2025-06-01 00:30:00-05:30', '2025-06-01T06:00:00.000Z'],
    ['2025-06-01 02:00:08+0200', '2025-06-01T00:00:08.000Z'],
    ['2025-06-01T02:00:08Z', '2025-06-01T02:00:08.000Z'],
    ['2025-06-01 02:00:08.5+00:00', '2025-06-01T02:00:08.500Z'],
    ['2024-02-29 23:59:59.999999+00:00', '2024-03-01T00:00:00.000Z'],
    ['2025-06-01 02:00:08+05:30:15', '2025-05-31T20:29:53.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseBarmanTime(text)?.iso).toBe(iso);
  });

  it.each([
    '',
    'Sun Jun  1 02:00:08 2025',
    '2025-13-01 00:00:00+00:00',
    '2025-02-29 00:00:00+00:00',
    '2025-06-31 00:00:00+00:00',
    '2025-06-01 24:00:00+00:00',
    '2025-06-01 02:60:00+00:00',
    '2025-06-01 02:00:60+00:00',
    '2025-06-01 02:00:00+24:00',
    '2025-06-01 02:00:00.1234567+00:00',
    '0000-01-01 00:00:00+00:00',
    '2025-06-01 02:00:00 +00:00',
  ])('rejects %p', text => {
    expect(parseBarmanTime(text)).toBeUndefined();
  });

  it('keeps years below 100 (no 19xx mapping)', () => {
    expect(parseBarmanTime('0099-01-01 00:00:00+00:00')?.iso).toBe(
      '0099-01-01T00:00:00.000Z',
    );
  });
});

describe('parseBackupInfo rejects malformed files with InvalidBackupInfoError', () => {
  it.each([
    [
      'timeline=abc',
      'status=DONE\ntimeline=abc',
      2,
      'timeline',
      'expected an integer',
    ],
    ['timeline=0', 'status=DONE\ntimeline=0', 2, 'timeline', 'out of range'],
    [
      'timeline too large',
      'status=DONE\ntimeline=4294967296',
      2,
      'timeline',
      'out of range',
    ],
    [
      'huge size',
      'status=DONE\nsize=99999999999999999999',
      2,
      'size',
      'out of range',
    ],
    [
      'longer than 20 digits',
      `status=DONE\nsize=${'9'.repeat(400)}`,
      2,
      'size',
      'expected an integer',
    ],
    ['negative size', 'status=DONE\nsize=-1', 2, 'size', 'out of range'],
    [
      'float timeline',
      'status=DONE\ntimeline=1.0',
      2,
      'timeline',
      'expected an integer',
    ],
    [
      'bad WAL',
      'status=DONE\nbegin_wal=0000000100000000',
      2,
      'begin_wal',
      '24-hex',
    ],
    ['bad LSN', 'status=DONE\nend_xlog=0-5000100', 2, 'end_xlog', 'LSN'],
    [
      'bad time',
      'status=DONE\nbegin_time=yesterday',
      2,
      'begin_time',
      'expected a time',
    ],
    [
      'bad segment size',
      'status=DONE\nxlog_segment_size=12345',
      2,
      'xlog_segment_size',
      'WAL segment size',
    ],
    ['unknown status', 'status=RUNNING', 1, 'status', 'unknown status'],
    [
      'bad systemid',
      'status=DONE\nsystemid=abc',
      2,
      'systemid',
      'numeric system identifier',
    ],
    [
      'path key',
      'status=DONE\n../../etc/passwd=x',
      2,
      '../../etc/passwd',
      'not a valid key',
    ],
    [
      'key with a space',
      'status=DONE\nbegin time=x',
      2,
      'begin time',
      'not a valid key',
    ],
    ['unicode key', 'status=DONE\nstätus=x', 2, 'stätus', 'not a valid key'],
    ['empty key', 'status=DONE\n=x', 2, '', 'not a valid key'],
    [
      'duplicate key',
      'status=DONE\ntimeline=1\ntimeline=2',
      3,
      'timeline',
      'duplicate key (first on line 2)',
    ],
    [
      'truncated literal',
      "status=DONE\ncopy_stats={'total_time': 9.2",
      2,
      'copy_stats',
      'unclosed {',
    ],
    [
      'copy_stats not a dict',
      'status=DONE\ncopy_stats=[1]',
      2,
      'copy_stats',
      'expected a dict',
    ],
    [
      'included_files not a list',
      "status=DONE\nincluded_files='x'",
      2,
      'included_files',
      'expected a list',
    ],
    [
      'bad tablespace tuple',
      "status=DONE\ntablespaces=[('a', 'b', 'c')]",
      2,
      'tablespaces',
      '(name, oid, location)',
    ],
    [
      'tablespaces not a list',
      'status=DONE\ntablespaces=5',
      2,
      'tablespaces',
      '(name, oid, location)',
    ],
    [
      'unterminated string',
      "status=DONE\nbackup_label='START WAL",
      2,
      'backup_label',
      'unterminated string',
    ],
    [
      'quoted non-string',
      'status=DONE\nerror="a" + "b"',
      2,
      'error',
      'malformed Python literal',
    ],
    [
      'version too large',
      'status=DONE\nversion=123456789',
      2,
      'version',
      'out of range',
    ],
  ])('%s', (_, text, line, key, message) => {
    const e = errorOf(text);
    expect(e.line).toBe(line);
    expect(e.key).toBe(key);
    expect(e.message).toContain(message);
    expect(e.message).toContain(`line ${line}`);
  });

  it('a truncated file without status', () => {
    const text = readFixture('20261121T231912.backup.info');
    const e = errorOf(text.slice(0, text.indexOf('status=')));
    expect(e.message).toMatch(/no status: the file is truncated/);
    // Truncated mid-line inside status's value: an unknown status.
    expect(errorOf(text.slice(0, text.indexOf('status=') + 9)).message).toMatch(
      /unknown status "DO"/,
    );
  });

  it('status=None', () => {
    expect(errorOf('status=None').message).toMatch(/no status/);
  });

  it('a line without =', () => {
    const e = errorOf('status=DONE\njust words');
    expect(e).toMatchObject({ line: 2, key: undefined });
    expect(e.message).toContain('expected key=value');
  });

  it.each([
    ['NUL bytes', 'status=DONE\nerror=a\u0000b', 'U+0000'],
    ['binary junk', 'status=DONE\n\u0089PNG\u001a\n', 'U+0089'],
    ['C1 controls', 'status=DONE\nerror=a\u009bb', 'U+009B'],
  ])('%s', (_, text, char) => {
    const e = errorOf(text);
    expect(e.line).toBe(2);
    expect(e.message).toContain(`binary content (character ${char})`);
  });

  it('keeps U+FFFD inside a value (repr() prints it) but not in a key', () => {
    expect(parseBackupInfo('status=DONE\nerror=bad \ufffd byte').error).toBe(
      'bad \ufffd byte',
    );
    expect(errorOf('status=DONE\n\ufffd\ufffd=x').message).toContain(
      'not a valid key',
    );
  });

  it('a file over 1 MiB', () => {
    const e = errorOf(`status=DONE\n${'#'.repeat(MAX_BACKUP_INFO_LENGTH)}`);
    expect(e.message).toMatch(/over the 1048576 limit/);
  });

  it('a huge single line', () => {
    expect(
      errorOf(`status=DONE\nerror=${'x'.repeat(300 * 1024)}`).message,
    ).toMatch(/longer than/);
  });

  it('non-text content', () => {
    expect(errorOf(Buffer.from('status=DONE') as any).message).toMatch(
      /not text/,
    );
    expect(errorOf(undefined as any).message).toMatch(/not text/);
  });

  it('keys like __proto__ stay data', () => {
    const info = parseBackupInfo('status=DONE\n__proto__=x\nconstructor=y');
    expect(Object.getOwnPropertyDescriptor(info.raw, '__proto__')?.value).toBe(
      'x',
    );
    expect(Object.getPrototypeOf(info.raw)).toBe(Object.prototype);
    expect(info.raw.constructor).toBe('y');
  });
});
