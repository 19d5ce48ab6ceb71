/**
 * Test harness: a real S3 server (s3rver) in-process, plus a read-write client to seed it.
 * Test-only code; not exported from the package.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  S3Client,
  PutObjectCommand,
  DeleteObjectCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (
  options: Record<string, unknown>,
) => S3rverInstance;

export const S3RVER_CREDENTIALS = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};

/** @public */
export interface S3rverHarness {
  /** Endpoint to test against: s3rver behind the delimiter-fixing front (see startS3rver). */
  endpoint: string;
  port: number;
  /** s3rver itself, without the front. */
  rawEndpoint: string;
  /** A normal read-write client (no read-only guard) for seeding. */
  seedClient: S3Client;
  put(bucket: string, key: string, body: string | Uint8Array): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 with a random port and the given buckets. @public */
export async function startS3rver(options: {
  buckets: string[];
}): Promise<S3rverHarness> {
  // s3rver ships no types.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver: S3rverConstructor = require('s3rver');
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-s3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: options.buckets.map(name => ({ name, configs: [] })),
  });
  const { port: rawPort } = await server.run();
  const rawEndpoint = `http://127.0.0.1:${rawPort}`;
  const seedClient = new S3Client({
    endpoint: rawEndpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 16 }),
    }),
  });
  const front = await startDelimiterFront({ rawPort, seedClient });
  return {
    endpoint: front.endpoint,
    port: front.port,
    rawEndpoint,
    seedClient,
    async put(bucket, key, body) {
      await seedClient.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }),
      );
    },
    async remove(bucket, key) {
      await seedClient.send(
        new DeleteObjectCommand({ Bucket: bucket, Key: key }),
      );
    },
    async close() {
      await front.close();
      seedClient.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Runs async tasks with at most `limit` in flight. */
export async function runBounded<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const item = items[next++];
        await task(item);
      }
    },
  );
  await Promise.all(workers);
}

const FIXTURE_DIR = '/work/shared/fixtures/barman-3.4-sample';

/** One object of the real barman 3.4 sample: key relative to the bucket, and size. */
export interface FixtureObject {
  key: string;
  size: number;
  lastModified: string;
}

/** Reads object-keys.txt of the real barman-cloud 3.4 sample (bucket cnpg-backups, prefix demo, serverName pg-demo). */
export function readBarmanSampleKeys(): FixtureObject[] {
  const text = fs.readFileSync(
    path.join(FIXTURE_DIR, 'object-keys.txt'),
    'utf8',
  );
  return text
    .split('\n')
    .filter(line => line.trim() !== '' && !line.startsWith('#'))
    .map(line => {
      const [lastModified, size, key] = line.split('\t').map(s => s.trim());
      return { key, size: Number(size), lastModified };
    });
}

/** The content of a sample backup.info, without the fixture's leading `# key:` comment. */
export function readBarmanSampleBackupInfo(backupId: string): string {
  const text = fs.readFileSync(
    path.join(FIXTURE_DIR, `${backupId}.backup.info`),
    'utf8',
  );
  return text
    .split('\n')
    .filter(line => !line.startsWith('# key:'))
    .join('\n');
}

/**
 * Seeds the real barman sample under `<keyPrefix><serverName>/`: backup.info files with
 * their real content, other objects as zero bytes of their real size (scaled by `sizeScale`
 * to keep tests fast; 1 = real sizes).
 */
