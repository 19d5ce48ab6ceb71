import { buildCatalog } from './buildCatalog';
import { InvalidCatalogInputError } from './errors';
import {
  ArchiveBuilder,
  barmanSampleInput,
  cleanScan,
  wal,
} from './__testUtils__/archive';
import type { BarmanCatalog } from './types';

const ids = (catalog: BarmanCatalog) =>
  catalog.diagnoses.map(d => `${d.severity}:${d.id}`);

describe('buildCatalog on the real barman 3.4 sample', () => {
  const catalog = buildCatalog(barmanSampleInput());

  it('lists both backups with stored size, compression and times from backup.info', () => {
    expect(catalog.schemaVersion).toBe(1);
    expect(catalog.serverName).toBe('pg-demo');
    expect(catalog.destination).toBe('s3://cnpg-backups/demo');
    expect(catalog.backups).toEqual([
      {
        id: '20261121T231912',
        name: 'first-backup',
        status: 'DONE',
        beginTime: '2026-11-21T23:19:12.789Z',
        endTime: '2026-11-21T23:19:19.492Z',
        beginWal: '000000010000000000000005',
        endWal: '000000010000000000000005',
        beginLsn: '0/5000028',
        endLsn: '0/5000100',
        timeline: 1,
        storedBytes: 1158 + 11196678,
        objectCount: 2,
        dataCompression: 'gzip',
        pgVersion: 150020,
        systemId: '7710768199136714818',
        walSegmentSize: 16777216,
        restorable: true,
        lastModified: '2026-11-21T23:19:21.000Z',
      },
      {
        id: '20261121T231929',
        status: 'DONE',
        beginTime: '2026-11-21T23:19:29.443Z',
        endTime: '2026-11-21T23:19:33.540Z',
        beginWal: '000000010000000000000008',
        endWal: '000000010000000000000008',
        beginLsn: '0/8000028',
        endLsn: '0/8000100',
        timeline: 1,
        storedBytes: 1177 + 11883772,
        objectCount: 2,
        dataCompression: 'bzip2',
        pgVersion: 150020,
        systemId: '7710768199136714818',
        walSegmentSize: 16777216,
        restorable: true,
        lastModified: '2026-11-21T23:29:35.000Z',
      },
    ]);
  });

  it('builds the WAL inventory of timeline 1 with both compressions and no gap', () => {
    expect(catalog.wal).toEqual({
      segmentSize: 16777216,
      compressions: ['gzip', 'bzip2'],
      timelines: [
        {
          timeline: 1,
          firstSegment: '000000010000000000000001',
          lastSegment: '00000001000000000000000B',
          segmentCount: 11,
          gaps: [],
          historyFile: true,
          partialSegments: [],
          lastModified: '2026-11-21T23:31:06.000Z',
        },
      ],
    });
  });

  it('computes the recovery window: CNPG first point, newest WAL, one merged range', () => {
    expect(catalog.recoveryWindow).toEqual({
      firstRecoverabilityPoint: '2026-11-21T23:19:19.492Z',
      lastSuccessfulBackupTime: '2026-11-21T23:19:33.540Z',
      lastRecoverableWal: '00000001000000000000000B',
      lastRecoverablePoint: '2026-11-21T23:31:06.000Z',
      ranges: [
        {
          timeline: 1,
          from: '2026-11-21T23:19:19.492Z',
          to: '2026-11-21T23:31:06.000Z',
          baseBackupId: '20261121T231912',
          fromWal: '000000010000000000000005',
          toWal: '00000001000000000000000B',
        },
      ],
    });
  });

  it('finds nothing wrong and keeps the scan info', () => {
    expect(catalog.diagnoses).toEqual([]);
    expect(catalog.scan).toEqual(cleanScan({ walObjects: 13 }));
  });
});

