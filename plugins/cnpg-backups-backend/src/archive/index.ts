export type {
  ArchiveConnection,
  ArchiveCredentials,
  ArchiveReader,
  ArchiveReaderFactory,
} from './types';
export { S3EndpointPolicy, EndpointNotAllowedError } from './S3EndpointPolicy';
export type {
  S3EndpointDecision,
  S3EndpointSettings,
} from './S3EndpointPolicy';
export { ScannerArchiveReaderFactory } from './ScannerArchiveReaderFactory';
export type { ScannerArchiveReaderFactoryOptions } from './ScannerArchiveReaderFactory';
