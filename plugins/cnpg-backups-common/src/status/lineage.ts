/*
 * The archive lineage of a database: every serverName under its destination, which one it
 * writes to now, and which ones it names as recovery sources.
 */
import { withoutTrailingSlashes } from '../archive/destination';
import { oldestDoneBackup } from '../catalog/backups';
import type { BarmanCatalog, ServerNameSummary } from '../catalog/types';
import type { ArchiveTarget, LineageEntry, RecoverySource } from './types';

/** The lineage entries, sorted by serverName. @public */
export function archiveLineage(options: {
  archive?: ArchiveTarget;
  recoverySources: readonly RecoverySource[];
  serverNames?: readonly ServerNameSummary[];
  catalog?: BarmanCatalog;
}): LineageEntry[] {
  const { archive, catalog } = options;
  if (!archive) return [];
  const destination = withoutTrailingSlashes(archive.destinationPath);
  const samePath = (path?: string) =>
    path === undefined || withoutTrailingSlashes(path) === destination;
  const sourceNames = new Set(
    options.recoverySources
      .filter(s => samePath(s.destinationPath))
      .map(s => s.serverName),
  );
  const names = new Set((options.serverNames ?? []).map(s => s.serverName));
  names.add(archive.serverName);
  for (const s of sourceNames) names.add(s);
  return [...names].sort().map(serverName => {
    const entry: LineageEntry = {
      serverName,
      current: serverName === archive.serverName,
      recoverySource: sourceNames.has(serverName),
    };
    if (entry.current && catalog) {
      entry.backupCount = catalog.backups.length;
      entry.firstBackupTime =
        oldestDoneBackup(catalog.backups)?.endTime ??
        catalog.backups[0]?.endTime;
      const times = [
        ...catalog.wal.timelines.map(t => t.lastModified),
        ...catalog.backups.map(b => b.lastModified),
      ].filter((t): t is string => Boolean(t));
      entry.lastActivity = times.sort().pop();
    }
    return entry;
  });
}