describe('buildCatalog on the real sample with objects removed', () => {
  const without = (...suffixes: string[]) => {
    const input = barmanSampleInput();
    input.objects = input.objects.filter(
      o => !suffixes.some(s => o.key.endsWith(s)),
    );
    return buildCatalog(input);
  };

  it('a lost segment after the newest backup is an error and ends the window before it', () => {
    const catalog = without('000000010000000000000009.bz2');
    expect(catalog.wal.timelines[0].gaps).toEqual([
      {
        firstMissing: '000000010000000000000009',
        lastMissing: '000000010000000000000009',
        count: 1,
      },
    ]);
    expect(ids(catalog)).toEqual(['error:wal-gap']);
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(
      '000000010000000000000008',
    );
    expect(catalog.recoveryWindow.lastRecoverablePoint).toBe(
      '2026-11-21T23:29:33.000Z',
    );
  });

  it('a lost segment inside the older backup makes only that backup unrestorable', () => {
    const catalog = without('000000010000000000000005.gz');
    expect(catalog.backups.map(b => b.restorable)).toEqual([false, true]);
    expect(ids(catalog)).toEqual([
      'error:backup-not-restorable',
      'warning:wal-gap',
    ]);
    // The CNPG rule ignores WAL; the ranges show what really works.
    expect(catalog.recoveryWindow.firstRecoverabilityPoint).toBe(
      '2026-11-21T23:19:19.492Z',
    );
    expect(catalog.recoveryWindow.ranges).toEqual([
      expect.objectContaining({
        baseBackupId: '20261121T231929',
        from: '2026-11-21T23:19:33.540Z',
      }),
    ]);
  });

  it('a listing without the newest backup.info shows it as still running', () => {
    const input = barmanSampleInput();
    input.objects = input.objects.filter(
      o => o.key !== 'base/20261121T231929/backup.info',
    );
    delete input.backupInfos['20261121T231929'];
    input.now = '2026-11-21T23:35:00.000Z';
    const catalog = buildCatalog(input);
    expect(catalog.backups[1]).toMatchObject({
      status: 'INCOMPLETE',
      restorable: false,
    });
    expect(ids(catalog)).toEqual(['info:backup-incomplete']);
    expect(catalog.recoveryWindow.lastSuccessfulBackupTime).toBe(
      '2026-11-21T23:19:19.492Z',
    );
  });
});

