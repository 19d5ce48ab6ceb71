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
import { parseEndpointURL } from './endpointUrl';

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
  /** Connection establishment timeout of one attempt. Default 5 s (never more than one attempt's share). */
  connectionTimeoutMs?: number;
  /**
   * Time budget of one S3 call, retries and backoff included: a server that accepts and never
   * answers gives a named `S3Timeout` within this time. Each attempt gets an equal share of
   * what the backoff leaves (see {@link resolveRequestTimeBudget}). Default 30 s.
   */
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
/** Default {@link CreateS3ClientOptions.requestTimeoutMs}. @public */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const MIN_ATTEMPT_TIMEOUT_MS = 100;

/** How a call's time budget is shared between attempts and backoff. @public */
export interface RequestTimeBudget {
  /** The whole call's budget (`requestTimeoutMs`). */
  budgetMs: number;
  maxAttempts: number;
  /** Request and socket-idle timeout of one attempt. */
  attemptTimeoutMs: number;
  connectionTimeoutMs: number;
  /** Cap of one backoff delay. */
  maxRetryDelayMs: number;
  /** Longest a call that never gets an answer can take: attempts plus backoff delays. */
  worstCaseMs: number;
}

/**
 * Splits the time budget of one S3 call: backoff delays get at most a quarter of it, each
 * attempt an equal share of the rest, so retries never stretch a hang past the budget.
 * @public
 */
export function resolveRequestTimeBudget(
  options: Pick<
    CreateS3ClientOptions,
    | 'requestTimeoutMs'
    | 'maxAttempts'
    | 'retryBaseDelayMs'
    | 'connectionTimeoutMs'
  >,
): RequestTimeBudget {
  const baseDelay = Math.max(0, options.retryBaseDelayMs ?? 250);
  const budgetMs = Math.max(
    MIN_ATTEMPT_TIMEOUT_MS,
    options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  );
  // No more attempts than fit in three quarters of the budget at the shortest attempt timeout.
  const maxAttempts = Math.max(
    1,
    Math.min(
      Math.floor(options.maxAttempts ?? 4),
      Math.floor((budgetMs * 3) / 4 / MIN_ATTEMPT_TIMEOUT_MS),
    ),
  );
  const retries = maxAttempts - 1;
  const maxRetryDelayMs =
    retries > 0
      ? Math.min(MAX_RETRY_DELAY_MS, Math.floor(budgetMs / 4 / retries))
      : 0;
  let backoffMs = 0;
  for (let attempt = 1; attempt <= retries; attempt++) {
    backoffMs += Math.min(maxRetryDelayMs, baseDelay * 2 ** (attempt - 1));
  }
  const attemptTimeoutMs = Math.max(
    MIN_ATTEMPT_TIMEOUT_MS,
    Math.floor((budgetMs - backoffMs) / maxAttempts),
  );
  return {
    budgetMs,
    maxAttempts,
    attemptTimeoutMs,
    connectionTimeoutMs: Math.min(
      options.connectionTimeoutMs ?? 5_000,
      attemptTimeoutMs,
    ),
    maxRetryDelayMs,
    worstCaseMs: attemptTimeoutMs * maxAttempts + backoffMs,
  };
}

/**
 * The client configuration {@link createS3Client} would use, without creating it
 * (exported so presets can be checked without network).
 * @public
 */
export function resolveS3ClientConfig(
  options: CreateS3ClientOptions,
): S3ClientConfig & { provider: S3Provider } {
  if (options.endpoint) {
    parseEndpointURL(options.endpoint);
  }
  const preset = resolveProviderPreset({
    provider: options.provider,
    endpoint: options.endpoint,
  });
  const baseDelay = Math.max(0, options.retryBaseDelayMs ?? 250);
  const budget = resolveRequestTimeBudget(options);
  const maxAttempts = budget.maxAttempts;
  const requestTimeout = budget.attemptTimeoutMs;
  const connectionTimeout = budget.connectionTimeoutMs;
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
          Math.min(
            budget.maxRetryDelayMs,
            baseDelay * 2 ** Math.max(0, attempt - 1),
          ),
      ),
    ),
  };
}

/**
 * Creates an S3 client for reading Barman archives.
 *
 * Non-AWS providers always get
 * `requestChecksumCalculation/responseChecksumValidation: 'WHEN_REQUIRED'`; by default the
 * client is read-only: any command other than ListObjectsV2, GetObject, HeadObject and
 * HeadBucket throws {@link ReadOnlyViolationError} before a byte leaves the machine.
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
export function countRequests(
  client: S3Client,
  counter: S3RequestCounter,
): void {
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
    {
      step: 'finalizeRequest',
      priority: 'low',
      name: 'cnpgBackupsHttpCounter',
    },
  );
}
