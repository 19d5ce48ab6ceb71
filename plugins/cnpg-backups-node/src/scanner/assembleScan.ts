/*
 * Scan phase "assemble": turns the merged listing and the texts read into the pure catalog
 * builder's input, builds the catalog, and returns it with the state the next scan starts
 * from. Everything S3-specific (vanished files, duplicates, request counts) is settled here
 * so the builder stays free of I/O concerns.
 */
import {
  buildCatalog,
  classifyArchiveFile,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { ScanInfo } from '@cnpg-backups/plugin-cnpg-backups-common';
import type { ArchiveSession } from './ArchiveSession';
import type { BaseFiles, BaseListing } from './baseListing';
import { archiveObjectsOf, CompactObjectList } from './CompactObjectList';
import type { MergedWal } from './mergeWal';
import { packScanState } from './scanStatePacking';
import type {
  CachedObjectText,
  ScannerLogger,
  ScanResult,
  ScanState,
} from './types';
import type { WalListing } from './walListing';

/** The texts of the cached objects that could be decoded, keyed by `keyOf`. */
function textsOf<K, T extends string | number>(
  cache: Map<K, CachedObjectText>,
  keyOf: (key: K) => T,
): Record<T, string> {
  const texts = {} as Record<T, string>;
  for (const [key, cached] of cache) {
    if (cached.text !== undefined) texts[keyOf(key)] = cached.text;
  }
  return texts;
}

/** The listing for the builder, in key order, and what it counts. */
function listingOf(
  listing: BaseListing,
  files: BaseFiles,
  merged: MergedWal,
  historyFiles: Map<string, CachedObjectText>,
) {
  const { hashDirs, walTop } = merged;
  let walObjects = walTop.length;
  let maxTimeline = 0;
  let dirDuplicates = merged.dirDuplicates;
  for (const state of hashDirs.values()) dirDuplicates += state.list.finish();
  const dirNames = [...hashDirs.keys()].sort();
  const lists: CompactObjectList[] = [
    listing.base.without(files.vanished),
    walTop,
  ];
  for (const dir of dirNames) {
    const state = hashDirs.get(dir)!;
    lists.push(state.list);
    walObjects += state.list.length;
    maxTimeline = Math.max(maxTimeline, parseInt(dir.slice(0, 8), 16));
  }
  const objects = archiveObjectsOf(lists);
  for (const name of historyFiles.keys()) {
    maxTimeline = Math.max(maxTimeline, classifyArchiveFile(name).timeline);
  }
  return {
    objects,
    walObjects,
    maxTimeline,
    duplicates: listing.duplicates + dirDuplicates,
  };
}

/** Builds the catalog and the next scan's state. */
export function assembleScan(options: {
  session: ArchiveSession;
  destination: string;
  serverName: string;
  /** The Cluster the fixes name; undefined: they say `<cluster>`. */
  clusterName?: string;
  /** When the scan started, on the real monotonic clock (`performance.now()`). */
  startedMonotonic: number;
  /** The scanner's clock (ms since the epoch): `scannedAt` and the catalog's `now`. */
  now: () => number;
  /** The previous state when the scan is incremental. */
  previous: ScanState | undefined;
  /** The previous state of the same archive as this scan opened it (see scanStatePacking). */
  opened?: ScanState;
  listing: BaseListing;
  files: BaseFiles;
  wal: WalListing;
  merged: MergedWal;
  historyFiles: Map<string, CachedObjectText>;
  logger?: ScannerLogger;
}): ScanResult {
  const { session, destination, serverName, previous, files } = options;
  const { wal, merged, historyFiles, logger } = options;
  const ctx = session.ctx;
  const { objects, walObjects, maxTimeline, duplicates } = listingOf(
    options.listing,
    files,
    merged,
    historyFiles,
  );
  if (duplicates > 0) {
    logger?.warn('S3 listed some keys twice; duplicates were dropped', {
      destination,
      serverName,
      duplicates,
    });
  }
  for (const key of files.vanished) {
    ctx.errors.push({
      name: 'BackupInfoVanished',
      message: `${key} was listed but deleted before it could be read (retention or a manual delete in progress); the backup is shown as incomplete.`,
      key: `${ctx.root}${key}`,
    });
  }
  const scannedAt = new Date(options.now()).toISOString();
  const scan: ScanInfo = {
    complete: ctx.complete,
    errors: ctx.errors,
    requests: ctx.requests,
    ...(ctx.attempts > 0
      ? { retries: Math.max(0, ctx.attempts - ctx.requests) }
      : {}),
    durationMs: Math.round(performance.now() - options.startedMonotonic),
    scannedAt,
    walObjects,
    incremental: previous !== undefined,
  };
  const catalog = buildCatalog({
    destination,
    serverName,
    ...(options.clusterName !== undefined
      ? { clusterName: options.clusterName }
      : {}),
    objects,
    backupInfos: textsOf(files.backupInfos, id => id),
    historyFiles: textsOf(
      historyFiles,
      name => classifyArchiveFile(name).timeline,
    ),
    keepAnnotations: textsOf(files.keepAnnotations, id => id),
    scan,
    now: scannedAt,
  });
  for (const backup of catalog.backups) {
    if (files.vanished.has(`base/${backup.id}/backup.info`)) {
      backup.error =
        'backup.info was deleted while the bucket was being read (retention or a manual delete in progress)';
    }
  }
  logger?.debug('Scanned Barman archive', {
    destination,
    serverName,
    requests: ctx.requests,
    walRanges: wal.lister.count,
    walObjects,
    complete: ctx.complete,
    incremental: previous !== undefined,
  });
  // Kept packed between scans (built after the catalog, which read the lists unpacked).
  return {
    catalog,
    state: packScanState(
      {
        version: 2,
        destination,
        serverName,
        scannedAt,
        hashDirs: merged.hashDirs,
        walTop: merged.walTop,
        lastWalName: merged.lastWalName,
        walComplete: wal.walComplete,
        backupIds: options.listing.backupIds,
        backupInfos: files.backupInfos,
        keepAnnotations: files.keepAnnotations,
        historyFiles,
        maxTimeline,
      },
      options.opened,
    ),
  };
}