describe('buildCatalog: backups', () => {
  it('sorts backups by id and marks a folder without backup.info INCOMPLETE', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 10)
      .backup('20260101T020000', { begin: 3, end: 4 })
      .backup('20251231T020000', { begin: 1, end: 2 })
      .backup('20260101T030000', { status: 'none' });
    const catalog = buildCatalog(a.input());
    expect(catalog.backups.map(b => [b.id, b.status, b.restorable])).toEqual([
      ['20251231T020000', 'DONE', true],
      ['20260101T020000', 'DONE', true],
      ['20260101T030000', 'INCOMPLETE', false],
    ]);
    expect(catalog.backups[2].error).toMatch(/no backup.info/);
    expect(catalog.backups[2].storedBytes).toBe(10_000);
  });

  it('reads data compression from every tarball extension and ignores backup.info compression', () => {
    const exts: Array<[string, string]> = [
      ['data.tar', 'none'],
      ['data.tar.gz', 'gzip'],
      ['data.tar.bz2', 'bzip2'],
      ['data.tar.snappy', 'snappy'],
      ['data.tar.lz4', 'lz4'],
    ];
    const objects = exts.map(([file], i) => ({
      key: `base/2026010${i + 1}T000000/${file}`,
      size: 1,
      lastModified: '2026-01-01T00:00:00.000Z',
    }));
    const catalog = buildCatalog({
      destination: 's3://b',
      serverName: 's',
      objects,
      backupInfos: {},
      scan: cleanScan(),
      now: '2026-01-01T00:00:00.000Z',
    });
    expect(catalog.backups.map(b => b.dataCompression)).toEqual(
      exts.map(([, c]) => c),
    );
  });

  it('prefers data.tar* over data_0001 parts and counts tablespace tarballs in the size', () => {
    const lm = '2026-01-01T00:00:00.000Z';
    const catalog = buildCatalog({
      destination: 's3://b',
      serverName: 's',
      objects: [
        {
          key: 'base/20260101T000000/data_0001.tar.bz2',
          size: 5,
          lastModified: lm,
        },
        { key: 'base/20260101T000000/data.tar.gz', size: 7, lastModified: lm },
        {
          key: 'base/20260101T000000/16394.tar.gz',
          size: 11,
          lastModified: lm,
        },
      ],
      backupInfos: {},
      scan: cleanScan(),
      now: lm,
    });
    expect(catalog.backups[0]).toMatchObject({
      dataCompression: 'gzip',
      storedBytes: 23,
      objectCount: 3,
    });
  });

  it('marks keep annotations: presence from the listing, content when given', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 5)
      .backup('20260101T020000')
      .backup('20260102T020000');
    a.objects.push(
      {
        key: 'base/20260101T020000/annotations/keep',
        size: 4,
        lastModified: '2026-01-01T00:00:00.000Z',
      },
      {
        key: 'base/20260102T020000/annotations/keep',
        size: 10,
        lastModified: '2026-01-01T00:00:00.000Z',
      },
    );
    const catalog = buildCatalog(
      a.input({ keepAnnotations: { '20260102T020000': 'standalone\n' } }),
    );
    expect(catalog.backups[0]).toMatchObject({ keepAnnotationPresent: true });
    expect(catalog.backups[0].keep).toBeUndefined();
    expect(catalog.backups[1]).toMatchObject({
      keepAnnotationPresent: true,
      keep: 'standalone',
    });
  });

  it('ignores folders that are not backup ids and objects outside base/ and wals/', () => {
    const lm = '2026-01-01T00:00:00.000Z';
    const catalog = buildCatalog({
      destination: 's3://b',
      serverName: 's',
      objects: [
        { key: 'base/not-an-id/backup.info', size: 1, lastModified: lm },
        { key: 'base/loose-file', size: 1, lastModified: lm },
        { key: 'other/thing', size: 1, lastModified: lm },
        { key: 'wals/junk.txt', size: 1, lastModified: lm },
      ],
      backupInfos: { 'not-an-id': 'status=DONE' },
      scan: cleanScan(),
      now: lm,
    });
    expect(catalog.backups).toEqual([]);
    expect(catalog.wal.timelines).toEqual([]);
    expect(ids(catalog)).toEqual(['error:no-done-backup']);
  });

  it('marks a DONE backup with missing WAL not restorable, with the missing names', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 10, [5, 6])
      .backup('20260101T020000', { begin: 4, end: 7 });
    const catalog = buildCatalog(a.input());
    expect(catalog.backups[0].restorable).toBe(false);
    expect(catalog.backups[0].error).toMatch(/000000010000000000000005/);
    const d = catalog.diagnoses.find(x => x.id === 'backup-not-restorable')!;
    expect(d.severity).toBe('error');
    expect(d.evidence.join('\n')).toContain(
      'wals/0000000100000000/000000010000000000000006',
    );
    // Built from the bucket alone: the Cluster is not guessed from the serverName.
    expect(d.fix).toContain('kubectl cnpg backup <cluster> --method=plugin');
    expect(catalog.recoveryWindow.ranges).toEqual([]);
    expect(catalog.recoveryWindow.lastRecoverableWal).toBeUndefined();
    // The CNPG rule does not look at WAL: the first point is still the DONE backup's end.
    expect(catalog.recoveryWindow.firstRecoverabilityPoint).toBe(
      '2026-01-01T02:00:00.250Z',
    );
  });

  it("reports a FAILED backup with barman's error, and no-done-backup", () => {
    const a = new ArchiveBuilder().segments(1, 1, 3).backup('20260101T020000', {
      status: 'FAILED',
      error: 'failure uploading data (AccessDenied)',
    });
    const catalog = buildCatalog(a.input({ clusterName: 'orders' }));
    expect(catalog.backups[0]).toMatchObject({
      status: 'FAILED',
      error: 'failure uploading data (AccessDenied)',
      restorable: false,
    });
    expect(ids(catalog)).toEqual([
      'error:no-done-backup',
      'warning:backup-failed',
    ]);
    const failed = catalog.diagnoses[1];
    expect(failed.message).toContain('failure uploading data (AccessDenied)');
    expect(failed.fixSnippet).toContain('method: plugin');
    expect(failed.fixSnippet).toContain('name: orders');
  });

  it('makes an incomplete backup info when newest and recent, warning when old or superseded', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 5)
      .backup('20260101T020000', { begin: 2 });
    a.backup('20260101T030000', {
      status: 'none',
      lastModified: '2026-01-01T03:00:00.000Z',
    });
    const recent = buildCatalog(a.input({ now: '2026-01-01T04:00:00.000Z' }));
    expect(ids(recent)).toEqual(['info:backup-incomplete']);
    const old = buildCatalog(a.input({ now: '2026-01-01T10:00:00.000Z' }));
    expect(ids(old)).toEqual(['warning:backup-incomplete']);
    expect(old.diagnoses[0].message).toMatch(/killed/);
    a.backup('20260101T040000', { begin: 3 });
    const superseded = buildCatalog(
      a.input({ now: '2026-01-01T04:00:00.000Z' }),
    );
    expect(ids(superseded)).toEqual(['warning:backup-incomplete']);
  });

  it('turns an invalid backup.info into a named scan error and an error diagnosis', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 5)
      .backup('20260101T020000', { begin: 2 });
    a.backupInfos['20260101T020000'] = 'status=DONE\ntimeline=abc\n';
    const catalog = buildCatalog(a.input());
    expect(catalog.backups[0].status).toBe('INCOMPLETE');
    expect(catalog.backups[0].error).toMatch(/line 2, key "timeline"/);
    expect(catalog.scan.errors).toEqual([
      expect.objectContaining({
        name: 'InvalidBackupInfo',
        key: 'base/20260101T020000/backup.info',
      }),
    ]);
    expect(catalog.scan.complete).toBe(true);
    expect(ids(catalog)).toEqual([
      'error:invalid-backup-info',
      'error:no-done-backup',
    ]);
  });

  it('does not call a backup.info that was listed but not read "incomplete"', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 5)
      .backup('20260101T020000', { begin: 2 });
    delete a.backupInfos['20260101T020000'];
    const scan = cleanScan({
      complete: false,
      errors: [
        {
          name: 'AccessDenied',
          message: 'denied',
          key: 'base/20260101T020000/backup.info',
        },
      ],
    });
    const catalog = buildCatalog(a.input({ scan }));
    expect(catalog.backups[0].error).toMatch(/not read/);
    expect(ids(catalog)).toEqual([
      'error:no-done-backup',
      'error:scan-incomplete',
    ]);
    expect(catalog.scan.complete).toBe(false);
    expect(catalog.diagnoses[1].evidence).toEqual([
      'AccessDenied: denied (base/20260101T020000/backup.info)',
    ]);
    // The input is not mutated.
    expect(scan.errors).toHaveLength(1);
  });

  it('warns about mixed segment sizes and WAL names beyond the segment size', () => {
    const a = new ArchiveBuilder().segments(1, 1, 3);
    a.backup('20260101T020000', { begin: 1, segmentSize: 64 * 1024 * 1024 });
    a.backup('20260101T030000', { begin: 1, segmentSize: 16 * 1024 * 1024 });
    a.objects.push({
      key: 'wals/0000000100000000/0000000100000000000000F0.gz',
      size: 1,
      lastModified: '2026-01-01T00:00:00.000Z',
    });
    const catalog = buildCatalog(a.input());
    expect(catalog.wal.segmentSize).toBe(16 * 1024 * 1024);
    const d = catalog.diagnoses.find(x => x.id === 'segment-size-mismatch')!;
    expect(d.severity).toBe('warning');
    expect(d.evidence.join('\n')).toContain(
      'xlog_segment_size=67108864: 20260101T020000',
    );
    expect(catalog.backups[0].restorable).toBe(false);
    expect(catalog.backups[1].restorable).toBe(true);

    const b = new ArchiveBuilder(64)
      .segments(1, 1, 3)
      .backup('20260101T020000', { begin: 1 });
    b.objects.push({
      key: 'wals/0000000100000000/000000010000000000000040.gz',
      size: 1,
      lastModified: '2026-01-01T00:00:00.000Z',
    });
    const c2 = buildCatalog(b.input());
    expect(c2.wal.segmentSize).toBe(64 * 1024 * 1024);
    expect(c2.diagnoses.map(x => x.id)).toEqual(['segment-size-mismatch']);
    expect(c2.diagnoses[0].evidence[1]).toContain('000000010000000000000040');
  });
});

