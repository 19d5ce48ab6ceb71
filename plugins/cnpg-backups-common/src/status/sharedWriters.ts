/*
 * Who else writes to a database's archive folder (same endpoint + destination + serverName).
 * Two writers in one folder corrupt each other's WAL: barman-cloud-check-wal-archive refuses it.
 */
import { declaredArchive } from '../archive/declaration';
import { archiveFolderKey } from '../archive/destination';
import type { CnpgCluster, CnpgObjectStore } from '../kubernetes/resources';
import type { ArchiveTarget } from './types';

/** Another database writing to the same folder; `namespace` may be `<kubernetes-cluster>/<namespace>`. @public */
export interface ArchiveWriter {
  namespace: string;
  name: string;
}

/** The folder key a sibling Cluster writes to, when its declaration (and ObjectStore) say. */
function folderOf(
  sibling: CnpgCluster,
  objectStores: readonly CnpgObjectStore[],
): string | undefined {
  const declaration = declaredArchive(sibling);
  if (!declaration) return undefined;
  if (declaration.form === 'legacy') {
    return archiveFolderKey({
      endpointURL: declaration.configuration.endpointURL || undefined,
      destinationPath: declaration.configuration.destinationPath,
      serverName: declaration.serverName,
    });
  }
  const store = objectStores.find(
    s => s.metadata.name === declaration.entry.objectStoreName,
  );
  if (!store?.spec?.configuration) return undefined;
  return archiveFolderKey({
    endpointURL: store.spec.configuration.endpointURL || undefined,
    destinationPath: store.spec.configuration.destinationPath,
    serverName: declaration.entry.serverName,
  });
}

/**
 * The Clusters of the same namespace (`siblings`, the cluster itself is skipped by name) that
 * write to `archive`'s folder, with the namespace's ObjectStores to resolve the plugin form.
 * @public
 */
export function findSharedArchiveWriters(options: {
  cluster: Pick<CnpgCluster, 'metadata'>;
  archive: Pick<
    ArchiveTarget,
    'endpointURL' | 'destinationPath' | 'serverName'
  >;
  siblings: readonly CnpgCluster[];
  objectStores: readonly CnpgObjectStore[];
}): ArchiveWriter[] {
  const key = archiveFolderKey(options.archive);
  return options.siblings
    .filter(s => s.metadata.name !== options.cluster.metadata.name)
    .filter(s => folderOf(s, options.objectStores) === key)
    .map(s => ({
      namespace: s.metadata.namespace ?? '',
      name: s.metadata.name,
    }));
}

/**
 * Groups databases of one response by the folder they write to, and returns, per database id,
 * the OTHER databases of the response writing to the same folder (`namespace` =
 * `<kubernetes-cluster>/<namespace>`): the per-database check only sees its own namespace, two
 * databases from different namespaces or Kubernetes clusters may still share a folder. Databases
 * alone in their folder are absent from the map.
 * @public
 */
export function crossDatabaseWriters(
  databases: ReadonlyArray<{
    id: string;
    kubernetesCluster: string;
    namespace: string;
    name: string;
    archive?: Pick<
      ArchiveTarget,
      'endpointURL' | 'destinationPath' | 'serverName'
    >;
  }>,
): Map<string, ArchiveWriter[]> {
  const byFolder = new Map<string, (typeof databases)[number][]>();
  for (const db of databases) {
    if (!db.archive) continue;
    const key = archiveFolderKey(db.archive);
    byFolder.set(key, [...(byFolder.get(key) ?? []), db]);
  }
  const result = new Map<string, ArchiveWriter[]>();
  for (const group of byFolder.values()) {
    if (group.length < 2) continue;
    for (const db of group) {
      result.set(
        db.id,
        group
          .filter(o => o.id !== db.id)
          .map(o => ({
            namespace: `${o.kubernetesCluster}/${o.namespace}`,
            name: o.name,
          })),
      );
    }
  }
  return result;
}
