/*
 * Recovery-only Cluster rules, phase 5 (live facts): the source is an archive of a database the caller's
 * entity declares, the fields that decide what runs are the source's, and nobody writes the new serverName.
 */
import { BARMAN_CLOUD_PLUGIN_NAME } from '../../archive/names';
import {
  destinationOf,
  isObject,
  type Json,
  MUST_MATCH_SOURCE,
  sameFolder,
  stableJson,
  ViolationList,
} from './common';
import type {
  ArchiveFolderRef,
  OwnedRecoverySource,
  RecoveryRequestFacts,
} from './types';

/** Ownership: returns the owned source database, when the facts name one. */
function checkOwnership(
  facts: RecoveryRequestFacts,
  sourceArchive: ArchiveFolderRef | undefined,
  list: ViolationList,
): OwnedRecoverySource | undefined {
  if (!facts.owned || !sourceArchive) return undefined;
  const objectStores = facts.objectStoreDestinations;
  const ownedSource = facts.owned.find(o =>
    o.archives.some(a => sameFolder(a, sourceArchive, objectStores)),
  );
  if (!ownedSource) {
    list.add({
      code: 'RecoverySourceNotOwned',
      serverName: sourceArchive.serverName,
      path: 'spec.externalClusters',
      message: `the recovery source (serverName "${
        sourceArchive.serverName
      }" in ${
        destinationOf(sourceArchive, objectStores) ?? 'an unknown destination'
      }) is not the archive of a database your entity declares (${
        facts.owned.map(o => o.database).join(', ') || 'none'
      })`,
    });
  }
  return ownedSource;
}

/** Fields that decide what runs must be the source's. */
function checkSourceFields(
  spec: Json,
  ownedSource: OwnedRecoverySource,
  list: ViolationList,
): void {
  const source = ownedSource.spec as Json;
  for (const key of MUST_MATCH_SOURCE) {
    if (stableJson(spec[key]) !== stableJson(source[key])) {
      list.add({
        code: 'SourceFieldChanged',
        path: `spec.${key}`,
        message: `spec.${key} differs from the source Cluster ${ownedSource.database}: a restore keeps the source's ${key}`,
      });
    }
  }
  const others = (s: Json) =>
    (Array.isArray(s.plugins) ? s.plugins : []).filter(
      (p: unknown) => !(isObject(p) && p.name === BARMAN_CLOUD_PLUGIN_NAME),
    );
  if (stableJson(others(spec)) !== stableJson(others(source))) {
    list.add({
      code: 'SourceFieldChanged',
      path: 'spec.plugins',
      message: `spec.plugins adds or changes plugins other than ${BARMAN_CLOUD_PLUGIN_NAME} compared with the source Cluster ${ownedSource.database}`,
    });
  }
}

/** Checks the rules that need live facts (each skipped when its fact is omitted). */
export function checkFacts(
  spec: Json,
  facts: RecoveryRequestFacts,
  archives: {
    sourceArchive?: ArchiveFolderRef;
    targetArchive?: ArchiveFolderRef;
  },
  list: ViolationList,
): void {
  const { sourceArchive, targetArchive } = archives;
  const ownedSource = checkOwnership(facts, sourceArchive, list);
  if (ownedSource?.spec) {
    checkSourceFields(spec, ownedSource, list);
  }
  // serverNames already written
  if (facts.taken && targetArchive) {
    const claim = facts.taken.find(t =>
      sameFolder(t, targetArchive, facts.objectStoreDestinations),
    );
    if (claim) {
      list.add({
        code: 'ServerNameTaken',
        serverName: targetArchive.serverName,
        message: `serverName "${targetArchive.serverName}" is taken (${claim.claimedBy}): the recovered Cluster must archive to a serverName nobody writes`,
      });
    }
  }
}
