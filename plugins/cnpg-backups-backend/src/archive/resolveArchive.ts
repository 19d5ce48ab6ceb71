/*
 * The backend's archive resolution, on top of the homes in -common `archive/` (plugin name,
 * declaration, destination parsing, provider detection, folder key): the ArchiveTarget the
 * status shows (ObjectStore or legacy configuration → S3 target) and the recovery sources
 * declared in `externalClusters[]` (a plugin source's serverName defaults to the NEW cluster's
 * name, not the external cluster's; a legacy source's to the external name).
 */
import {
  BARMAN_CLOUD_PLUGIN_NAME,
  InvalidDestinationError,
  declaredArchive,
  destinationParts,
  detectS3Provider,
  findPluginEntry,
  archiveFolderKey,
  type ArchiveDeclaration,
  type ArchiveTarget,
  type CompressionName,
  type PluginArchiveEntry,
  type RecoverySource,
  type S3Provider,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type {
  BarmanObjectStoreConfiguration,
  CnpgCluster,
  CnpgObjectStore,
} from '../kubernetes';

// Re-exported from their -common homes (public API of this package, unchanged names).
export { declaredArchive, findPluginEntry, archiveFolderKey };
export type { ArchiveDeclaration, PluginArchiveEntry };

/** The barman-cloud CNPG-I plugin name (home: -common `BARMAN_CLOUD_PLUGIN_NAME`). @public */
export const BARMAN_CLOUD_PLUGIN = BARMAN_CLOUD_PLUGIN_NAME;

/** Thrown when an archive cannot be turned into an S3 target. @public */
export class UnsupportedArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedArchive';
  }
}

/**
 * `s3://bucket/prefix` → bucket + prefix (no leading/trailing slash), by the one destination
 * parser of -common.
 * @throws UnsupportedArchiveError when it is not a valid `s3://` destination
 * @public
 */
export function splitDestinationPath(destinationPath: string): {
  bucket: string;
  prefix: string;
} {
  const isS3 = /^\s*s3:\/\//i.test(destinationPath);
  if (!isS3) {
    throw new UnsupportedArchiveError(
      `destinationPath "${destinationPath}" is not an s3:// URL (Azure and Google Cloud Storage archives are not supported)`,
    );
  }
  try {
    return destinationParts(destinationPath);
  } catch (error) {
    if (error instanceof InvalidDestinationError) {
      throw new UnsupportedArchiveError(error.message);
    }
    throw error;
  }
}

const COMPRESSIONS = new Set(['gzip', 'bzip2', 'xz', 'snappy', 'zstd', 'lz4']);

function compressionOf(value: string | undefined): CompressionName {
  return value && COMPRESSIONS.has(value) ? (value as CompressionName) : 'none';
}

/** Guesses the provider from the endpoint host (home: -common `detectS3Provider`). @public */
export function guessProvider(endpointURL: string | undefined): S3Provider {
  return detectS3Provider(endpointURL);
}

function targetFromConfiguration(options: {
  form: 'plugin' | 'legacy';
  configuration: BarmanObjectStoreConfiguration;
  serverName: string;
  objectStoreName?: string;
  isWALArchiver?: boolean;
  retentionPolicy?: string;
  sidecarEnv: string[];
  ownerDescription: string;
}): ArchiveTarget {
  const c = options.configuration;
  if (!c.destinationPath) {
    throw new UnsupportedArchiveError(
      `${options.ownerDescription} has no destinationPath`,
    );
  }
  if (!c.s3Credentials && (c.azureCredentials || c.googleCredentials)) {
    throw new UnsupportedArchiveError(
      `${options.ownerDescription} uses ${
        c.azureCredentials ? 'Azure Blob Storage' : 'Google Cloud Storage'
      }; only S3-compatible archives are supported`,
    );
  }
  const { bucket, prefix } = splitDestinationPath(c.destinationPath);
  return {
    form: options.form,
    objectStoreName: options.objectStoreName,
    destinationPath: c.destinationPath,
    bucket,
    prefix,
    endpointURL: c.endpointURL || undefined,
    provider: guessProvider(c.endpointURL),
    serverName: options.serverName,
    isWALArchiver: options.isWALArchiver,
    walCompression: compressionOf(c.wal?.compression),
    dataCompression: compressionOf(c.data?.compression),
    retentionPolicy: options.retentionPolicy || undefined,
    credentials: {
      accessKeyId: c.s3Credentials?.accessKeyId,
      secretAccessKey: c.s3Credentials?.secretAccessKey,
      sessionToken: c.s3Credentials?.sessionToken,
      region: c.s3Credentials?.region,
      inheritFromIAMRole: c.s3Credentials?.inheritFromIAMRole,
    },
    endpointCA: c.endpointCA,
    sidecarEnv: options.sidecarEnv,
  };
}