describe('buildCatalog: WAL inventory and gaps', () => {
  it('reports gaps as ranges and classifies them against the newest DONE backup', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 30, [5, 6, 7, 20])
      .backup('20260101T020000', { begin: 1, end: 2 })
      .backup('20260102T020000', { begin: 10, end: 11 });
    const catalog = buildCatalog(a.input());
    expect(catalog.wal.timelines[0].gaps).toEqual([
      { firstMissing: wal(1, 5), lastMissing: wal(1, 7), count: 3 },
      { firstMissing: wal(1, 20), lastMissing: wal(1, 20), count: 1 },
    ]);
    expect(catalog.wal.timelines[0].segmentCount).toBe(26);
    expect(ids(catalog)).toEqual(['error:wal-gap', 'warning:wal-gap']);
    expect(catalog.diagnoses[0].evidence).toEqual([`missing ${wal(1, 20)}`]);
    expect(catalog.diagnoses[1].evidence).toEqual([
      `missing ${wal(1, 5)} … ${wal(1, 7)} (3 segments)`,
    ]);
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(wal(1, 19));
    expect(
      catalog.recoveryWindow.ranges.map(r => [r.baseBackupId, r.toWal]),
    ).toEqual([
      ['20260101T020000', wal(1, 4)],
      ['20260102T020000', wal(1, 19)],
    ]);
  });

  it('crosses log boundaries (…FF → next log 00) without a gap', () => {
    const a = new ArchiveBuilder()
      .segments(1, 250, 260)
      .backup('20260101T020000', { begin: 250, end: 251 });
    const catalog = buildCatalog(a.input());
    expect(catalog.wal.timelines[0]).toMatchObject({
      firstSegment: '0000000100000000000000FA',
      lastSegment: '000000010000000100000004',
      gaps: [],
      segmentCount: 11,
    });
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(
      '000000010000000100000004',
    );
  });

  it('sorts listings that are not in WAL order and drops duplicate compressions', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 6)
      .backup('20260101T020000', { begin: 1 });
    a.objects.reverse();
    a.objects.push({
      key: `wals/0000000100000000/${wal(1, 3)}.bz2`,
      size: 1,
      lastModified: '2030-01-01T00:00:00.000Z',
    });
    const catalog = buildCatalog(a.input());
    expect(catalog.wal.timelines[0]).toMatchObject({
      segmentCount: 6,
      gaps: [],
    });
    expect(catalog.wal.compressions).toEqual(['gzip', 'bzip2']);
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(wal(1, 6));
  });

  it('lower-case hex keys are the same segments', () => {
    const a = new ArchiveBuilder()
      .segments(1, 10, 12)
      .backup('20260101T020000', { begin: 10 });
    a.objects.push({
      key: 'wals/0000000100000000/00000001000000000000000d.gz',
      size: 1,
      lastModified: '2026-02-01T00:00:00.000Z',
    });
    const catalog = buildCatalog(a.input());
    expect(catalog.wal.timelines[0].lastSegment).toBe(
      '00000001000000000000000D',
    );
    expect(catalog.recoveryWindow.lastRecoverablePoint).toBe(
      '2026-02-01T00:00:00.000Z',
    );
  });
});

