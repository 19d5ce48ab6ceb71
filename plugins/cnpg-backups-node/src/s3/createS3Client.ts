/**
 * Creates the S3 client every reader of Barman archives uses: provider presets, custom CA,
 * timeouts, retries, a read-only guard and a request counter.
 */
import http from 'node:http';
import https from 'node:https';
import { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type {
  InitializeHandler,
  InitializeHandlerArguments,
  FinalizeHandler,
  FinalizeHandlerArguments,
  HandlerExecutionContext,
  MetadataBearer,
} from '@smithy/types';
import type { S3Provider } from '@cnpg-backups/plugin-cnpg-backups-common';
import { ReadOnlyViolationError } from './errors';
import { resolveProviderPreset } from './providers';

/** Static S3 credentials. @public */
export interface S3StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Counts what a client sent: `commands` are logical S3 calls, `httpRequests` include
 * every retry attempt.
 * @public
 */
export class S3RequestCounter {
  commands = 0;
  httpRequests = 0;
  /** Commands per name, e.g. `{ ListObjectsV2Command: 12, GetObjectCommand: 3 }`. */
  readonly byCommand: Record<string, number> = {};
}

/** Options of {@link createS3Client}. @public */
export interface CreateS3ClientOptions {
  /** Custom endpoint (MinIO, R2, Hetzner, RustFS...). Omit for AWS. */
  endpoint?: string;
  /** Provider preset; detected from the endpoint when omitted. */
  provider?: S3Provider;
  /** Overrides the preset's region. */
  region?: string;
  /** Overrides the preset's addressing style. */
  forcePathStyle?: boolean;
  /** Static credentials. Omit to use the standard AWS chain (env, profile, IMDS, IRSA...). */
  credentials?: S3StaticCredentials;
  /** PEM bundle of CAs to trust for the endpoint (CNPG `endpointCA`). */
  caBundle?: string;
  /** Connection establishment timeout. Default 5 s. */
  connectionTimeoutMs?: number;
  /** Whole-request timeout and socket idle timeout. Default 30 s. */
  requestTimeoutMs?: number;
  /** Attempts per request including the first, for throttling, 5xx and network errors. Default 4. */
  maxAttempts?: number;
  /** Base of the exponential backoff between attempts (full jitter, capped at 20 s). Default 250 ms. */
  retryBaseDelayMs?: number;
  /** Only allow ListObjectsV2/GetObject/HeadObject/HeadBucket. Default true. */
  readOnly?: boolean;
  /** Receives a count of every command and HTTP attempt. */
  requestCounter?: S3RequestCounter;
  /** Maximum concurrent sockets. Default 50. */
  maxSockets?: number;
  /** Replaces the HTTP handler (tests inject faults here). */
  requestHandler?: S3ClientConfig['requestHandler'];
}

/** The commands a read-only client may send. @public */
export const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set([
  'ListObjectsV2Command',
  'GetObjectCommand',
  'HeadObjectCommand',
  'HeadBucketCommand',
]);

const MAX_RETRY_DELAY_MS = 20_000;

/**
 * The client configuration {@link createS3Client} would use, without creating it
 * (exported so presets can be checked without network).
 * @public
 */
export function resolveS3ClientConfig(
  options: CreateS3ClientOptions,
): S3ClientConfig & { provider: S3Provider } {
  const preset = resolveProviderPreset({
    provider: options.provider,
    endpoint: options.endpoint,
  });
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 4));
  const baseDelay = Math.max(0, options.retryBaseDelayMs ?? 250);
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const connectionTimeout = options.connectionTimeoutMs ?? 5_000;
  const maxSockets = options.maxSockets ?? 50;

  const requestHandler =
    options.requestHandler ??
    new NodeHttpHandler({
      connectionTimeout,
      requestTimeout,
      throwOnRequestTimeout: true,
      socketTimeout: requestTimeout,
      // Own agents: a custom CA must not leak into other clients, and keep-alive matters
      // when a scan sends hundreds of small LIST requests.
      httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
      httpsAgent: new https.Agent({
        keepAlive: true,
        maxSockets,
        ...(options.caBundle ? { ca: options.caBundle } : {}),
      }),
    });

  return {
    provider: preset.provider,
    region: options.region ?? preset.region,
    forcePathStyle: options.forcePathStyle ?? preset.forcePathStyle,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestChecksumCalculation: preset.checksums,
    responseChecksumValidation: preset.checksums,
    requestHandler,
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, attempt =>
      // Full jitter: spreads retries of the parallel hash-dir listings apart.
      Math.floor(
        Math.random() *
          Math.min(MAX_RETRY_DELAY_MS, baseDelay * 2 ** Math.max(0, attempt - 1)),
      ),
    ),
  };
}

/**
 * Creates an S3 client for reading Barman archives.
 *
 * Non-AWS providers always get `requestChecksumCalculation/responseChecksumValidation:
 * 'WHEN_REQUIRED'`; by default the client is read-only: any command other than
 * ListObjectsV2, GetObject, HeadObject and HeadBucket throws {@link ReadOnlyViolationError}
 * before a byte leaves the machine.
 * @public
 */
export function createS3Client(options: CreateS3ClientOptions = {}): S3Client {
  const { provider: _provider, ...config } = resolveS3ClientConfig(options);
  const client = new S3Client(config);
  if (options.readOnly ?? true) {
    guardReadOnly(client);
  }
  if (options.requestCounter) {
    countRequests(client, options.requestCounter);
  }
  return client;
}

/**
 * Makes a client refuse every command but ListObjectsV2/GetObject/HeadObject/HeadBucket.
 * @public
 */
export function guardReadOnly(client: S3Client): void {
  client.middlewareStack.add(
    <Output extends MetadataBearer>(
        next: InitializeHandler<any, Output>,
        context: HandlerExecutionContext,
      ) =>
      async (args: InitializeHandlerArguments<any>) => {
        const commandName = context.commandName ?? 'an unnamed command';
        if (!READ_ONLY_COMMANDS.has(commandName)) {
          throw new ReadOnlyViolationError(commandName);
        }
        return next(args);
      },
    { step: 'initialize', priority: 'high', name: 'cnpgBackupsReadOnlyGuard' },
  );
}

/**
 * Adds middleware that counts commands and HTTP attempts (retries included).
 * @public
 */
export function countRequests(client: S3Client, counter: S3RequestCounter): void {
  client.middlewareStack.add(
    <Output extends MetadataBearer>(
        next: InitializeHandler<any, Output>,
        context: HandlerExecutionContext,
      ) =>
      async (args: InitializeHandlerArguments<any>) => {
        const name = context.commandName ?? 'unknown';
        counter.commands += 1;
        counter.byCommand[name] = (counter.byCommand[name] ?? 0) + 1;
        return next(args);
      },
    { step: 'initialize', priority: 'low', name: 'cnpgBackupsCommandCounter' },
  );
  client.middlewareStack.add(
    <Output extends MetadataBearer>(next: FinalizeHandler<any, Output>) =>
      async (args: FinalizeHandlerArguments<any>) => {
        // Runs inside the retry middleware, so once per attempt.
        counter.httpRequests += 1;
        return next(args);
      },
    { step: 'finalizeRequest', priority: 'low', name: 'cnpgBackupsHttpCounter' },
  );
}
