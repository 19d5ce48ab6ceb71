import {
  classifyArchiveFile,
  compareLsn,
  DEFAULT_WAL_SEGMENT_SIZE,
  formatLsn,
  formatWalName,
  historyFileName,
  isLsn,
  isValidSegmentSize,
  isWalName,
  nextWalName,
  normalizeLsn,
  normalizeWalName,
  parseLsn,
  parseWalName,
  prevWalName,
  segmentIndexOfLsn,
  segmentLsnRange,
  segmentsPerLog,
  walDistance,
  walNameForLsn,
  walNameFromPosition,
  walPosition,
  walSegmentPosition,
  walStartLsn,
} from './wal';
import {
  InvalidLsnError,
  InvalidSegmentSizeError,
  InvalidWalNameError,
} from './errors';

const MiB = 1024 * 1024;

describe('segmentsPerLog', () => {
  it.each([
    [1 * MiB, 4096],
    [2 * MiB, 2048],
    [16 * MiB, 256],
    [64 * MiB, 64],
    [256 * MiB, 16],
    [1024 * MiB, 4],
  ])('%d-byte segments give %d per log', (size, expected) => {
    expect(segmentsPerLog(size)).toBe(expected);
    expect(isValidSegmentSize(size)).toBe(true);
  });

  it('defaults to 16 MiB', () => {
    expect(DEFAULT_WAL_SEGMENT_SIZE).toBe(16777216);
    expect(segmentsPerLog()).toBe(256);
  });

  it.each([
    0,
    -16 * MiB,
    512 * 1024,
    2048 * MiB,
    3 * MiB,
    16 * MiB + 1,
    1.5,
    NaN,
    Infinity,
  ])('rejects %p with InvalidSegmentSizeError', size => {
    expect(() => segmentsPerLog(size)).toThrow(InvalidSegmentSizeError);
    expect(isValidSegmentSize(size)).toBe(false);
  });

  it('rejects non-numbers', () => {
    expect(() => segmentsPerLog('16777216' as any)).toThrow(
      InvalidSegmentSizeError,
    );
  });
});