describe('buildCatalog: timelines', () => {
  /** TL1 1..9 + partial 10, switch at 0/A000000+0x100 → TL2 from segment 10. */
  const promoted = () =>
    new ArchiveBuilder()
      .segments(1, 1, 9)
      .backup('20260101T020000', { begin: 2, end: 3 })
      .partial(1, 10)
      .history(2, [[1, '0/A000100']])
      .segments(2, 10, 14);

  it('follows the switch from timeline 1 to 2 through the history file', () => {
    const catalog = buildCatalog(promoted().input());
    expect(catalog.wal.timelines).toEqual([
      expect.objectContaining({
        timeline: 1,
        gaps: [],
        historyFile: true,
        partialSegments: [wal(1, 10)],
      }),
      expect.objectContaining({
        timeline: 2,
        gaps: [],
        historyFile: true,
        parentTimeline: 1,
        switchLsn: '0/A000100',
        firstSegment: wal(2, 10),
      }),
    ]);
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(wal(2, 14));
    expect(catalog.recoveryWindow.ranges).toEqual([
      expect.objectContaining({
        timeline: 2,
        baseBackupId: '20260101T020000',
        fromWal: wal(1, 2),
        toWal: wal(2, 14),
      }),
    ]);
    expect(catalog.diagnoses).toEqual([]);
  });

  it('flags a missing history file for timeline 2 and stops the chain there', () => {
    const a = promoted();
    a.objects.splice(
      a.objects.findIndex(o => o.key.endsWith('.history.gz')),
      1,
    );
    delete a.historyFiles[2];
    const catalog = buildCatalog(a.input());
    expect(ids(catalog)).toEqual(['error:missing-history-file']);
    expect(catalog.diagnoses[0].message).toContain('00000002.history');
    expect(catalog.diagnoses[0].fixSnippet).toContain(
      's3://bucket/prefix/orders-db/wals/00000002.history',
    );
    expect(catalog.wal.timelines[1].historyFile).toBe(false);
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(wal(1, 9));
  });

  it('flags a child timeline that starts after its switch segment', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 9)
      .backup('20260101T020000', { begin: 2 })
      .history(2, [[1, '0/A000100']])
      .segments(2, 12, 14);
    const catalog = buildCatalog(a.input());
    expect(catalog.wal.timelines[1].gaps).toEqual([
      { firstMissing: wal(2, 10), lastMissing: wal(2, 11), count: 2 },
    ]);
    expect(ids(catalog)).toEqual(['error:wal-gap']);
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(wal(1, 9));
  });

  it('flags missing segments before the partial on the parent timeline', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 6)
      .backup('20260101T020000', { begin: 2 })
      .partial(1, 10)
      .history(2, [[1, '0/A000100']])
      .segments(2, 10, 11);
    const catalog = buildCatalog(a.input());
    expect(catalog.wal.timelines[0].gaps).toEqual([
      { firstMissing: wal(1, 7), lastMissing: wal(1, 9), count: 3 },
    ]);
    expect(ids(catalog)).toEqual(['error:wal-gap']);
  });

  it('does not follow a child that branched before the backup ended', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 12)
      .backup('20260101T020000', { begin: 8, end: 11 })
      .history(2, [[1, '0/A000100']])
      .segments(2, 10, 14);
    const catalog = buildCatalog(a.input());
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(wal(1, 12));
  });

  it('follows three timelines using only the newest history file for the middle one', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 4)
      .backup('20260101T020000', { begin: 1 })
      .segments(2, 5, 7)
      .history(3, [
        [1, '0/5000000'],
        [2, '0/8000000'],
      ])
      .segments(3, 8, 9);
    // Timeline 2's history file is listed but not readable.
    a.objects.push({
      key: 'wals/00000002.history.gz',
      size: 1,
      lastModified: '2026-01-01T00:00:00.000Z',
    });
    const catalog = buildCatalog(a.input());
    expect(
      catalog.wal.timelines.map(t => [
        t.timeline,
        t.parentTimeline,
        t.switchLsn,
      ]),
    ).toEqual([
      [1, undefined, undefined],
      [2, 1, '0/5000000'],
      [3, 2, '0/8000000'],
    ]);
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(wal(3, 9));
    expect(catalog.diagnoses).toEqual([]);
  });

  it('reports an invalid history file', () => {
    const a = promoted();
    a.historyFiles[2] = 'garbage';
    const catalog = buildCatalog(a.input());
    expect(ids(catalog)).toEqual(['error:invalid-history-file']);
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(wal(1, 9));
  });

  it('an invalid history file that was read but not listed is not also "missing"', () => {
    const a = promoted();
    a.objects.splice(
      a.objects.findIndex(o => o.key.endsWith('.history.gz')),
      1,
    );
    a.historyFiles[2] = '1\tnot-an-lsn';
    const catalog = buildCatalog(a.input());
    expect(ids(catalog)).toEqual(['error:invalid-history-file']);
    expect(catalog.diagnoses[0].evidence[1]).toContain('line 1');
    expect(catalog.wal.timelines[1].historyFile).toBe(true);
  });
});

