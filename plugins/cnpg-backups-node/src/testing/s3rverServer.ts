import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

/** Credentials s3rver accepts. @public */
export const S3RVER_CREDENTIALS = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
} as const;

/** A running in-process s3rver. @public */
export interface RunningS3rver {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** The filesystem store s3rver serves. */
  directory: string;
  /** A client configured the way s3rver needs (path style, checksums only when required). */
  createClient(): S3Client;
  /** Stops the server (and deletes the directory when the harness created it). Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link startS3rver}. @public */
export interface StartS3rverOptions {
  /** Serve this existing store (kept on close). Default: a fresh temp directory (deleted on close). */
  directory?: string;
  /** Buckets to create when missing. */
  buckets: string[];
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (
  options: Record<string, unknown>,
) => S3rverInstance;

/**
 * Creates the S3 client options s3rver (and many S3-compatible stores) need.
 * @public
 */
export function createS3rverClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { ...S3RVER_CREDENTIALS },
    // With the default WHEN_SUPPORTED, streamed uploads to s3rver are stored with chunk framing.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Starts s3rver in this process on 127.0.0.1 with a free port.
 *
 * s3rver needs the OpenSSL legacy provider for its continuation tokens (DES): run Node with
 * `--openssl-legacy-provider` (scripts/bootstrap.sh puts it in NODE_OPTIONS), otherwise every truncated
 * ListObjectsV2 answers HTTP 500.
 * @public
 */
export async function startS3rver(
  options: StartS3rverOptions,
): Promise<RunningS3rver> {
  // s3rver ships no type declarations; keep its surface typed locally instead of a global `declare module`.
  // s3rver is a devDependency on purpose: this module only serves tests and benchmarks.
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @backstage/no-undeclared-imports
  const S3rver: S3rverConstructor = require('s3rver');
  const ownsDirectory = !options.directory;
  const directory =
    options.directory ?? mkdtempSync(join(tmpdir(), 'cnpg-s3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: options.buckets.map(name => ({ name, configs: [] })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  let closed = false;
  return {
    endpoint,
    port,
    directory,
    createClient: () => createS3rverClient(endpoint),
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      if (ownsDirectory) rmSync(directory, { recursive: true, force: true });
    },
  };
}
