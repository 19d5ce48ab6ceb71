import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createS3Client } from '../s3/createS3Client';
import {
  startS3rver,
  S3rverHarness,
  S3RVER_CREDENTIALS,
  seedBarmanSample,
} from '../s3/__testUtils__/s3rverHarness';
import {
  startFaultProxy,
  FaultProxy,
  FaultRule,
} from '../s3/__testUtils__/faultProxy';
import { BarmanArchiveScanner } from './BarmanArchiveScanner';

const BUCKET = 'fault-backups';
const DESTINATION = `s3://${BUCKET}/demo`;
const SERVER = 'pg-demo';

const isList =
  (prefixPart: string) => (r: { method: string; query: URLSearchParams }) =>
    r.method === 'GET' &&
    r.query.get('list-type') === '2' &&
    (r.query.get('prefix') ?? '').endsWith(prefixPart);
const isGet =
  (keyPart: string) =>
  (r: { method: string; url: string; query: URLSearchParams }) =>
    r.method === 'GET' &&
    !r.query.has('list-type') &&
    decodeURIComponent(r.url).includes(keyPart);

describe('BarmanArchiveScanner under faults (real sockets: fault proxy in front of s3rver)', () => {
  let harness: S3rverHarness;
  let proxy: FaultProxy;

  beforeAll(async () => {
    harness = await startS3rver({ buckets: [BUCKET] });
    proxy = await startFaultProxy({ upstreamPort: harness.port });
    await seedBarmanSample({
      harness,
      bucket: BUCKET,
      keyPrefix: 'demo/',
      serverName: SERVER,
      sizeScale: 0.001,
    });
  }, 60_000);
  afterAll(async () => {
    await proxy.close();
    await harness.close();
  });

  async function scanWith(
    rules: FaultRule[],
    clientOptions: { maxAttempts?: number; requestTimeoutMs?: number } = {},
  ) {
    proxy.setRules(rules);
    const client = createS3Client({
      endpoint: proxy.endpoint,
      credentials: S3RVER_CREDENTIALS,
      retryBaseDelayMs: 1,
      maxAttempts: clientOptions.maxAttempts ?? 3,
      requestTimeoutMs: clientOptions.requestTimeoutMs ?? 2_000,
    });
    try {
      const scanner = BarmanArchiveScanner.create({ client, concurrency: 4 });
      return await scanner.scan({
        destination: DESTINATION,
        serverName: SERVER,
      });
    } finally {
      client.destroy();
    }
  }

  it('baseline: no faults, complete', async () => {
    const { catalog } = await scanWith([]);
    expect(catalog.scan.complete).toBe(true);
    expect(catalog.scan.retries).toBe(0);
    expect(catalog.backups.filter(b => b.restorable)).toHaveLength(2);
  });

  it('503 SlowDown is retried and the scan still completes', async () => {
    const { catalog } = await scanWith([
      {
        when: isList('/wals/'),
        action: { type: 'status', status: 503, code: 'SlowDown' },
        times: 2,
      },
    ]);
    expect(catalog.scan.complete).toBe(true);
    expect(catalog.scan.errors).toEqual([]);
    expect(catalog.wal.timelines[0].segmentCount).toBe(11);
    expect(proxy.faulted).toBe(2);
    expect(catalog.scan.retries).toBe(2);
    // base/, the flat wals/ listing, two backup.info GETs.
    expect(catalog.scan.requests).toBe(4);
  });

  it('503 SlowDown until retries run out → S3Unavailable, WAL part missing, marked incomplete', async () => {
    const { catalog } = await scanWith([
      {
        when: isList('/wals/'),
        action: { type: 'status', status: 503, code: 'SlowDown' },
      },
    ]);
    expect(catalog.scan.complete).toBe(false);
    expect(catalog.scan.errors).toEqual([
      expect.objectContaining({
        name: 'S3Unavailable',
        key: 'demo/pg-demo/wals/',
      }),
    ]);
    expect(proxy.faulted).toBe(3);
    // What was read is still there; nothing claims the WAL chain is fine.
    expect(catalog.backups).toHaveLength(2);
    expect(catalog.backups.some(b => b.restorable)).toBe(false);
  });

  it('500 on base/ → S3Unavailable; the WAL inventory is still reported', async () => {
    const { catalog } = await scanWith([
      {
        when: isList('/base/'),
        action: { type: 'status', status: 500, code: 'InternalError' },
      },
    ]);
    expect(catalog.scan.complete).toBe(false);
    expect(catalog.scan.errors.map(e => e.name)).toEqual(['S3Unavailable']);
    expect(catalog.backups).toEqual([]);
    expect(catalog.wal.timelines[0].segmentCount).toBe(11);
  });

  it('403 AccessDenied on wals/ → AccessDenied, backups listed, incomplete', async () => {
    const { catalog } = await scanWith([
      {
        when: isList('/wals/'),
        action: { type: 'status', status: 403, code: 'AccessDenied' },
      },
    ]);
    expect(catalog.scan.complete).toBe(false);
    expect(catalog.scan.errors).toEqual([
      expect.objectContaining({
        name: 'AccessDenied',
        key: 'demo/pg-demo/wals/',
      }),
    ]);
    expect(catalog.backups.map(b => b.status)).toEqual(['DONE', 'DONE']);
    expect(catalog.wal.timelines).toEqual([]);
  });

  it('404 NoSuchBucket → every part fails by name', async () => {
    const { catalog } = await scanWith([
      {
        when: () => true,
        action: { type: 'status', status: 404, code: 'NoSuchBucket' },
      },
    ]);
    expect(catalog.scan.complete).toBe(false);
    expect(new Set(catalog.scan.errors.map(e => e.name))).toEqual(
      new Set(['NoSuchBucket']),
    );
  });

  it('a backup.info GET that hangs → S3Timeout; that backup is not trusted', async () => {
    const { catalog } = await scanWith(
      [
        {
          when: isGet('20261121T231929/backup.info'),
          action: { type: 'hang' },
        },
      ],
      { maxAttempts: 1, requestTimeoutMs: 300 },
    );
    expect(catalog.scan.complete).toBe(false);
    expect(catalog.scan.errors).toEqual([
      expect.objectContaining({
        name: 'S3Timeout',
        key: 'demo/pg-demo/base/20261121T231929/backup.info',
      }),
    ]);
    const [first, second] = catalog.backups;
    expect(first).toMatchObject({ status: 'DONE', restorable: true });
    expect(second).toMatchObject({
      id: '20261121T231929',
      status: 'INCOMPLETE',
      restorable: false,
    });
  });

  it('connection resets on every attempt → S3Unreachable', async () => {
    const { catalog } = await scanWith([
      { when: isList('/wals/'), action: { type: 'reset' } },
    ]);
    expect(catalog.scan.complete).toBe(false);
    expect(catalog.scan.errors.map(e => e.name)).toEqual(['S3Unreachable']);
  });

  it('truncated XML on a listing → S3InvalidResponse', async () => {
    const { catalog } = await scanWith(
      [{ when: isList('/wals/'), action: { type: 'truncate', bytes: 300 } }],
      { maxAttempts: 1 },
    );
    expect(catalog.scan.complete).toBe(false);
    expect(catalog.scan.errors.map(e => e.name)).toEqual(['S3InvalidResponse']);
  });

  it('backup.info deleted between list and get (NoSuchKey) → that backup INCOMPLETE with a note, scan complete', async () => {
    const { catalog } = await scanWith([
      {
        when: isGet('20261121T231912/backup.info'),
        action: { type: 'status', status: 404, code: 'NoSuchKey' },
      },
    ]);
    expect(catalog.scan.complete).toBe(true);
    expect(catalog.scan.errors).toEqual([
      expect.objectContaining({
        name: 'BackupInfoVanished',
        key: 'demo/pg-demo/base/20261121T231912/backup.info',
      }),
    ]);
    expect(catalog.backups[0]).toMatchObject({
      id: '20261121T231912',
      status: 'INCOMPLETE',
      restorable: false,
      error: expect.stringMatching(/deleted while the bucket was being read/),
    });
    expect(catalog.backups[1]).toMatchObject({
      status: 'DONE',
      restorable: true,
    });
  });
});