describe('buildCatalog: more timeline and window rules', () => {
  it('follows the child when the backup ends inside the switch segment before the switch LSN', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 9)
      // end_xlog = 0/A000028 (builder adds 0x28), switch at 0/A000100: same segment, earlier.
      .backup('20260101T020000', { begin: 9, end: 10 })
      .segments(1, 10, 10)
      .history(2, [[1, '0/A000100']])
      .segments(2, 10, 12);
    expect(buildCatalog(a.input()).recoveryWindow.lastRecoverableWal).toBe(
      wal(2, 12),
    );

    const b = new ArchiveBuilder()
      .segments(1, 1, 11)
      .backup('20260101T020000', { begin: 9, end: 10 })
      // The switch happened at 0/A000010, before the backup's end at 0/A000028.
      .history(2, [[1, '0/A000010']])
      .segments(2, 10, 12);
    expect(buildCatalog(b.input()).recoveryWindow.lastRecoverableWal).toBe(
      wal(1, 11),
    );
  });

  it('prefers the highest timeline when two promotions branched from the same parent', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 9)
      .backup('20260101T020000', { begin: 2 })
      .history(2, [[1, '0/6000000']])
      .segments(2, 6, 20)
      .history(3, [[1, '0/8000000']])
      .segments(3, 8, 10);
    const catalog = buildCatalog(a.input());
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(wal(3, 10));
    expect(catalog.diagnoses).toEqual([]);
  });

  it('merges ranges whose chains end on the same WAL and keeps other chains apart', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 12)
      .backup('20260101T020000', { begin: 2 })
      .backup('20260101T030000', { begin: 4 })
      .history(2, [[1, '0/A000000']])
      .segments(2, 10, 14)
      // A backup on the old timeline after the switch: its chain stays on timeline 1.
      .backup('20260101T040000', { begin: 11, end: 11 });
    const { ranges } = buildCatalog(a.input()).recoveryWindow;
    expect(
      ranges.map(r => [r.timeline, r.baseBackupId, r.fromWal, r.toWal]),
    ).toEqual([
      [2, '20260101T020000', wal(1, 2), wal(2, 14)],
      [1, '20260101T040000', wal(1, 11), wal(1, 12)],
    ]);
    // Object times in this synthetic archive precede the backup times: ends are clamped.
    expect(ranges.every(r => r.to >= r.from)).toBe(true);
  });

  it('lists a timeline that only has its history file so far', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 4)
      .backup('20260101T020000', { begin: 1 })
      .history(2, [[1, '0/5000000']]);
    const catalog = buildCatalog(a.input());
    expect(catalog.wal.timelines[1]).toEqual({
      timeline: 2,
      segmentCount: 0,
      gaps: [],
      historyFile: true,
      partialSegments: [],
      parentTimeline: 1,
      switchLsn: '0/5000000',
    });
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(wal(1, 4));
  });

  it('treats a backup.info with status STARTED as unfinished', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 4)
      .backup('20260101T020000', { begin: 1 })
      .backup('20260101T030000', {
        begin: 3,
        status: 'STARTED',
        lastModified: '2026-01-01T03:00:00.000Z',
      });
    const catalog = buildCatalog(a.input({ now: '2026-01-01T04:00:00.000Z' }));
    expect(catalog.backups[1]).toMatchObject({
      status: 'STARTED',
      restorable: false,
    });
    expect(ids(catalog)).toEqual(['info:backup-incomplete']);
    expect(catalog.diagnoses[0].evidence[0]).toContain('status is not final');
  });

  it('reports at most 20 failed backups, noting the older ones', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 3)
      .backup('20260101T000000', { begin: 1 });
    for (let d = 2; d <= 26; d++) {
      a.backup(`202601${String(d).padStart(2, '0')}T020000`, {
        status: 'FAILED',
        error: `error ${d}`,
      });
    }
    const failed = buildCatalog(a.input()).diagnoses.filter(
      d => d.id === 'backup-failed',
    );
    expect(failed).toHaveLength(20);
    expect(failed[0].message).toContain('20260126T020000');
    expect(failed[19].evidence).toContain(
      '5 older failed backups are not listed',
    );
  });

  it('marks a DONE backup whose WAL spans two timelines as not restorable', () => {
    const a = new ArchiveBuilder().segments(1, 1, 5);
    a.backup('20260101T020000', { begin: 1 });
    a.backupInfos['20260101T020000'] = a.backupInfos['20260101T020000'].replace(
      `end_wal=${wal(1, 1)}`,
      `end_wal=${wal(2, 1)}`,
    );
    const catalog = buildCatalog(a.input());
    expect(catalog.backups[0].restorable).toBe(false);
    expect(catalog.backups[0].error).toMatch(/different timelines/);
  });

  it('reads history files keyed by string timelines too', () => {
    const a = new ArchiveBuilder()
      .segments(1, 1, 4)
      .backup('20260101T020000', { begin: 1 })
      .history(2, [[1, '0/5000000']])
      .segments(2, 5, 6);
    const input = a.input({ historyFiles: { '2': a.historyFiles[2] } as any });
    expect(buildCatalog(input).recoveryWindow.lastRecoverableWal).toBe(
      wal(2, 6),
    );
  });
});

