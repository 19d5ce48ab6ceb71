/*
 * The S3 side seen from the service: one small interface, so tests use fakes and the real
 * implementation (the node package's scanner) stays swappable.
 */
import type {
  BarmanCatalog,
  S3Provider,
  ServerNameSummary,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Static credentials for one store. Secret: never logged or returned. @public */
export interface ArchiveCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Settings for one S3 endpoint the backend may contact. @public */
export interface S3EndpointSettings {
  /** Endpoint URL as it appears in the ObjectStore/Cluster (`endpointURL`); `aws` for AWS. */
  url: string;
  /** Where to actually connect, when it differs (port-forward, proxy, a test or demo server). */
  connectUrl?: string;
  provider?: S3Provider;
  region?: string;
  caPem?: string;
  /** Read-only credentials to use instead of the cluster's Secret. */
  credentials?: ArchiveCredentials;
}

/** How to connect to one S3 endpoint. @public */
export interface ArchiveConnection {
  /** Undefined = AWS. */
  endpoint?: string;
  provider: S3Provider;
  region?: string;
  /** Undefined = the SDK's default chain (IAM role / IRSA). */
  credentials?: ArchiveCredentials;
  /** PEM bundle (from `endpointCA` or config). */
  caBundle?: string;
}

/** Reads Barman archives in one S3 endpoint. @public */
export interface ArchiveReader {
  /**
   * Builds the catalog of one serverName; `previous` is the opaque state of an earlier scan
   * (incremental refresh). S3 failures are reported in `catalog.scan.errors`, or thrown as
   * named errors when nothing could be read.
   */
  scan(options: {
    destination: string;
    serverName: string;
    previous?: unknown;
  }): Promise<{ catalog: BarmanCatalog; state: unknown }>;
  listServerNames(options: {
    destination: string;
  }): Promise<ServerNameSummary[]>;
  isServerNameEmpty(options: {
    destination: string;
    serverName: string;
  }): Promise<{ empty: boolean; walObjects: number }>;
}

/** Creates {@link ArchiveReader}s. @public */
export interface ArchiveReaderFactory {
  create(connection: ArchiveConnection): ArchiveReader;
}
