/*
 * Where does a CNPG Cluster archive, and where may it recover from? Pure functions over the
 * Cluster and ObjectStore objects, following the plugin's own rules:
 *  - plugin form: `spec.plugins[]` entries named barman-cloud.cloudnative-pg.io; the plugin
 *    loops over all of them, so the LAST entry wins (barmanObjectName from the last entry with
 *    the name, serverName/isWALArchiver from the last enabled one); serverName defaults to
 *    the cluster name;
 *  - legacy form: `spec.backup.barmanObjectStore` (+ retentionPolicy, Cluster `spec.env`);
 *  - recovery sources: `externalClusters[]`; a plugin source's serverName defaults to the NEW
 *    cluster's name (not the external cluster's!), a legacy source's to the external name.
 */
import type {
  ArchiveTarget,
  CompressionName,
  RecoverySource,
  S3Provider,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type {
  BarmanObjectStoreConfiguration,
  CnpgCluster,
  CnpgObjectStore,
} from '../kubernetes';

/** The barman-cloud CNPG-I plugin name. @public */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/** What `spec.plugins` says about the barman-cloud plugin. @public */
export interface PluginArchiveEntry {
  enabled: boolean;
  isWALArchiver: boolean;
  objectStoreName?: string;
  serverName: string;
}

/** The archive a Cluster declares, before reading the ObjectStore. @public */
export type ArchiveDeclaration =
  | { form: 'plugin'; entry: PluginArchiveEntry }
  | {
      form: 'legacy';
      configuration: BarmanObjectStoreConfiguration;
      serverName: string;
      retentionPolicy?: string;
      envNames: string[];
    };

/** The barman-cloud entry of `spec.plugins`, resolved like the plugin does. @public */
export function findPluginEntry(
  cluster: CnpgCluster,
): PluginArchiveEntry | undefined {
  const entries = (cluster.spec?.plugins ?? []).filter(
    p => p?.name === BARMAN_CLOUD_PLUGIN,
  );
  if (entries.length === 0) return undefined;
  const enabled = entries.filter(p => p.enabled !== false);
  const lastEnabled = enabled[enabled.length - 1];
  const last = entries[entries.length - 1];
  return {
    enabled: lastEnabled !== undefined,
    isWALArchiver: lastEnabled?.isWALArchiver === true,
    objectStoreName: last.parameters?.barmanObjectName || undefined,
    serverName:
      lastEnabled?.parameters?.serverName ||
      last.parameters?.serverName ||
      cluster.metadata.name,
  };
}

/**
 * Which archive the Cluster declares. An enabled plugin entry wins over the legacy field (CNPG
 * refuses a WAL-archiver plugin together with barmanObjectStore anyway).
 * @public
 */
export function declaredArchive(
  cluster: CnpgCluster,
): ArchiveDeclaration | undefined {
  const entry = findPluginEntry(cluster);
  if (entry?.enabled) return { form: 'plugin', entry };
  const legacy = cluster.spec?.backup?.barmanObjectStore;
  if (legacy) {
    return {
      form: 'legacy',
      configuration: legacy,
      serverName: legacy.serverName || cluster.metadata.name,
      retentionPolicy: cluster.spec?.backup?.retentionPolicy,
      envNames: (cluster.spec?.env ?? []).map(e => e.name),
    };
  }
  return undefined;
}

/** Thrown when an archive cannot be turned into an S3 target. @public */
export class UnsupportedArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedArchive';
  }
}

/** `s3://bucket/prefix` → bucket + prefix (no leading/trailing slash). @public */
export function splitDestinationPath(destinationPath: string): {
  bucket: string;
  prefix: string;
} {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(destinationPath.trim());
  if (!match) {
    throw new UnsupportedArchiveError(
      `destinationPath "${destinationPath}" is not an s3:// URL (Azure and Google Cloud Storage archives are not supported)`,
    );
  }
  return { bucket: match[1], prefix: match[2].replace(/^\/+|\/+$/g, '') };
}

const COMPRESSIONS = new Set(['gzip', 'bzip2', 'xz', 'snappy', 'zstd', 'lz4']);

function compressionOf(value: string | undefined): CompressionName {
  return value && COMPRESSIONS.has(value) ? (value as CompressionName) : 'none';
}

/** Guesses the provider preset from the endpoint host. @public */
export function guessProvider(endpointURL: string | undefined): S3Provider {
  if (!endpointURL) return 'aws';
  let host = '';
  try {
    host = new URL(endpointURL).hostname.toLowerCase();
  } catch {
    return 'generic';
  }
  if (host.endsWith('amazonaws.com') || host.endsWith('amazonaws.com.cn'))
    return 'aws';
  if (host.endsWith('r2.cloudflarestorage.com')) return 'r2';
  if (host.endsWith('your-objectstorage.com')) return 'hetzner';
  if (host.includes('rustfs')) return 'rustfs';
  if (host.includes('minio')) return 'minio';
  return 'generic';
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
      external.plugin?.name === BARMAN_CLOUD_PLUGIN &&
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

/** A stable key of an archive folder (endpoint + destination + serverName). @public */
export function archiveFolderKey(target: {
  endpointURL?: string;
  destinationPath?: string;
  serverName: string;
}): string {
  return `${(target.endpointURL ?? 'aws').replace(/\/+$/, '')}|${(
    target.destinationPath ?? ''
  ).replace(/\/+$/, '')}|${target.serverName}`;
}
