import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
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

/*
 * The S3 reader trusts nothing it cannot parse: a 200 that is not a ListObjectsV2 answer is
 * S3InvalidResponse, never an empty listing, and a listing that never ends is cut off by name.
 */
const BUCKET = 'response-backups';
const DESTINATION = `s3://${BUCKET}/demo`;
const SERVER = 'pg-demo';

const BODIES: Array<[string, string, string]> = [
  ['an empty body', '', 'application/xml'],
  [
    'an HTML page (a captive portal or a web server at the endpoint)',
    '<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>',
    'text/html',
  ],
  [
    'foreign XML',
    '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>x</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>',
    'application/xml',
  ],
  [
    'a JSON document',
    '{"Contents":[],"IsTruncated":false}',
    'application/json',
  ],
];

describe('BarmanArchiveScanner trusts no response it cannot parse (fault proxy before s3rver)', () => {
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

  function scanner(rules: FaultRule[]) {
    proxy.setRules(rules);
    const client = createS3Client({
      endpoint: proxy.endpoint,
      credentials: S3RVER_CREDENTIALS,
      maxAttempts: 1,
      requestTimeoutMs: 5_000,
    });
    return { client, scanner: BarmanArchiveScanner.create({ client }) };
  }
  const anyList = (r: { query: URLSearchParams }) =>
    r.query.get('list-type') === '2';

  it('baseline: the real listing through the proxy is complete and not empty', async () => {
    const { client, scanner: s } = scanner([]);
    const { catalog } = await s.scan({
      destination: DESTINATION,
      serverName: SERVER,
    });
    expect(catalog.scan.complete).toBe(true);
    expect(catalog.backups).toHaveLength(2);
    await expect(
      s.isServerNameEmpty({ destination: DESTINATION, serverName: SERVER }),
    ).resolves.toMatchObject({ empty: false });
    client.destroy();
  });

  it.each(BODIES)(
    'a 200 with %s on every listing → S3InvalidResponse, never an empty archive',
    async (_label, body, contentType) => {
      const { client, scanner: s } = scanner([
        { when: anyList, action: { type: 'body', body, contentType } },
      ]);
      try {
        const { catalog } = await s.scan({
          destination: DESTINATION,
          serverName: SERVER,
        });
        expect(catalog.scan.complete).toBe(false);
        expect(catalog.scan.errors.map(e => e.name)).toEqual([
          'S3InvalidResponse',
          'S3InvalidResponse',
        ]);
        expect(catalog.diagnoses.map(d => d.id)).toContain('scan-incomplete');
        // "Expected empty archive" must not pass on a page that is not a listing.
        await expect(
          s.isServerNameEmpty({ destination: DESTINATION, serverName: SERVER }),
        ).rejects.toMatchObject({ name: 'S3InvalidResponse' });
        await expect(
          s.listServerNames({ destination: DESTINATION }),
        ).rejects.toMatchObject({
          name: 'S3InvalidResponse',
          message: expect.stringMatching(
            /not .*ListObjectsV2|not valid S3 XML/,
          ),
        });
      } finally {
        client.destroy();
      }
    },
  );
});

describe('BarmanArchiveScanner cuts off pagination that never ends', () => {
  function mocked() {
    const client = new S3Client({
      region: 'us-east-1',
      credentials: S3RVER_CREDENTIALS,
    });
    return { client, mock: mockClient(client) };
  }

  it('continuation tokens that change forever but bring no key → S3PaginationStuck (serverName discovery)', async () => {
    const { client, mock } = mocked();
    let calls = 0;
    mock.on(ListObjectsV2Command).callsFake(() => {
      calls++;
      return {
        IsTruncated: true,
        NextContinuationToken: `t${calls}`,
        KeyCount: 0,
      };
    });
    const scanner = BarmanArchiveScanner.create({ client });
    await expect(
      scanner.listServerNames({ destination: 's3://bucket/p' }),
    ).rejects.toMatchObject({
      name: 'S3PaginationStuck',
    });
    expect(calls).toBeLessThanOrEqual(5);
  });

  it('a server that keeps answering the same one key with new tokens is cut off by the page bound', async () => {
    const { client, mock } = mocked();
    let calls = 0;
    mock.on(ListObjectsV2Command).callsFake(() => {
      calls++;
      return {
        IsTruncated: true,
        NextContinuationToken: `t${calls}`,
        KeyCount: 1,
        Contents: [{ Key: 'p/db/base/20260101T000000/backup.info', Size: 10 }],
      };
    });
    const scanner = BarmanArchiveScanner.create({ client });
    const { catalog } = await scanner.scan({
      destination: 's3://bucket/p',
      serverName: 'db',
    });
    expect(catalog.scan.complete).toBe(false);
    expect(catalog.scan.errors.map(e => e.name)).toContain('S3PaginationStuck');
    expect(calls).toBeLessThan(50);
  });

  it('a wals/ listing whose StartAfter does not advance → S3PaginationStuck', async () => {
    const { client, mock } = mocked();
    mock
      .on(ListObjectsV2Command, { Prefix: 'p/db/base/' })
      .resolves({ IsTruncated: false, KeyCount: 0 });
    let walCalls = 0;
    mock.on(ListObjectsV2Command, { Prefix: 'p/db/wals/' }).callsFake(() => {
      walCalls++;
      // Always the same first page, whatever StartAfter says.
      return {
        IsTruncated: true,
        KeyCount: 1,
        Contents: [
          {
            Key: 'p/db/wals/0000000100000000/000000010000000000000001.gz',
            Size: 10,
          },
        ],
      };
    });
    const scanner = BarmanArchiveScanner.create({ client });
    const { catalog } = await scanner.scan({
      destination: 's3://bucket/p',
      serverName: 'db',
    });
    expect(catalog.scan.complete).toBe(false);
    expect(catalog.scan.errors).toEqual([
      expect.objectContaining({
        name: 'S3PaginationStuck',
        message: expect.stringMatching(/did not advance/),
      }),
    ]);
    expect(walCalls).toBe(2);
  });

  it('a listing that does progress over many small pages is read in full (the bound follows the keys)', async () => {
    const { client, mock } = mocked();
    // Every serverName candidate holds neither base/ nor wals/.
    mock
      .on(ListObjectsV2Command)
      .resolves({ IsTruncated: false, KeyCount: 1, CommonPrefixes: [] });
    const keys = Array.from(
      { length: 300 },
      (_, i) => `p/a${String(i).padStart(4, '0')}/`,
    );
    mock
      .on(ListObjectsV2Command, { Delimiter: '/', Prefix: 'p/' })
      .callsFake(input => {
        const from = input.ContinuationToken
          ? Number(input.ContinuationToken)
          : 0;
        const next = from + 1;
        return {
          IsTruncated: next < keys.length,
          NextContinuationToken: next < keys.length ? String(next) : undefined,
          KeyCount: 1,
          CommonPrefixes: [{ Prefix: keys[from] }],
        };
      });
    const scanner = BarmanArchiveScanner.create({ client });
    await expect(
      scanner.listServerNames({ destination: 's3://bucket/p' }),
    ).resolves.toEqual([]);
    expect(
      mock.commandCalls(ListObjectsV2Command, { Prefix: 'p/', Delimiter: '/' }),
    ).toHaveLength(300);
  });
});
