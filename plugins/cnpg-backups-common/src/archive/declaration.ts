/*
 * Which archive a CNPG Cluster declares, following the Barman Cloud plugin's own rules. One home
 * for the status, the recovery planner, the manifest builder and the webhook rules:
 *  - plugin form: `spec.plugins[]` entries named barman-cloud.cloudnative-pg.io; the plugin loops
 *    over all of them, so the LAST entry wins: barmanObjectName from the last entry with the name
 *    (enabled or not), serverName/isWALArchiver from the last ENABLED one; serverName defaults to
 *    the cluster name;
 *  - legacy form: `spec.backup.barmanObjectStore` (+ retentionPolicy, Cluster `spec.env`);
 *  - an enabled plugin entry wins over the legacy field (CNPG refuses a WAL-archiver plugin
 *    together with barmanObjectStore anyway).
 */
import type {
  BarmanObjectStoreConfiguration,
  CnpgCluster,
  CnpgPluginConfiguration,
} from '../kubernetes/resources';
import { BARMAN_CLOUD_PLUGIN_NAME } from './names';

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

/** The structural part of a Cluster (a CR read from Kubernetes or a raw manifest) we read. @public */
export type ClusterLike = Pick<CnpgCluster, 'metadata' | 'spec'>;

function isBarmanEntry(p: unknown): p is CnpgPluginConfiguration {
  return (
    typeof p === 'object' &&
    p !== null &&
    (p as { name?: unknown }).name === BARMAN_CLOUD_PLUGIN_NAME
  );
}

/** The barman-cloud entry of `spec.plugins`, resolved like the plugin does. @public */
export function findPluginEntry(
  cluster: ClusterLike,
): PluginArchiveEntry | undefined {
  const plugins: unknown[] = Array.isArray(cluster.spec?.plugins)
    ? cluster.spec!.plugins!
    : [];
  let last = -1;
  let lastEnabled = -1;
  plugins.forEach((p, index) => {
    if (!isBarmanEntry(p)) return;
    last = index;
    if (p.enabled !== false) lastEnabled = index;
  });
  if (last < 0) return undefined;
  const lastEntry = plugins[last] as CnpgPluginConfiguration;
  const enabledEntry =
    lastEnabled >= 0
      ? (plugins[lastEnabled] as CnpgPluginConfiguration)
      : undefined;
  return {
    enabled: enabledEntry !== undefined,
    isWALArchiver: enabledEntry?.isWALArchiver === true,
    objectStoreName: lastEntry.parameters?.barmanObjectName || undefined,
    serverName:
      enabledEntry?.parameters?.serverName ||
      lastEntry.parameters?.serverName ||
      cluster.metadata.name,
  };
}

/** Which archive the Cluster declares (see the module comment). @public */
export function declaredArchive(
  cluster: ClusterLike,
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

/**
 * True when the Cluster mentions the barman-cloud plugin at all (so its ObjectStores are worth
 * reading): a `spec.plugins` entry or an `externalClusters[].plugin`, enabled or not.
 * @public
 */
export function usesBarmanPlugin(cluster: ClusterLike): boolean {
  if (findPluginEntry(cluster)) return true;
  return (cluster.spec?.externalClusters ?? []).some(e =>
    isBarmanEntry(e?.plugin),
  );
}
