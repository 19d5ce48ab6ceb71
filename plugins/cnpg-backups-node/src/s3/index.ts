export {
  createS3Client,
  resolveS3ClientConfig,
  guardReadOnly,
  countRequests,
  S3RequestCounter,
  READ_ONLY_COMMANDS,
  resolveRequestTimeBudget,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './createS3Client';
export type {
  CreateS3ClientOptions,
  RequestTimeBudget,
  S3StaticCredentials,
} from './createS3Client';
export {
  S3AccessError,
  ReadOnlyViolationError,
  toS3AccessError,
  S3_CONFIGURATION_ERROR_NAMES,
  S3_ERROR_NAMES,
  S3_READ_FAILURE_NAMES,
} from './errors';
export type { S3ErrorName } from './errors';
export {
  parseDestination,
  assertServerName,
  InvalidDestinationError,
} from './destination';
export type { ArchiveDestination } from './destination';
export { parseEndpointURL, InvalidEndpointURLError } from './endpointUrl';
export {
  detectS3Provider,
  resolveProviderPreset,
  parseS3Provider,
  UnknownS3ProviderError,
  S3_PROVIDERS,
} from './providers';
export type { S3ProviderPreset } from './providers';