describe('buildCatalog: input', () => {
  it.each([
    [null],
    [{}],
    [
      {
        destination: 's3://b',
        serverName: '',
        objects: [],
        backupInfos: {},
        scan: cleanScan(),
      },
    ],
    [
      {
        destination: 's3://b',
        serverName: 's',
        objects: 'x',
        backupInfos: {},
        scan: cleanScan(),
      },
    ],
    [
      {
        destination: 's3://b',
        serverName: 's',
        objects: [],
        backupInfos: null,
        scan: cleanScan(),
      },
    ],
    [
      {
        destination: 's3://b',
        serverName: 's',
        objects: [],
        backupInfos: {},
        scan: {},
      },
    ],
    [
      {
        destination: 's3://b',
        serverName: 's',
        objects: [],
        backupInfos: {},
        scan: cleanScan(),
        now: 'soon',
      },
    ],
  ])('rejects malformed input %# with InvalidCatalogInputError', bad => {
    expect(() => buildCatalog(bad as any)).toThrow(InvalidCatalogInputError);
  });

  it('tolerates junk objects inside the listing', () => {
    const catalog = buildCatalog({
      destination: 's3://b',
      serverName: 's',
      objects: [
        null,
        { key: 5 },
        { key: 'base/20260101T000000/x', size: NaN, lastModified: 7 },
      ] as any,
      backupInfos: {},
      scan: cleanScan(),
      now: '2026-01-01T00:00:00.000Z',
    });
    expect(catalog.backups).toEqual([
      expect.objectContaining({
        id: '20260101T000000',
        storedBytes: 0,
        objectCount: 1,
        status: 'INCOMPLETE',
      }),
    ]);
  });
});
