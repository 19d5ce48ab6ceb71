/*
 * Recovery-only Cluster rules, phase 3: externalClusters holds exactly the recovery source, a Barman
 * archive only (no connection parameters, passwords or certificates).
 */
import { BARMAN_CLOUD_PLUGIN_NAME } from '../../archive/names';
import { isObject, type Json, ViolationList } from './common';
import type { ArchiveFolderRef } from './types';

/** The recovery source entry (plugin or barmanObjectStore form): its archive, when readable. */
function checkSourceEntry(
  external: Json,
  path: string,
  list: ViolationList,
): ArchiveFolderRef | undefined {
  if (isObject(external.plugin)) {
    const parameters = isObject(external.plugin.parameters)
      ? external.plugin.parameters
      : {};
    for (const key of Object.keys(external.plugin)) {
      if (!['name', 'parameters', 'enabled'].includes(key))
        list.forbid(
          `${path}.plugin.${key}`,
          'not written by the recovery manifest',
        );
    }
    for (const key of Object.keys(parameters)) {
      if (!['barmanObjectName', 'serverName'].includes(key))
        list.forbid(
          `${path}.plugin.parameters.${key}`,
          'only barmanObjectName and serverName',
        );
    }
    if (
      external.plugin.name !== BARMAN_CLOUD_PLUGIN_NAME ||
      typeof parameters.barmanObjectName !== 'string' ||
      typeof parameters.serverName !== 'string'
    ) {
      list.add({
        code: 'NotARecoveryCluster',
        path: `${path}.plugin`,
        message: `${path}.plugin must be ${BARMAN_CLOUD_PLUGIN_NAME} with explicit barmanObjectName and serverName`,
      });
      return undefined;
    }
    return {
      objectStoreName: parameters.barmanObjectName,
      serverName: parameters.serverName,
    };
  }
  if (isObject(external.barmanObjectStore)) {
    const store = external.barmanObjectStore;
    if (typeof store.destinationPath !== 'string') {
      list.add({
        code: 'NotARecoveryCluster',
        path: `${path}.barmanObjectStore.destinationPath`,
        message: 'destinationPath is required',
      });
      return undefined;
    }
    return {
      destinationPath: store.destinationPath,
      serverName:
        typeof store.serverName === 'string' && store.serverName
          ? store.serverName
          : String(external.name),
    };
  }
  list.add({
    code: 'NotARecoveryCluster',
    path,
    message: `${path} must be a Barman Cloud archive (plugin or barmanObjectStore)`,
  });
  return undefined;
}

/** Checks externalClusters; returns the archive the Cluster recovers from, when readable. */
export function checkExternalClusters(
  spec: Json,
  recovery: Json | undefined,
  list: ViolationList,
): ArchiveFolderRef | undefined {
  let sourceArchive: ArchiveFolderRef | undefined;
  const externals: unknown[] = Array.isArray(spec.externalClusters)
    ? spec.externalClusters
    : [];
  if (
    spec.externalClusters !== undefined &&
    !Array.isArray(spec.externalClusters)
  ) {
    list.forbid('spec.externalClusters', 'must be a list');
  }
  if (externals.length > 1) {
    list.forbid(
      'spec.externalClusters',
      'the recovery manifest has exactly one entry: the recovery source',
    );
  }
  externals.forEach((external, index) => {
    const path = `spec.externalClusters[${index}]`;
    if (!isObject(external)) {
      list.forbid(path, 'must be an object');
      return;
    }
    for (const key of Object.keys(external)) {
      if (!['name', 'plugin', 'barmanObjectStore'].includes(key)) {
        list.forbid(
          `${path}.${key}`,
          'a recovery source is a Barman archive only (no connectionParameters, passwords or certificates)',
        );
      }
    }
    if (recovery && external.name === recovery.source) {
      sourceArchive = checkSourceEntry(external, path, list) ?? sourceArchive;
    }
  });
  if (
    recovery &&
    typeof recovery.source === 'string' &&
    recovery.source !== '' &&
    !externals.some(e => isObject(e) && e.name === recovery.source)
  ) {
    list.add({
      code: 'NotARecoveryCluster',
      path: 'spec.externalClusters',
      message: `no externalClusters entry named "${recovery.source}" (the recovery source)`,
    });
  }
  return sourceArchive;
}
