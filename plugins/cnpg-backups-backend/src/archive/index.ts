export type {
  ArchiveConnection,
  ArchiveCredentials,
  ArchiveReader,
  ArchiveReaderFactory,
  S3EndpointSettings,
} from '@cnpg-backups/plugin-cnpg-backups-node';
export { S3EndpointPolicy, EndpointNotAllowedError } from './S3EndpointPolicy';
export type { S3EndpointDecision } from './S3EndpointPolicy';
export { ScannerArchiveReaderFactory } from './ScannerArchiveReaderFactory';
export type { ScannerArchiveReaderFactoryOptions } from './ScannerArchiveReaderFactory';