describe('BarmanArchiveScanner with scripted listings (aws-sdk-client-mock)', () => {
  const d = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n));
  const root = 'p/db/';

  it('pages wals/ with StartAfter and drops a key a server repeats across pages', async () => {
    const client = new S3Client({
      region: 'us-east-1',
      credentials: S3RVER_CREDENTIALS,
    });
    const mock = mockClient(client);
    mock
      .on(ListObjectsV2Command, { Prefix: `${root}base/` })
      .resolves({ IsTruncated: false, Contents: [] });
    const seg = (log: number, n: number) =>
      `${root}wals/000000010000000${log}/000000010000000${log}000000${n
        .toString(16)
        .toUpperCase()
        .padStart(2, '0')}.gz`;
    mock
      .on(ListObjectsV2Command, {
        Prefix: `${root}wals/`,
        StartAfter: undefined,
      })
      .resolves({
        IsTruncated: true,
        Contents: [0xfd, 0xfe].map(n => ({
          Key: seg(0, n),
          Size: 10,
          LastModified: d(n),
        })),
      });
    // This server repeats FE on the next page.
    mock
      .on(ListObjectsV2Command, {
        Prefix: `${root}wals/`,
        StartAfter: seg(0, 0xfe),
      })
      .resolves({
        IsTruncated: false,
        Contents: [
          ...[0xfe, 0xff].map(n => ({
            Key: seg(0, n),
            Size: 10,
            LastModified: d(n),
          })),
          { Key: seg(1, 0), Size: 10, LastModified: d(300) },
        ],
      });
    const scanner = BarmanArchiveScanner.create({ client });
    const { catalog } = await scanner.scan({
      destination: 's3://bucket/p',
      serverName: 'db',
    });
    expect(catalog.scan.complete).toBe(true);
    expect(catalog.scan.walObjects).toBe(4);
    expect(catalog.wal.timelines[0]).toMatchObject({
      segmentCount: 4,
      firstSegment: '0000000100000000000000FD',
      lastSegment: '000000010000000100000000',
      gaps: [],
    });
    expect(catalog.scan.requests).toBe(3);
  });

  describe("a full scan splits wals/ into parallel key ranges at the backups' first hash directories", () => {
    const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
    const walName = (i: number) => `00000001${hex8(i >> 8)}${hex8(i & 255)}`;
    const WALS = 5000;
    const keys: string[] = [];
    for (let i = 1; i <= WALS; i++)
      keys.push(`${root}wals/${walName(i).slice(0, 16)}/${walName(i)}.gz`);
    keys.push(`${root}wals/00000002.history`);
    for (let i = WALS + 1; i <= WALS + 300; i++) {
      const name = `00000002${walName(i).slice(8)}`;
      keys.push(`${root}wals/${name.slice(0, 16)}/${name}.gz`);
    }
    keys.sort();
    const backups = [1, 1200, 2500, 3800, 4900].map((begin, k) => ({
      id: `2026010${k + 1}T000000`,
      info: [
        `begin_time=2026-01-0${k + 1} 00:00:00+00:00`,
        `begin_wal=${walName(begin)}`,
        `end_time=2026-01-0${k + 1} 00:01:00+00:00`,
        `end_wal=${walName(begin + 1)}`,
        'status=DONE',
        'timeline=1',
        'xlog_segment_size=16777216',
        '',
      ].join('\n'),
    }));

    function fakeS3(
      log: Array<{ startAfter?: string; maxKeys?: number; returned: number }>,
    ) {
      const client = new S3Client({
        region: 'us-east-1',
        credentials: S3RVER_CREDENTIALS,
      });
      const mock = mockClient(client);
      mock.on(ListObjectsV2Command, { Prefix: `${root}base/` }).resolves({
        IsTruncated: false,
        Contents: backups.map(b => ({
          Key: `${root}base/${b.id}/backup.info`,
          Size: b.info.length,
          LastModified: d(1),
        })),
      });
      mock.on(GetObjectCommand).callsFake(input => {
        const b = backups.find(x => input.Key.endsWith(`${x.id}/backup.info`))!;
        const bytes = Buffer.from(b.info);
        return {
          Body: { transformToByteArray: async () => new Uint8Array(bytes) },
        };
      });
      mock
        .on(GetObjectCommand, { Key: `${root}wals/00000002.history` })
        .resolves({
          Body: {
            transformToByteArray: async () =>
              new Uint8Array(
                Buffer.from('1\t0/13890000000\tno recovery target specified\n'),
              ),
          },
        } as any);
      mock
        .on(ListObjectsV2Command, { Prefix: `${root}wals/` })
        .callsFake(async input => {
          // A little latency, so that ranges really overlap in time.
          await new Promise(r => setTimeout(r, 2));
          const from =
            input.StartAfter === undefined
              ? 0
              : keys.findIndex(k => k > input.StartAfter);
          const max = Math.min(1000, input.MaxKeys ?? 1000);
          const slice = from < 0 ? [] : keys.slice(from, from + max);
          log.push({
            startAfter: input.StartAfter,
            maxKeys: input.MaxKeys,
            returned: slice.length,
          });
          return {
            IsTruncated: from >= 0 && from + max < keys.length,
            Contents: slice.map(Key => ({
              Key,
              Size: Key.endsWith('.history') ? 40 : 16 << 20,
              LastModified: d(2),
            })),
          };
        });
      return client;
    }

    it('lists every key exactly once and builds the same catalog as a single sequential listing', async () => {
      const parallelLog: Array<{
        startAfter?: string;
        maxKeys?: number;
        returned: number;
      }> = [];
      const parallel = await BarmanArchiveScanner.create({
        client: fakeS3(parallelLog),
        concurrency: 4,
      }).scan({
        destination: 's3://bucket/p',
        serverName: 'db',
      });
      const sequentialLog: typeof parallelLog = [];
      const sequential = await BarmanArchiveScanner.create({
        client: fakeS3(sequentialLog),
        concurrency: 1,
      }).scan({
        destination: 's3://bucket/p',
        serverName: 'db',
      });
      expect(parallel.catalog.scan.errors).toEqual([]);
      expect(parallel.catalog.scan.complete).toBe(true);
      expect(parallel.catalog.scan.walObjects).toBe(WALS + 301);
      expect({ ...parallel.catalog, scan: undefined }).toEqual({
        ...sequential.catalog,
        scan: undefined,
      });
      expect(
        parallel.catalog.wal.timelines.map(t => [
          t.timeline,
          t.segmentCount,
          t.gaps.length,
        ]),
      ).toEqual([
        [1, WALS, 0],
        [2, 300, 0],
      ]);
      // Some ranges started at a backup's hash directory...
      const rangeStarts = parallelLog
        .map(l => l.startAfter)
        .filter(s => s !== undefined && /wals\/[0-9A-F]{16}$/.test(s));
      expect(rangeStarts.length).toBeGreaterThan(0);
      // ...and together they fetched barely more than the keys there are.
      const fetched = parallelLog.reduce((sum, l) => sum + l.returned, 0);
      expect(fetched).toBeLessThan(keys.length + 4 * 20);
      expect(parallelLog.length).toBeLessThanOrEqual(
        Math.ceil(keys.length / 1000) + 4,
      );
    });
  });

  it('pages the serverName discovery listing', async () => {
    const client = new S3Client({
      region: 'us-east-1',
      credentials: S3RVER_CREDENTIALS,
    });
    const mock = mockClient(client);
    mock
      .on(ListObjectsV2Command, {
        Prefix: 'p/',
        Delimiter: '/',
        ContinuationToken: undefined,
      })
      .resolves({
        IsTruncated: true,
        NextContinuationToken: 'n',
        CommonPrefixes: [{ Prefix: 'p/a/' }],
      });
    mock
      .on(ListObjectsV2Command, {
        Prefix: 'p/',
        Delimiter: '/',
        ContinuationToken: 'n',
      })
      .resolves({
        IsTruncated: false,
        CommonPrefixes: [{ Prefix: 'p/b/' }, { Prefix: 'p/a/' }],
      });
    mock.on(ListObjectsV2Command, { Prefix: 'p/a/' }).resolves({
      IsTruncated: false,
      CommonPrefixes: [{ Prefix: 'p/a/base/' }, { Prefix: 'p/a/wals/' }],
    });
    mock.on(ListObjectsV2Command, { Prefix: 'p/b/' }).resolves({
      IsTruncated: false,
      CommonPrefixes: [{ Prefix: 'p/b/other/' }],
    });
    const scanner = BarmanArchiveScanner.create({ client });
    await expect(
      scanner.listServerNames({ destination: 's3://bucket/p' }),
    ).resolves.toEqual([{ serverName: 'a', hasBase: true, hasWals: true }]);
  });

  it('a truncated listing without a continuation token is an S3InvalidResponse, not an endless loop', async () => {
    const client = new S3Client({
      region: 'us-east-1',
      credentials: S3RVER_CREDENTIALS,
    });
    const mock = mockClient(client);
    mock.on(ListObjectsV2Command).resolves({ IsTruncated: true });
    const scanner = BarmanArchiveScanner.create({ client });
    const { catalog } = await scanner.scan({
      destination: 's3://bucket/p',
      serverName: 'db',
    });
    expect(catalog.scan.complete).toBe(false);
    // base/ (continuation-token paging): no token; wals/ (StartAfter paging): no progress.
    expect(catalog.scan.errors.map(e => e.name).sort()).toEqual([
      'S3InvalidResponse',
      'S3PaginationStuck',
    ]);
  });
});
