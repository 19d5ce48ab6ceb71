/*
 * Recovery-only Cluster rules, phase 4: the new Cluster archives to an explicit serverName, not the
 * folder it recovers from.
 */
import { BARMAN_CLOUD_PLUGIN_NAME } from '../../archive/names';
import {
  barmanPluginEntries,
  isObject,
  type Json,
  sameFolder,
  ViolationList,
} from './common';
import type { ArchiveFolderRef } from './types';

/** Checks where the new Cluster archives; returns that folder, when readable. */
export function checkTargetArchive(
  spec: Json,
  sourceArchive: ArchiveFolderRef | undefined,
  objectStores: Record<string, string> | undefined,
  list: ViolationList,
): ArchiveFolderRef | undefined {
  let targetArchive: ArchiveFolderRef | undefined;
  const barman = barmanPluginEntries(spec).filter(p => p.enabled !== false);
  if (barman.length > 1) {
    list.forbid(
      'spec.plugins',
      `more than one ${BARMAN_CLOUD_PLUGIN_NAME} entry`,
    );
  }
  const entry = barman[barman.length - 1];
  if (entry) {
    const parameters = isObject(entry.parameters) ? entry.parameters : {};
    if (
      typeof parameters.barmanObjectName === 'string' &&
      typeof parameters.serverName === 'string'
    ) {
      targetArchive = {
        objectStoreName: parameters.barmanObjectName,
        serverName: parameters.serverName,
      };
    }
  } else if (isObject(spec.backup) && isObject(spec.backup.barmanObjectStore)) {
    const store = spec.backup.barmanObjectStore;
    if (
      typeof store.destinationPath === 'string' &&
      typeof store.serverName === 'string'
    ) {
      targetArchive = {
        destinationPath: store.destinationPath,
        serverName: store.serverName,
      };
    }
  }
  if (!targetArchive) {
    list.add({
      code: 'NoArchive',
      path: entry ? 'spec.plugins' : 'spec.backup.barmanObjectStore',
      message:
        'the recovered Cluster must archive to an explicit, new serverName (barmanObjectName + serverName, or barmanObjectStore.destinationPath + serverName)',
    });
  }
  if (
    targetArchive &&
    sourceArchive &&
    sameFolder(targetArchive, sourceArchive, objectStores)
  ) {
    list.add({
      code: 'ServerNameTaken',
      serverName: targetArchive.serverName,
      path: 'spec.plugins',
      message: `serverName "${targetArchive.serverName}" is the one the Cluster recovers from: it must archive to a new, empty serverName`,
    });
  }
  return targetArchive;
}
