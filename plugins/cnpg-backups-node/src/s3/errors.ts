/**
 * Named errors of the S3 layer, and the mapping of SDK/network failures onto them.
 */
import type { ScanError } from '@cnpg-backups/plugin-cnpg-backups-common';

/**
 * The names this package gives to S3 failures. They travel as `ScanError.name` and as the
 * `name` of thrown {@link S3AccessError}s.
 * @public
 */
export type S3ErrorName =
  | 'AccessDenied'
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'InvalidAccessKeyId'
  | 'SignatureDoesNotMatch'
  | 'S3Unavailable'
  | 'S3Timeout'
  | 'S3InvalidResponse'
  | 'S3Unreachable'
  | 'S3PaginationStuck'
  | 'S3CredentialsMissing'
  | 'S3Error';

/** Every {@link S3ErrorName}, for callers that classify errors by name. @public */
export const S3_ERROR_NAMES: readonly S3ErrorName[] = [
  'AccessDenied',
  'NoSuchBucket',
  'NoSuchKey',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'S3Unavailable',
  'S3Timeout',
  'S3InvalidResponse',
  'S3Unreachable',
  'S3PaginationStuck',
  'S3CredentialsMissing',
  'S3Error',
];

/**
 * An S3 request failed. `name` says how (see {@link S3ErrorName}); `cause` keeps the original.
 * @public
 */
export class S3AccessError extends Error {
  readonly name: S3ErrorName;
  readonly key?: string;
  readonly httpStatusCode?: number;
  constructor(options: {
    name: S3ErrorName;
    message: string;
    key?: string;
    httpStatusCode?: number;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = options.name;
    this.key = options.key;
    this.httpStatusCode = options.httpStatusCode;
  }

  /** The error as data, for `ScanInfo.errors`. */
  toScanError(): ScanError {
    return {
      name: this.name,
      message: this.message,
      ...(this.key !== undefined ? { key: this.key } : {}),
    };
  }
}

/**
 * Thrown by a read-only client when code tries to send anything but
 * ListObjectsV2, GetObject, HeadObject or HeadBucket.
 * @public
 */
export class ReadOnlyViolationError extends Error {
  readonly name = 'ReadOnlyViolationError';
  constructor(readonly commandName: string) {
    super(
      `Refusing to send ${commandName}: this S3 client is read-only (allowed: ListObjectsV2, GetObject, HeadObject, HeadBucket)`,
    );
  }
}

/** Error names that mean "the credentials or the bucket are wrong" (CLI exit code 2). @public */
export const S3_CONFIGURATION_ERROR_NAMES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'NoSuchBucket',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'S3Unreachable',
  'S3Timeout',
  'S3CredentialsMissing',
]);

/**
 * Error names that mean "the archive could not be read" (every {@link S3ErrorName} but
 * `NoSuchKey`, which the scanner handles as a file deleted while it read). A scan with one of
 * these is not a finding about the archive: the CLI exits 2 and prints no catalog.
 * @public
 */
export const S3_READ_FAILURE_NAMES: ReadonlySet<string> = new Set<S3ErrorName>(
  S3_ERROR_NAMES.filter(name => name !== 'NoSuchKey'),
);

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const THROTTLING_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'ServiceUnavailable',
  'InternalError',
  'BandwidthLimitExceeded',
]);

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
  cause?: unknown;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * Maps anything an S3 call can throw onto a named {@link S3AccessError}.
 *
 * @param error - what the SDK (or the network) threw
 * @param context - the bucket and key or prefix involved, for the message
 * @public
 */