/**
 * Resolves the archive target. For the plugin form pass the ObjectStore named by the entry.
 * @throws UnsupportedArchiveError when the target is not an S3 archive
 * @public
 */
export function resolveArchiveTarget(options: {
  cluster: CnpgCluster;
  declaration: ArchiveDeclaration;
  objectStore?: CnpgObjectStore;
}): ArchiveTarget {
  const { cluster, declaration } = options;
  if (declaration.form === 'legacy') {
    return targetFromConfiguration({
      form: 'legacy',
      configuration: declaration.configuration,
      serverName: declaration.serverName,
      retentionPolicy: declaration.retentionPolicy,
      sidecarEnv: [],
      ownerDescription: `Cluster ${cluster.metadata.namespace}/${cluster.metadata.name} spec.backup.barmanObjectStore`,
    });
  }
  const store = options.objectStore;
  if (!store?.spec?.configuration) {
    throw new UnsupportedArchiveError(
      `ObjectStore ${cluster.metadata.namespace}/${
        declaration.entry.objectStoreName ?? '(unset)'
      } has no spec.configuration`,
    );
  }
  return targetFromConfiguration({
    form: 'plugin',
    configuration: store.spec.configuration,
    serverName: declaration.entry.serverName,
    objectStoreName: store.metadata.name,
    isWALArchiver: declaration.entry.isWALArchiver,
    retentionPolicy: store.spec.retentionPolicy,
    sidecarEnv: (store.spec.instanceSidecarConfiguration?.env ?? []).map(
      e => e.name,
    ),
    ownerDescription: `ObjectStore ${cluster.metadata.namespace}/${store.metadata.name}`,
  });
}

/**
 * The recovery sources declared in `externalClusters[]` (plugin or legacy barmanObjectStore).
 * `objectStores` resolves plugin sources' destination paths when available.
 * @public
 */
export function resolveRecoverySources(options: {
  cluster: CnpgCluster;
  objectStores: CnpgObjectStore[];
}): RecoverySource[] {
  const { cluster } = options;
  const sources: RecoverySource[] = [];
  for (const external of cluster.spec?.externalClusters ?? []) {
    if (
      external.plugin?.name === BARMAN_CLOUD_PLUGIN_NAME &&
      external.plugin.enabled !== false
    ) {
      const objectStoreName =
        external.plugin.parameters?.barmanObjectName || undefined;
      const store = options.objectStores.find(
        s => s.metadata.name === objectStoreName,
      );
      sources.push({
        name: external.name,
        form: 'plugin',
        // The plugin defaults a recovery source's serverName to the name of the cluster being
        // CREATED, not to the external cluster's name.
        serverName:
          external.plugin.parameters?.serverName || cluster.metadata.name,
        objectStoreName,
        destinationPath: store?.spec?.configuration?.destinationPath,
      });
    } else if (external.barmanObjectStore) {
      sources.push({
        name: external.name,
        form: 'legacy',
        serverName: external.barmanObjectStore.serverName || external.name,
        destinationPath: external.barmanObjectStore.destinationPath,
      });
    }
  }
  return sources;
}