describe('parseWalName / formatWalName', () => {
  it('splits a name into timeline, log and segment', () => {
    expect(parseWalName('00000002000000A10000003F')).toEqual({
      timeline: 2,
      log: 0xa1,
      segment: 0x3f,
    });
    expect(parseWalName('FFFFFFFFFFFFFFFFFFFFFFFF')).toEqual({
      timeline: 0xffffffff,
      log: 0xffffffff,
      segment: 0xffffffff,
    });
  });

  it('is case-insensitive and normalises to upper case', () => {
    expect(parseWalName('0000000100000000000000ab')).toEqual({
      timeline: 1,
      log: 0,
      segment: 0xab,
    });
    expect(normalizeWalName('0000000a0000000b0000000c')).toBe(
      '0000000A0000000B0000000C',
    );
  });

  it.each([
    '',
    '00000001000000000000000',
    '0000000100000000000000001',
    '00000001000000000000000G',
    '000000010000000000000 01',
    '00000000000000000000000A', // timeline 0
    '0x000001000000000000000A',
    '-00000010000000000000001',
  ])('rejects %p with InvalidWalNameError', name => {
    expect(() => parseWalName(name)).toThrow(InvalidWalNameError);
    expect(isWalName(name)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(() => parseWalName(42 as any)).toThrow(InvalidWalNameError);
    expect(isWalName(undefined)).toBe(false);
  });

  it('formats parts with zero padding', () => {
    expect(formatWalName({ timeline: 1, log: 0, segment: 12 })).toBe(
      '00000001000000000000000C',
    );
  });

  it.each([
    { timeline: 0, log: 0, segment: 0 },
    { timeline: 1, log: -1, segment: 0 },
    { timeline: 1, log: 0, segment: 2 ** 32 },
    { timeline: 1.5, log: 0, segment: 0 },
  ])('refuses to format %p', parts => {
    expect(() => formatWalName(parts)).toThrow(InvalidWalNameError);
  });
});

describe('segment positions', () => {
  it('computes index = log * segsPerLog + segment', () => {
    expect(walPosition('000000010000000000000001')).toEqual({
      timeline: 1,
      index: 1,
    });
    expect(walPosition('0000000100000001000000FF')).toEqual({
      timeline: 1,
      index: 511,
    });
    expect(walPosition('000000030000000200000003', 64 * MiB)).toEqual({
      timeline: 3,
      index: 131,
    });
  });

  it('rejects segment numbers that do not exist for the segment size', () => {
    expect(() => walPosition('000000010000000000000040', 64 * MiB)).toThrow(
      /stop at 0000003F/,
    );
    expect(() => walPosition('000000010000000000000100')).toThrow(
      InvalidWalNameError,
    );
  });

  it('goes from …FF to the next log id (PG >= 9.3, no skipped segment)', () => {
    expect(nextWalName('0000000100000000000000FE')).toBe(
      '0000000100000000000000FF',
    );
    expect(nextWalName('0000000100000000000000FF')).toBe(
      '000000010000000100000000',
    );
    expect(prevWalName('000000010000000100000000')).toBe(
      '0000000100000000000000FF',
    );
  });

  it('uses the segment size: 64 MiB stops at 3F, 1 GiB at 03', () => {
    expect(nextWalName('00000001000000000000003F', 64 * MiB)).toBe(
      '000000010000000100000000',
    );
    expect(nextWalName('000000010000000500000003', 1024 * MiB)).toBe(
      '000000010000000600000000',
    );
    expect(nextWalName('000000010000000000000FFF', MiB)).toBe(
      '000000010000000100000000',
    );
  });

  it('refuses to go before the first segment or past the last', () => {
    expect(() => prevWalName('000000010000000000000000')).toThrow(
      InvalidWalNameError,
    );
    expect(() => nextWalName('00000001FFFFFFFF000000FF')).toThrow(
      InvalidWalNameError,
    );
  });

  it('rebuilds names from positions and validates the index', () => {
    expect(walNameFromPosition({ timeline: 2, index: 256 })).toBe(
      '000000020000000100000000',
    );
    expect(() => walNameFromPosition({ timeline: 1, index: -1 })).toThrow(
      InvalidWalNameError,
    );
    expect(() => walNameFromPosition({ timeline: 1, index: 0.5 })).toThrow(
      InvalidWalNameError,
    );
    expect(() => walNameFromPosition({ timeline: 1, index: 2 ** 40 })).toThrow(
      InvalidWalNameError,
    );
  });

  it('counts segments between two names inclusively', () => {
    expect(
      walDistance('0000000100000000000000FE', '000000010000000100000001'),
    ).toBe(4);
    expect(
      walDistance('000000010000000000000005', '000000010000000000000005'),
    ).toBe(1);
    expect(
      walDistance('000000010000000000000005', '000000010000000000000004'),
    ).toBe(0);
    expect(() =>
      walDistance('000000010000000000000005', '000000020000000000000006'),
    ).toThrow(/different timelines/);
  });
});

describe('LSNs', () => {
  it('parses X/X to a bigint, case-insensitive', () => {
    expect(parseLsn('0/C000028')).toBe(0xc000028n);
    expect(parseLsn('16/b374d848')).toBe((0x16n << 32n) | 0xb374d848n);
    expect(parseLsn('FFFFFFFF/FFFFFFFF')).toBe((1n << 64n) - 1n);
    expect(isLsn('0/0')).toBe(true);
  });

  it.each([
    '',
    '0',
    '/0',
    '0/',
    '0/0/0',
    '123456789/0',
    '0/123456789',
    'G/0',
    ' 0/0',
    '0/0 ',
    '-1/0',
    5,
  ])('rejects %p with InvalidLsnError', text => {
    expect(() => parseLsn(text as any)).toThrow(InvalidLsnError);
    expect(isLsn(text)).toBe(false);
  });

  it('formats like PostgreSQL and normalises', () => {
    expect(formatLsn(0xc000028n)).toBe('0/C000028');
    expect(formatLsn((0x16n << 32n) | 0xb374d848n)).toBe('16/B374D848');
    expect(normalizeLsn('00000000/0c000028')).toBe('0/C000028');
    expect(() => formatLsn(-1n)).toThrow(InvalidLsnError);
    expect(() => formatLsn(1n << 64n)).toThrow(InvalidLsnError);
    expect(() => formatLsn(5 as any)).toThrow(InvalidLsnError);
  });

  it('compares numerically, not as text', () => {
    expect(compareLsn('0/A000000', '0/9000000')).toBe(1);
    expect(compareLsn('1/0', 'F/0')).toBe(-1);
    expect(compareLsn('0/c', '0/C')).toBe(0);
  });

  it('finds the segment containing an LSN (reference example and boundaries)', () => {
    expect(walNameForLsn('0/C000028', 1)).toBe('00000001000000000000000C');
    expect(walNameForLsn('0/FFFFFFF', 1)).toBe('00000001000000000000000F');
    expect(walNameForLsn('0/10000000', 1)).toBe('000000010000000000000010');
    expect(walNameForLsn('1/0', 2)).toBe('000000020000000100000000');
    expect(walNameForLsn('16/B374D848', 1, 64 * MiB)).toBe(
      '00000001000000160000002C',
    );
    expect(walNameForLsn(0x5000028n, 1)).toBe('000000010000000000000005');
    expect(segmentIndexOfLsn('FFFFFFFF/FFFFFFFF', MiB)).toBe(2 ** 44 - 1);
    expect(() => segmentIndexOfLsn(-5n)).toThrow(InvalidLsnError);
  });

  it('gives the LSN range a segment covers, up to the very last segment', () => {
    expect(segmentLsnRange('00000001FFFFFFFF000000FF')).toEqual({
      start: 'FFFFFFFF/FF000000',
      last: 'FFFFFFFF/FFFFFFFF',
    });
    expect(segmentLsnRange('00000001000000000000000C')).toEqual({
      start: '0/C000000',
      last: '0/CFFFFFF',
    });
    expect(segmentLsnRange('0000000100000000000000FF')).toEqual({
      start: '0/FF000000',
      last: '0/FFFFFFFF',
    });
    expect(segmentLsnRange('000000010000000000000003', 1024 * MiB)).toEqual({
      start: '0/C0000000',
      last: '0/FFFFFFFF',
    });
  });
});

describe('classifyArchiveFile', () => {
  it.each([
    ['000000010000000000000001', 'segment', '000000010000000000000001', 'none'],
    [
      '000000010000000000000001.gz',
      'segment',
      '000000010000000000000001',
      'gzip',
    ],
    [
      '000000010000000000000001.bz2',
      'segment',
      '000000010000000000000001',
      'bzip2',
    ],
    [
      '000000010000000000000001.xz',
      'segment',
      '000000010000000000000001',
      'xz',
    ],
    [
      '000000010000000000000001.snappy',
      'segment',
      '000000010000000000000001',
      'snappy',
    ],
    [
      '000000010000000000000001.zst',
      'segment',
      '000000010000000000000001',
      'zstd',
    ],
    [
      '000000010000000000000001.lz4',
      'segment',
      '000000010000000000000001',
      'lz4',
    ],
    [
      '0000000100000000000000ab.GZ',
      'segment',
      '0000000100000000000000AB',
      'gzip',
    ],
    [
      '000000010000000000000012.partial',
      'partial',
      '000000010000000000000012.partial',
      'none',
    ],
    [
      '000000010000000000000012.partial.zst',
      'partial',
      '000000010000000000000012.partial',
      'zstd',
    ],
    [
      '000000010000000000000012.PARTIAL',
      'partial',
      '000000010000000000000012.partial',
      'none',
    ],
    [
      '00000001000000000000000C.00000028.backup',
      'backup',
      '00000001000000000000000C.00000028.backup',
      'none',
    ],
    [
      '00000001000000000000000c.0000002a.backup.bz2',
      'backup',
      '00000001000000000000000C.0000002A.backup',
      'bzip2',
    ],
    ['00000002.history', 'history', '00000002.history', 'none'],
    ['0000000a.history.gz', 'history', '0000000A.history', 'gzip'],
  ])('%s → %s', (file, kind, name, compression) => {
    const result = classifyArchiveFile(file);
    expect(result).toMatchObject({ kind, name, compression });
  });

  it('gives parts for segments and offsets for .backup files', () => {
    expect(
      classifyArchiveFile(
        'wals/0000000100000000/00000001000000000000000C.00000028.backup.gz',
      ),
    ).toEqual({
      kind: 'backup',
      name: '00000001000000000000000C.00000028.backup',
      compression: 'gzip',
      timeline: 1,
      segmentName: '00000001000000000000000C',
      log: 0,
      segment: 12,
      backupOffset: 0x28,
    });
    expect(classifyArchiveFile('00000003.history')).toEqual({
      kind: 'history',
      name: '00000003.history',
      compression: 'none',
      timeline: 3,
    });
  });

  it.each([
    '',
    'README',
    '000000010000000000000001.gz.gz',
    '000000010000000000000001.zip',
    '000000010000000000000001.tmp',
    '00000001000000000000001',
    '0000000100000000000000011',
    '00000000000000000000000A.gz', // timeline 0
    '00000000.history',
    '00000002.History.txt',
    '0000000200000000.history',
    '000000010000000000000001.0000002.backup',
    '000000010000000000000001.00000028.backupx',
    '000000010000000000000001.partia',
    '.gz',
    '00000001000000000000000G.gz',
    '0000000100000000000000001.partial',
  ])('%p is unknown (ignored like barman does)', file => {
    expect(classifyArchiveFile(file)).toEqual({
      kind: 'unknown',
      name: file,
      compression: 'none',
      timeline: 0,
    });
  });

  it('never throws on non-strings', () => {
    expect(classifyArchiveFile(undefined as any).kind).toBe('unknown');
  });
});

describe('historyFileName', () => {
  it('pads the timeline', () => {
    expect(historyFileName(2)).toBe('00000002.history');
    expect(historyFileName(0xab)).toBe('000000AB.history');
    expect(() => historyFileName(-1)).toThrow(InvalidWalNameError);
  });
});

describe('walSegmentPosition / walStartLsn (the one WAL home for the planner and the chart)', () => {
  it('positions a segment and gives its first LSN', () => {
    expect(walSegmentPosition('000000020000000100000003')).toEqual({
      timeline: 2,
      index: 256 + 3,
    });
    expect(walStartLsn('000000010000000100000003')).toBe(
      (1n << 32n) + 3n * 16n * 1024n * 1024n,
    );
    expect(walStartLsn('000000010000000000000003', 64 * 1024 * 1024)).toBe(
      3n * 64n * 1024n * 1024n,
    );
  });

  it.each([
    undefined,
    '',
    'nope',
    '000000000000000100000003',
    '000000010000000000000040',
  ])('never throws for %p (undefined instead)', name => {
    expect(walSegmentPosition(name, 64 * 1024 * 1024)).toBeUndefined();
    expect(walStartLsn(name, 64 * 1024 * 1024)).toBeUndefined();
  });

  it('refuses an invalid segment size', () => {
    expect(
      walSegmentPosition('000000010000000000000003', 1000),
    ).toBeUndefined();
  });
});