export function toS3AccessError(
  error: unknown,
  context: { bucket?: string; key?: string } = {},
): S3AccessError {
  if (error instanceof S3AccessError) return error;
  const e = (error ?? {}) as SdkLikeError;
  const sdkName = e.name ?? '';
  const code = e.code ?? (e.cause as SdkLikeError | undefined)?.code ?? '';
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  let where = '';
  if (context.key) where = ` (s3://${context.bucket ?? '?'}/${context.key})`;
  else if (context.bucket) where = ` (bucket ${context.bucket})`;
  const detail = describe(error);
  const make = (name: S3ErrorName, message: string) =>
    new S3AccessError({
      name,
      message: `${message}${where}`,
      key: context.key,
      httpStatusCode: status,
      cause: error,
    });

  if (error instanceof ReadOnlyViolationError) {
    return make('AccessDenied', error.message);
  }
  switch (sdkName) {
    case 'CredentialsProviderError':
      return make(
        'S3CredentialsMissing',
        `No S3 credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, or a web identity / instance role): ${detail}`,
      );
    case 'AccessDenied':
    case 'AllAccessDisabled':
    case 'AccountProblem':
      return make('AccessDenied', `Access denied: ${detail}`);
    case 'NoSuchBucket':
      return make('NoSuchBucket', `The bucket does not exist: ${detail}`);
    case 'NoSuchKey':
      return make('NoSuchKey', `The object does not exist: ${detail}`);
    case 'InvalidAccessKeyId':
      return make(
        'InvalidAccessKeyId',
        `The access key id is not known to the object store: ${detail}`,
      );
    case 'SignatureDoesNotMatch':
      return make(
        'SignatureDoesNotMatch',
        `The request signature does not match (wrong secret key, or a proxy rewrote the request): ${detail}`,
      );
    case 'TimeoutError':
    case 'RequestTimeout':
    case 'RequestTimeoutException':
      return make(
        'S3Timeout',
        `The object store did not answer in time (every attempt timed out; raise the request timeout or check the endpoint): ${detail}`,
      );
    default:
  }
  if (
    code === 'ETIMEDOUT' ||
    code === 'ESOCKETTIMEDOUT' ||
    /\bETIMEDOUT\b|exceeded the configured \d+ ms requestTimeout/.test(detail)
  ) {
    return make(
      'S3Timeout',
      `The object store did not answer in time (every attempt timed out; raise the request timeout or check the endpoint): ${detail}`,
    );
  }
  if (
    /CERT|SELF_SIGNED/.test(code) ||
    /certificate|self[- ]signed/i.test(detail)
  ) {
    return make(
      'S3Unreachable',
      `TLS verification of the endpoint failed (give the endpoint's CA bundle: --ca-file, or endpointCA in the ObjectStore): ${detail}`,
    );
  }
  // The code can be lost when the SDK re-wraps an error from another realm (Jest), so the
  // message is checked too.
  const messageCode = /\b(E[A-Z_]{3,}|ERR_[A-Z_]+|[A-Z_]*CERT[A-Z_]*)\b/.exec(
    detail,
  )?.[1];
  if (
    NETWORK_ERROR_CODES.has(code) ||
    (messageCode && NETWORK_ERROR_CODES.has(messageCode)) ||
    /socket hang up/i.test(detail)
  ) {
    return make('S3Unreachable', `Cannot reach the object store: ${detail}`);
  }
  if (
    THROTTLING_NAMES.has(sdkName) ||
    (status !== undefined && status >= 500)
  ) {
    return make(
      'S3Unavailable',
      `The object store is unavailable or throttling (HTTP ${
        status ?? '?'
      } ${sdkName}) and retries were exhausted: ${detail}`,
    );
  }
  if (status === 403) {
    // HEAD responses carry no error body, so the SDK only knows the status.
    return make('AccessDenied', `Access denied (HTTP 403): ${detail}`);
  }
  if (status === 404 && sdkName === 'NotFound') {
    return make('NoSuchKey', `Not found (HTTP 404): ${detail}`);
  }
  if (
    /deserializ|xml|parse|unexpected end|unexpected token|non-whitespace/i.test(
      detail,
    ) ||
    (status !== undefined && status >= 200 && status < 300)
  ) {
    return make(
      'S3InvalidResponse',
      `The object store sent a response that is not valid S3 XML: ${detail}`,
    );
  }
  return make(
    'S3Error',
    `S3 request failed: ${sdkName ? `${sdkName}: ` : ''}${detail}`,
  );
}
