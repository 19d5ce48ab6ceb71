import zlib from 'node:zlib';
import { createS3Client, S3RequestCounter } from '../s3/createS3Client';
import {
  startS3rver,
  S3rverHarness,
  S3RVER_CREDENTIALS,
  seedBarmanSample,
  readBarmanSampleBackupInfo,
  runBounded,
  FixtureObject,
} from '../s3/__testUtils__/s3rverHarness';
import { BarmanArchiveScanner } from './BarmanArchiveScanner';
import { InvalidDestinationError } from '../s3/destination';

const BUCKET = 'cnpg-backups';

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
const wal = (tli: number, log: number, seg: number) =>
  hex8(tli) + hex8(log) + hex8(seg);
const dirOf = (tli: number, log: number) => hex8(tli) + hex8(log);

/** A backup.info for synthetic archives (1 MiB segments: 4096 per hash dir). */
function backupInfo(options: {
  beginWal: string;
  endWal: string;
  time: string;
  segmentSize?: number;
  timeline?: number;
}) {
  return [
    `backup_name=backup-synthetic`,
    `begin_offset=40`,
    `begin_time=${options.time}+00:00`,
    `begin_wal=${options.beginWal}`,
    `begin_xlog=0/0`,
    `end_time=${options.time}+00:00`,
    `end_wal=${options.endWal}`,
    `end_xlog=0/0`,
    `error=None`,
    `status=DONE`,
    `timeline=${options.timeline ?? 1}`,
    `version=160000`,
    `xlog_segment_size=${options.segmentSize ?? 1048576}`,
    '',
  ].join('\n');
}

