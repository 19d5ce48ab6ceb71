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

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

export const S3RVER_CREDENTIALS = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};

export interface S3rverHarness {
  endpoint: string;
  port: number;
  /** A normal read-write client (no read-only guard) for seeding. */
  seedClient: S3Client;
  put(bucket: string, key: string, body: string | Uint8Array): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 with a random port and the given buckets. */
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
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const seedClient = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 16 }),
    }),
  });
  return {
    endpoint,
    port,
    seedClient,
    async put(bucket, key, body) {
      await seedClient.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }),
      );
    },
    async remove(bucket, key) {
      await seedClient.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async close() {
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
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await task(item);
    }
  });
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
  const text = fs.readFileSync(path.join(FIXTURE_DIR, 'object-keys.txt'), 'utf8');
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
    key: o.key.replace(/^demo\/pg-demo\//, `${options.keyPrefix}${options.serverName}/`),
  }));
  const seeded: FixtureObject[] = [];
  await runBounded(objects, 8, async o => {
    const info = /base\/(\d{8}T\d{6})\/backup\.info$/.exec(o.key);
    const body = info
      ? readBarmanSampleBackupInfo(info[1])
      : new Uint8Array(Math.max(1, Math.round(o.size * scale)));
    await options.harness.put(options.bucket, o.key, body);
    seeded.push({ ...o, size: typeof body === 'string' ? Buffer.byteLength(body) : body.length });
  });
  return seeded.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Gzipped history-file content (`parentTLI<TAB>switchLSN<TAB>reason`). */
export function gzipHistory(lines: string): Uint8Array {
  return zlib.gzipSync(Buffer.from(lines));
}
