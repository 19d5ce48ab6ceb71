// The archive reader types live in the node package (shared with modules that extend the plugin).
export type {
  ArchiveConnection,
  ArchiveCredentials,
  ArchiveReader,
  ArchiveReaderFactory,
  S3EndpointSettings,
} from '@cnpg-backups/plugin-cnpg-backups-node';