export async function seedBarmanSample(options: {
  harness: S3rverHarness;
  bucket: string;
  keyPrefix: string;
  serverName: string;
  sizeScale?: number;
}): Promise<FixtureObject[]> {
  const scale = options.sizeScale ?? 1;
  const objects = readBarmanSampleKeys().map(o => ({
    ...o,
    key: o.key.replace(
      /^demo\/pg-demo\//,
      `${options.keyPrefix}${options.serverName}/`,
    ),
  }));
  const seeded: FixtureObject[] = [];
  await runBounded(objects, 8, async o => {
    const info = /base\/(\d{8}T\d{6})\/backup\.info$/.exec(o.key);
    const body = info
      ? readBarmanSampleBackupInfo(info[1])
      : new Uint8Array(Math.max(1, Math.round(o.size * scale)));
    await options.harness.put(options.bucket, o.key, body);
    seeded.push({
      ...o,
      size: typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    });
  });
  return seeded.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Gzipped history-file content (`parentTLI<TAB>switchLSN<TAB>reason`). */
export function gzipHistory(lines: string): Uint8Array {
  return zlib.gzipSync(Buffer.from(lines));
}

function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * s3rver 3.7.1 answers ListObjectsV2 with a Delimiter wrongly: it prunes every directory
 * below the first delimiter, so a CommonPrefix only appears when an object sits exactly one
 * level below it (`prefix/server/base/x/backup.info` under `prefix/` yields nothing), and it
 * ignores MaxKeys for CommonPrefixes. This front answers delimiter listings the way S3 does
 * (from s3rver's own non-delimited listing: CommonPrefixes and Contents merged in key order,
 * MaxKeys over both, continuation tokens, StartAfter) and pipes every other request to
 * s3rver unchanged. Test-only.
 */
async function startDelimiterFront(options: {
  rawPort: number;
  seedClient: S3Client;
}): Promise<{ endpoint: string; port: number; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://front');
    const q = url.searchParams;
    const bucket = url.pathname.split('/')[1];
    const isDelimitedList =
      req.method === 'GET' &&
      q.get('list-type') === '2' &&
      q.get('delimiter') &&
      url.pathname.split('/').filter(Boolean).length === 1;
    if (!isDelimitedList) {
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: options.rawPort,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        upstreamRes => {
          res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
      return;
    }
    try {
      const prefix = q.get('prefix') ?? '';
      const delimiter = q.get('delimiter')!;
      const maxKeys = Math.min(1000, Number(q.get('max-keys') ?? 1000));
      const token = q.get('continuation-token');
      const after = token
        ? Buffer.from(token, 'base64').toString('utf8')
        : q.get('start-after') ?? '';
      // Entries in key order: objects and common prefixes.
      const entries: Array<{
        prefix?: string;
        key?: string;
        size?: number;
        lastModified?: Date;
        etag?: string;
      }> = [];
      const seenPrefixes = new Set<string>();
      let upstreamToken: string | undefined;
      do {
        const page = await options.seedClient.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ContinuationToken: upstreamToken,
          }),
        );
        for (const o of page.Contents ?? []) {
          const key = o.Key!;
          const idx = key.slice(prefix.length).indexOf(delimiter);
          if (idx !== -1) {
            const common = key.slice(0, prefix.length + idx + delimiter.length);
            if (!seenPrefixes.has(common)) {
              seenPrefixes.add(common);
              entries.push({ prefix: common });
            }
          } else {
            entries.push({
              key,
              size: o.Size,
              lastModified: o.LastModified,
              etag: o.ETag,
            });
          }
        }
        upstreamToken = page.IsTruncated
          ? page.NextContinuationToken
          : undefined;
      } while (upstreamToken);
      const remaining = entries.filter(e => (e.prefix ?? e.key!) > after);
      const pageEntries = remaining.slice(0, maxKeys);
      const truncated = remaining.length > maxKeys;
      const last = pageEntries[pageEntries.length - 1];
      const parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
        `<Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(
          prefix,
        )}</Prefix>`,
        `<KeyCount>${pageEntries.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>`,
        `<Delimiter>${xmlEscape(
          delimiter,
        )}</Delimiter><IsTruncated>${truncated}</IsTruncated>`,
        truncated && last
          ? `<NextContinuationToken>${Buffer.from(
              last.prefix ?? last.key!,
            ).toString('base64')}</NextContinuationToken>`
          : '',
        ...pageEntries
          .filter(e => e.key)
          .map(
            e =>
              `<Contents><Key>${xmlEscape(
                e.key!,
              )}</Key><LastModified>${e.lastModified?.toISOString()}</LastModified><ETag>${xmlEscape(
                e.etag ?? '',
              )}</ETag><Size>${
                e.size
              }</Size><StorageClass>STANDARD</StorageClass></Contents>`,
          ),
        ...pageEntries
          .filter(e => e.prefix)
          .map(
            e =>
              `<CommonPrefixes><Prefix>${xmlEscape(
                e.prefix!,
              )}</Prefix></CommonPrefixes>`,
          ),
        '</ListBucketResult>',
      ];
      const body = parts.join('');
      res.writeHead(200, {
        'content-type': 'application/xml',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    } catch (error) {
      const status =
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata
          ?.httpStatusCode ?? 500;
      const code = (error as Error).name;
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${xmlEscape(
        code,
      )}</Code><Message>${xmlEscape(
        String((error as Error).message),
      )}</Message></Error>`;
      res.writeHead(status, {
        'content-type': 'application/xml',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    }
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
