/*
 * The source Cluster spec the manifest builder copies from. The backend's status carries the
 * real spec (`clusterSpec`); when it does not, a minimal spec is derived from the status
 * summary and archive target, and the storage size must then be given by the operator.
 */
import { InputError } from '@backstage/errors';
import {
  BARMAN_CLOUD_PLUGIN_NAME,
  type DatabaseStatus,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Result of {@link resolveSourceClusterSpec}. @public */
export interface ResolvedSourceSpec {
  spec: Record<string, unknown>;
  /** `status` when copied from the live Cluster, `derived` when rebuilt from the summary. */
  origin: 'status' | 'derived';
  warnings: string[];
}

/**
 * The source spec for the builder.
 * @public
 */
export function resolveSourceClusterSpec(
  status: Pick<DatabaseStatus, 'cluster' | 'archive' | 'clusterSpec'>,
  options: { storageSize?: string } = {},
): ResolvedSourceSpec {
  if (status.clusterSpec && typeof status.clusterSpec === 'object') {
    return { spec: status.clusterSpec, origin: 'status', warnings: [] };
  }
  const archive = status.archive;
  if (!archive) {
    throw new InputError(
      `Cluster ${status.cluster.namespace}/${status.cluster.name} has no Barman Cloud archive: nothing to recover from`,
    );
  }
  if (!options.storageSize) {
    throw new InputError(
      `The backend did not return the spec of ${status.cluster.namespace}/${status.cluster.name}; give storageSize (e.g. 20Gi) so the recovered cluster gets a volume at least as large as the source`,
    );
  }
  const spec: Record<string, unknown> = {
    instances: status.cluster.instances ?? 1,
    ...(status.cluster.imageName
      ? { imageName: status.cluster.imageName }
      : {}),
    storage: { size: options.storageSize },
  };
  if (archive.form === 'plugin') {
    spec.plugins = [
      {
        name: BARMAN_CLOUD_PLUGIN_NAME,
        isWALArchiver: true,
        parameters: {
          barmanObjectName: archive.objectStoreName,
          serverName: archive.serverName,
        },
      },
    ];
  } else {
    const credentials = archive.credentials;
    spec.backup = {
      barmanObjectStore: {
        destinationPath: archive.destinationPath,
        ...(archive.endpointURL ? { endpointURL: archive.endpointURL } : {}),
        ...(archive.endpointCA ? { endpointCA: archive.endpointCA } : {}),
        serverName: archive.serverName,
        s3Credentials: credentials.inheritFromIAMRole
          ? { inheritFromIAMRole: true }
          : {
              ...(credentials.accessKeyId
                ? { accessKeyId: credentials.accessKeyId }
                : {}),
              ...(credentials.secretAccessKey
                ? { secretAccessKey: credentials.secretAccessKey }
                : {}),
              ...(credentials.sessionToken
                ? { sessionToken: credentials.sessionToken }
                : {}),
              ...(credentials.region ? { region: credentials.region } : {}),
            },
        ...(archive.walCompression && archive.walCompression !== 'none'
          ? { wal: { compression: archive.walCompression } }
          : {}),
        ...(archive.dataCompression && archive.dataCompression !== 'none'
          ? { data: { compression: archive.dataCompression } }
          : {}),
      },
    };
  }
  return {
    spec,
    origin: 'derived',
    warnings: [
      'The Cluster spec was rebuilt from the status summary: resources, PostgreSQL parameters, affinity and walStorage of the source are NOT copied; review the manifest',
    ],
  };
}