describe('BarmanArchiveScanner against a real S3 server (s3rver)', () => {
  let harness: S3rverHarness;
  let counter: S3RequestCounter;
  let scanner: BarmanArchiveScanner;
  let sample: FixtureObject[];

  beforeAll(async () => {
    harness = await startS3rver({ buckets: [BUCKET] });
    // The real barman-cloud 3.4 archive, at its real object sizes.
    sample = await seedBarmanSample({
      harness,
      bucket: BUCKET,
      keyPrefix: 'demo/',
      serverName: 'pg-demo',
    });
    // More serverNames: one at the bucket root, two under a multi-level prefix, and folders
    // that are not serverNames.
    await seedBarmanSample({
      harness,
      bucket: BUCKET,
      keyPrefix: '',
      serverName: 'root-db',
      sizeScale: 0.0001,
    });
    await seedBarmanSample({
      harness,
      bucket: BUCKET,
      keyPrefix: 'a/b/c/',
      serverName: 'orders-db',
      sizeScale: 0.0001,
    });
    await harness.put(
      BUCKET,
      'a/b/c/orders-db-v2/wals/0000000100000000/000000010000000000000001.gz',
      'x',
    );
    await harness.put(BUCKET, 'a/b/c/notes/readme.txt', 'not a serverName');
    await harness.put(BUCKET, 'a/b/c/top-level-file.txt', 'x');
    await harness.put(BUCKET, 'a/b/c/junk-only/wals/README', 'junk');
    await harness.put(BUCKET, 'a/b/c/junk-only/base/README', 'junk');
  }, 60_000);
  afterAll(async () => harness.close());

  beforeEach(() => {
    counter = new S3RequestCounter();
    scanner = BarmanArchiveScanner.create({
      client: createS3Client({
        endpoint: harness.endpoint,
        credentials: S3RVER_CREDENTIALS,
        requestCounter: counter,
      }),
      concurrency: 4,
    });
  });

  it('builds the catalog of the real barman 3.4 sample', async () => {
    const { catalog } = await scanner.scan({
      destination: 's3://cnpg-backups/demo',
      serverName: 'pg-demo',
    });
    expect(catalog.scan).toMatchObject({
      complete: true,
      errors: [],
      incremental: false,
      walObjects: 13,
    });
    expect(
      catalog.backups.map(b => [
        b.id,
        b.name,
        b.status,
        b.restorable,
        b.dataCompression,
      ]),
    ).toEqual([
      ['20261121T231912', 'first-backup', 'DONE', true, 'gzip'],
      ['20261121T231929', undefined, 'DONE', true, 'bzip2'],
    ]);
    const expectedBytes = sample
      .filter(o => o.key.includes('/base/20261121T231912/'))
      .reduce((sum, o) => sum + o.size, 0);
    expect(catalog.backups[0].storedBytes).toBe(expectedBytes);
    expect(catalog.backups[0].storedBytes).toBeGreaterThan(11_196_678);
    expect(catalog.backups[0]).toMatchObject({
      beginWal: '000000010000000000000005',
      endWal: '000000010000000000000005',
      beginTime: expect.stringMatching(/^2026-11-21T23:19:12\.78\dZ$/),
      timeline: 1,
    });
    expect(catalog.wal.timelines).toEqual([
      expect.objectContaining({
        timeline: 1,
        firstSegment: '000000010000000000000001',
        lastSegment: '00000001000000000000000B',
        segmentCount: 11,
        gaps: [],
      }),
    ]);
    expect(catalog.wal.compressions).toEqual(['gzip', 'bzip2']);
    expect(catalog.recoveryWindow.lastRecoverableWal).toBe(
      '00000001000000000000000B',
    );
    // base/ listing + 2 backup.info GETs + one flat wals/ listing.
    expect(catalog.scan.requests).toBe(4);
    expect(counter.commands).toBe(4);
    expect(counter.httpRequests).toBe(4);
  });

  it('finds serverNames under a multi-level prefix, ignoring other folders', async () => {
    await expect(
      scanner.listServerNames({ destination: 's3://cnpg-backups/a/b/c' }),
    ).resolves.toEqual([
      // junk-only has base/ and wals/ folders: that is the layout, so it counts (its catalog
      // will simply be empty); folders with neither (notes/) are not serverNames.
      { serverName: 'junk-only', hasBase: true, hasWals: true },
      { serverName: 'orders-db', hasBase: true, hasWals: true },
      { serverName: 'orders-db-v2', hasBase: false, hasWals: true },
    ]);
    // One delimiter listing of a/b/c/ plus one per candidate folder (4).
    expect(counter.commands).toBe(5);
  });

  it('finds serverNames at the bucket root (empty prefix)', async () => {
    const names = await scanner.listServerNames({
      destination: 's3://cnpg-backups',
    });
    expect(names.map(n => n.serverName)).toEqual(['root-db']);
    const slash = await scanner.listServerNames({
      destination: 's3://cnpg-backups/',
    });
    expect(slash).toEqual(names);
  });

  it('finds one serverName under a one-level prefix', async () => {
    await expect(
      scanner.listServerNames({ destination: 's3://cnpg-backups/demo/' }),
    ).resolves.toEqual([
      { serverName: 'pg-demo', hasBase: true, hasWals: true },
    ]);
  });

  it('tells whether a serverName WAL archive is empty (junk ignored)', async () => {
    await expect(
      scanner.isServerNameEmpty({
        destination: 's3://cnpg-backups/demo',
        serverName: 'pg-demo',
      }),
    ).resolves.toEqual({ walObjects: 13, empty: false });
    await expect(
      scanner.isServerNameEmpty({
        destination: 's3://cnpg-backups/demo',
        serverName: 'pg-demo-v2',
      }),
    ).resolves.toEqual({ walObjects: 0, empty: true });
    await expect(
      scanner.isServerNameEmpty({
        destination: 's3://cnpg-backups/a/b/c',
        serverName: 'junk-only',
      }),
    ).resolves.toEqual({ walObjects: 0, empty: true });
    expect(counter.commands).toBe(3);
  });

  it('keeps WAL files from folders that are not hash directories so the catalog names them as misplaced', async () => {
    const root = 'misplaced/mis-db/';
    await seedBarmanSample({
      harness,
      bucket: BUCKET,
      keyPrefix: 'misplaced/',
      serverName: 'mis-db',
      sizeScale: 0.0001,
    });
    // A sync tool put one segment and a history file in a folder of its own, plus a note.
    await harness.put(
      BUCKET,
      `${root}wals/restore-copy/000000010000000000000009.bz2`,
      'x',
    );
    await harness.put(
      BUCKET,
      `${root}wals/restore-copy/00000002.history`,
      '1\t0/9000000\tx',
    );
    await harness.put(BUCKET, `${root}wals/restore-copy/NOTES.txt`, 'junk');
    await harness.remove(
      BUCKET,
      `${root}wals/0000000100000000/000000010000000000000009.bz2`,
    );
    const { catalog } = await scanner.scan({
      destination: 's3://cnpg-backups/misplaced',
      serverName: 'mis-db',
    });
    expect(catalog.scan.errors).toEqual([]);
    expect(catalog.wal.timelines.map(t => t.timeline)).toEqual([1]);
    expect(catalog.wal.timelines[0].gaps).toEqual([
      {
        firstMissing: '000000010000000000000009',
        lastMissing: '000000010000000000000009',
        count: 1,
      },
    ]);
    const d = catalog.diagnoses.find(x => x.id === 'misplaced-wal')!;
    expect(d.severity).toBe('error');
    expect(d.evidence).toEqual([
      'wals/restore-copy/000000010000000000000009.bz2 (barman-cloud-wal-restore reads wals/0000000100000000/000000010000000000000009.bz2)',
      'wals/restore-copy/00000002.history (barman-cloud-wal-restore reads wals/00000002.history)',
    ]);
  });

  it('rejects a bad destination or serverName with a named error', async () => {
    await expect(
      scanner.scan({ destination: 'cnpg-backups/demo', serverName: 'x' }),
    ).rejects.toThrow(InvalidDestinationError);
    await expect(
      scanner.scan({
        destination: 's3://cnpg-backups/demo',
        serverName: 'a/b',
      }),
    ).rejects.toThrow(InvalidDestinationError);
  });

  it('reports an empty serverName as a complete, empty catalog', async () => {
    const { catalog } = await scanner.scan({
      destination: 's3://cnpg-backups/demo',
      serverName: 'nothing-here',
    });
    expect(catalog.scan.complete).toBe(true);
    expect(catalog.backups).toEqual([]);
    expect(catalog.wal.timelines).toEqual([]);
    expect(catalog.scan.requests).toBe(2);
  });

  describe('a large synthetic archive (1 MiB segments, 1,500 WALs in one hash dir)', () => {
    const destination = 's3://cnpg-backups/big';
    const root = 'big/busy-db/';
    let nextSegment = 0;

    async function addWals(count: number) {
      const keys = Array.from({ length: count }, () => {
        const seg = nextSegment++;
        const log = Math.floor(seg / 4096);
        return `${root}wals/${dirOf(1, log)}/${wal(1, log, seg % 4096)}.gz`;
      });
      await runBounded(keys, 32, key => harness.put(BUCKET, key, 'w'));
    }

    beforeAll(async () => {
      await harness.put(
        BUCKET,
        `${root}base/20260101T000000/backup.info`,
        backupInfo({
          beginWal: wal(1, 0, 0),
          endWal: wal(1, 0, 1),
          time: '2026-01-01 00:00:05',
        }),
      );
      await harness.put(BUCKET, `${root}base/20260101T000000/data.tar.gz`, 'd');
      await harness.put(
        BUCKET,
        `${root}wals/00000001.history.gz`,
        'not really a history file',
      );
      await addWals(1500);
    }, 120_000);

    it('pages through >1000 keys and counts requests at the lower bound', async () => {
      const { catalog } = await scanner.scan({
        destination,
        serverName: 'busy-db',
      });
      expect(catalog.scan.complete).toBe(true);
      expect(catalog.wal.timelines[0]).toMatchObject({
        segmentCount: 1500,
        firstSegment: wal(1, 0, 0),
        lastSegment: wal(1, 0, 1499),
        gaps: [],
      });
      // base (1) + backup.info (1) + history GET (1) + ceil(1501/1000) flat wals/ pages (2).
      expect(catalog.scan.requests).toBe(5);
    });

    it('refreshes incrementally: base/ + 1 request per 1,000 new WALs, and the same catalog as a full scan', async () => {
      const first = await scanner.scan({ destination, serverName: 'busy-db' });

      // Nothing new: base/, and wals/ after the last key seen.
      const idle = await scanner.scan({
        destination,
        serverName: 'busy-db',
        previous: first.state,
      });
      expect(idle.catalog.scan).toMatchObject({
        incremental: true,
        requests: 2,
        complete: true,
      });

      await addWals(7);
      const small = await scanner.scan({
        destination,
        serverName: 'busy-db',
        previous: idle.state,
      });
      expect(small.catalog.scan.requests).toBe(2);
      expect(small.catalog.wal.timelines[0].segmentCount).toBe(1507);

      await addWals(1001);
      const large = await scanner.scan({
        destination,
        serverName: 'busy-db',
        previous: small.state,
      });
      expect(large.catalog.scan.requests).toBe(3);
      expect(large.catalog.wal.timelines[0].segmentCount).toBe(2508);

      const full = await scanner.scan({ destination, serverName: 'busy-db' });
      const strip = (c: typeof full.catalog) => ({ ...c, scan: undefined });
      expect(strip(large.catalog)).toEqual(strip(full.catalog));
      // The previous state was not changed by the refresh.
      expect(first.state.hashDirs.get(dirOf(1, 0))!.list.length).toBe(1500);
    }, 120_000);
  });

  it('refreshes across a hash-dir boundary (16 MiB segments: 256 per dir)', async () => {
    const root = 'cross/edge-db/';
    const destination = 's3://cnpg-backups/cross';
    await harness.put(
      BUCKET,
      `${root}base/20260101T000000/backup.info`,
      backupInfo({
        beginWal: wal(1, 0, 0),
        endWal: wal(1, 0, 1),
        time: '2026-01-01 00:00:05',
        segmentSize: 16777216,
      }),
    );
    const put = (from: number, to: number) =>
      runBounded(
        Array.from({ length: to - from }, (_, i) => from + i),
        32,
        n =>
          harness.put(
            BUCKET,
            `${root}wals/${dirOf(1, n >> 8)}/${wal(1, n >> 8, n & 255)}.gz`,
            'w',
          ),
      );
    await put(0, 250);
    const first = await scanner.scan({ destination, serverName: 'edge-db' });
    expect(first.catalog.scan.requests).toBe(3);
    await put(250, 260);
    const refresh = await scanner.scan({
      destination,
      serverName: 'edge-db',
      previous: first.state,
    });
    // base/, and one flat wals/ page after the last key (it spans both dirs).
    expect(refresh.catalog.scan.requests).toBe(2);
    expect(refresh.catalog.wal.timelines[0]).toMatchObject({
      segmentCount: 260,
      lastSegment: wal(1, 1, 3),
      gaps: [],
    });
    const full = await scanner.scan({ destination, serverName: 'edge-db' });
    expect({ ...refresh.catalog, scan: undefined }).toEqual({
      ...full.catalog,
      scan: undefined,
    });
  }, 60_000);

  it('refreshes across a promotion: the new history file and timeline sort after the old WAL and are found', async () => {
    const root = 'promo/ha-db/';
    const destination = 's3://cnpg-backups/promo';
    await harness.put(
      BUCKET,
      `${root}base/20260101T000000/backup.info`,
      backupInfo({
        beginWal: wal(1, 0, 1),
        endWal: wal(1, 0, 1),
        time: '2026-01-01 00:00:05',
        segmentSize: 16777216,
      }),
    );
    for (let seg = 1; seg <= 5; seg++)
      await harness.put(
        BUCKET,
        `${root}wals/${dirOf(1, 0)}/${wal(1, 0, seg)}.gz`,
        'w',
      );
    const first = await scanner.scan({ destination, serverName: 'ha-db' });
    // The promotion: the old primary's .partial, the new timeline's history file, its WAL.
    await harness.put(
      BUCKET,
      `${root}wals/${dirOf(1, 0)}/${wal(1, 0, 6)}.partial.gz`,
      'p',
    );
    await harness.put(
      BUCKET,
      `${root}wals/00000002.history.gz`,
      zlib.gzipSync('1\t0/6000000\tno recovery target specified\n'),
    );
    for (let seg = 6; seg <= 8; seg++)
      await harness.put(
        BUCKET,
        `${root}wals/${dirOf(2, 0)}/${wal(2, 0, seg)}.gz`,
        'w',
      );
    const refresh = await scanner.scan({
      destination,
      serverName: 'ha-db',
      previous: first.state,
    });
    // base/, one wals/ page after the last key, the new history file.
    expect(refresh.catalog.scan).toMatchObject({
      incremental: true,
      requests: 3,
      complete: true,
    });
    expect(
      refresh.catalog.wal.timelines.map(t => [
        t.timeline,
        t.segmentCount,
        t.parentTimeline,
      ]),
    ).toEqual([
      [1, 5, undefined],
      [2, 3, 1],
    ]);
    expect(refresh.catalog.wal.timelines[0].partialSegments).toEqual([
      wal(1, 0, 6),
    ]);
    const full = await scanner.scan({ destination, serverName: 'ha-db' });
    expect({ ...refresh.catalog, scan: undefined }).toEqual({
      ...full.catalog,
      scan: undefined,
    });
  }, 30_000);

  it('lists in full when the previous state is older than fullScanAfterMs, reusing cached backup.info', async () => {
    const strict = BarmanArchiveScanner.create({
      client: createS3Client({
        endpoint: harness.endpoint,
        credentials: S3RVER_CREDENTIALS,
        requestCounter: counter,
      }),
      fullScanAfterMs: 0,
    });
    const first = await strict.scan({
      destination: 's3://cnpg-backups/demo',
      serverName: 'pg-demo',
    });
    await new Promise(r => setTimeout(r, 5));
    const again = await strict.scan({
      destination: 's3://cnpg-backups/demo',
      serverName: 'pg-demo',
      previous: first.state,
    });
    expect(again.catalog.scan.incremental).toBe(false);
    // base/ + wals/, no GET: the backup.info files did not change.
    expect(again.catalog.scan.requests).toBe(2);
    expect({ ...again.catalog, scan: undefined }).toEqual({
      ...first.catalog,
      scan: undefined,
    });
  });

  describe('timelines, history files and retention', () => {
    const destination = 's3://cnpg-backups/tl';
    const root = 'tl/promoted-db/';

    beforeAll(async () => {
      await harness.put(
        BUCKET,
        `${root}base/20260101T000000/backup.info`,
        backupInfo({
          beginWal: wal(1, 0, 1),
          endWal: wal(1, 0, 2),
          time: '2026-01-01 00:00:05',
          segmentSize: 16777216,
        }),
      );
      await harness.put(
        BUCKET,
        `${root}base/20260102T000000/backup.info`,
        backupInfo({
          beginWal: wal(1, 0, 4),
          endWal: wal(1, 0, 4),
          time: '2026-01-02 00:00:05',
          segmentSize: 16777216,
        }),
      );
      for (let seg = 1; seg <= 6; seg++) {
        await harness.put(
          BUCKET,
          `${root}wals/${dirOf(1, 0)}/${wal(1, 0, seg)}.gz`,
          'w',
        );
      }
      await harness.put(
        BUCKET,
        `${root}wals/${dirOf(1, 0)}/${wal(1, 0, 7)}.partial.gz`,
        'p',
      );
      await harness.put(
        BUCKET,
        `${root}wals/00000002.history.gz`,
        zlib.gzipSync('1\t0/7000000\tno recovery target specified\n'),
      );
      for (let seg = 7; seg <= 9; seg++) {
        await harness.put(
          BUCKET,
          `${root}wals/${dirOf(2, 0)}/${wal(2, 0, seg)}.gz`,
          'w',
        );
      }
      // bzip2 (CPython's bz2) of a history file for timeline 3: decoded.
      await harness.put(
        BUCKET,
        `${root}wals/00000003.history.bz2`,
        Buffer.from(
          'QlpoOTFBWSZTWYUQh3IAAA3ZgBAwQADwoC+h3SAgAEBVVPIm1PSekaM2poUAA0DJkeWlMlmn9DD0VSLbUbKN3i6F2EJskIfHSbDphZNJJyq7F3JFOFCQhRCHcg==',
          'base64',
        ),
      );
      // xz: no small pure-JS decoder, so counted as present but not read.
      await harness.put(
        BUCKET,
        `${root}wals/00000004.history.xz`,
        'xz not decoded',
      );
    }, 30_000);

    it('reads gzip and bzip2 history files and records undecodable ones without failing the scan', async () => {
      const { catalog, state } = await scanner.scan({
        destination,
        serverName: 'promoted-db',
      });
      expect(catalog.scan.complete).toBe(true);
      expect(catalog.scan.errors).toEqual([
        expect.objectContaining({
          name: 'HistoryContentUnavailable',
          key: `${root}wals/00000004.history.xz`,
        }),
      ]);
      expect(state.historyFiles.get('00000003.history.bz2')?.text).toMatch(
        /^1\t0\/7000000\t/,
      );
      const t2 = catalog.wal.timelines.find(t => t.timeline === 2);
      expect(t2).toMatchObject({
        parentTimeline: 1,
        switchLsn: '0/7000000',
        historyFile: true,
        segmentCount: 3,
      });
      const t1 = catalog.wal.timelines.find(t => t.timeline === 1);
      expect(t1?.partialSegments).toEqual([wal(1, 0, 7)]);
    });

    it('notices retention: a deleted backup and trimmed WALs in the oldest dir', async () => {
      const first = await scanner.scan({
        destination,
        serverName: 'promoted-db',
      });
      expect(first.catalog.wal.timelines[0].firstSegment).toBe(wal(1, 0, 1));
      // What barman-cloud-backup-delete does: data first, backup.info last, then older WALs.
      await harness.remove(BUCKET, `${root}base/20260101T000000/backup.info`);
      for (let seg = 1; seg <= 3; seg++) {
        await harness.remove(
          BUCKET,
          `${root}wals/${dirOf(1, 0)}/${wal(1, 0, seg)}.gz`,
        );
      }
      const refresh = await scanner.scan({
        destination,
        serverName: 'promoted-db',
        previous: first.state,
      });
      expect(refresh.catalog.backups.map(b => b.id)).toEqual([
        '20260102T000000',
      ]);
      expect(refresh.catalog.wal.timelines[0].firstSegment).toBe(wal(1, 0, 4));
      expect(refresh.catalog.wal.timelines[0].gaps).toEqual([]);
      // base/, wals/ from the start up to the oldest remaining backup's hash dir, wals/ after
      // the last key seen.
      expect(refresh.catalog.scan.requests).toBe(3);
      const full = await scanner.scan({
        destination,
        serverName: 'promoted-db',
      });
      expect({ ...refresh.catalog, scan: undefined }).toEqual({
        ...full.catalog,
        scan: undefined,
      });
      // The refresh read no unchanged backup.info or history file: 5 GETs by the first scan, 4 by the full one.
      expect(counter.byCommand.GetObjectCommand).toBe(5 + 4);
    }, 30_000);
  });
});

it('the sample fixture backup.info is real barman output', () => {
  expect(readBarmanSampleBackupInfo('20261121T231912')).toMatch(
    /^backup_label=/,
  );
});
