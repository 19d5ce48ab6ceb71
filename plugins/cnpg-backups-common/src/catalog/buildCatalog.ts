/*
 * The pure catalog builder: one S3 listing of `<prefix>/<serverName>/` plus the backup.info
 * and history texts the scanner could read → the BarmanCatalog contract (backups, WAL
 * inventory, recovery window, diagnoses). No I/O.
 *
 * Rules (see shared/notes/cnpg-barman-reference.md §4):
 * - A backup is a `base/<id>/` folder or a read backup.info; without backup.info it is
 *   INCOMPLETE. Stored size = sum of its objects; data compression from `data.tar*`.
 * - WAL segments are indexed `log * segmentsPerLog + segment` per timeline (segment size
 *   from the newest DONE backup). Gaps are runs of missing indexes; a `.partial` fills its
 *   slot, and a child timeline should start at the segment holding its switch LSN.
 * - A DONE backup is restorable when begin_wal..end_wal all exist on one timeline.
 * - The recovery chain of a restorable backup runs gap-free from begin_wal and follows a
 *   child timeline when the parent is complete up to the switch segment and the backup
 *   ended before the switch; the highest timeline reached wins (recovery_target_timeline
 *   = latest). firstRecoverabilityPoint / lastSuccessfulBackupTime follow CNPG (end time
 *   of the oldest / newest DONE backup); ranges show what the WAL really allows.
 *
 * Scale: a busy serverName holds ~1,000,000 WAL keys. Keys are classified with char-code
 * arithmetic into plain number arrays per timeline; S3 lists keys in lexical order, which is
 * WAL order, so sorting is usually skipped after an O(n) check. Everything after that works
 * on sorted, de-duplicated segment indexes with binary search.
 */
import type { BarmanCatalog, Diagnosis, ScanInfo } from './types';
import { InvalidCatalogInputError } from './errors';
import { FixContext } from './diagnoses';
import { segmentsPerLog } from './wal';
import { readBackupInfos, chooseSegmentSize } from './build/backupInfos';
import { classifyListing, COMPRESSION_ORDER } from './build/listing';
import { buildTimelineTree, describeTimelines } from './build/timelines';
import { describeBackups } from './build/catalogBackups';
import { buildRecoveryWindow } from './build/recoveryWindow';
import {
  diagnoseBackups,
  diagnoseMisplacedWal,
  diagnoseSizesAndScan,
  diagnoseWalGaps,
  sortDiagnoses,
} from './build/archiveDiagnoses';
import { SortedTimeline, sortTimeline } from './build/walIndex';
import { ownStrings } from './ownStrings';

/** One object of the listing, key RELATIVE to `<prefix>/<serverName>/`. @public */
export interface ArchiveObject {
  /** e.g. `base/20250601T020002/backup.info`, `wals/0000000100000000/000000010000000000000001.gz`. */
  key: string;
  size: number;
  /** ISO-8601. */
  lastModified: string;
}

/** Everything `buildCatalog` needs. @public */
export interface BuildCatalogInput {
  /** `s3://bucket/prefix`. */
  destination: string;
  serverName: string;
  /** Every object under `<prefix>/<serverName>/` that was listed. */
  objects: ArchiveObject[];
  /** Backup id → raw backup.info text, for the ids whose backup.info was read. */
  backupInfos: Record<string, string>;
  /** Timeline → decompressed history file text, when it could be read. */
  historyFiles?: Record<number, string>;
  /** Backup id → content of `base/<id>/annotations/keep`, when it was read. */
  keepAnnotations?: Record<string, string>;
  /**
   * The Cluster that archives to this serverName, named by fix commands. Without it the fixes
   * say `<cluster>` (the serverName is not a safe guess: a Cluster `orders` may archive to
   * `orders-v2`); {@link applyCatalogClusterName} fills it in later.
   */
  clusterName?: string;
  /** From the scanner. The builder appends its own errors and never turns complete=false into true. */
  scan: ScanInfo;
  /** ISO time for age-based rules; default now. */
  now?: string;
}

function validateInput(input: BuildCatalogInput): void {
  if (input === null || typeof input !== 'object') {
    throw new InvalidCatalogInputError('buildCatalog needs an input object');
  }
  if (typeof input.serverName !== 'string' || input.serverName === '') {
    throw new InvalidCatalogInputError('serverName must be a non-empty string');
  }
  if (typeof input.destination !== 'string') {
    throw new InvalidCatalogInputError('destination must be a string');
  }
  if (!Array.isArray(input.objects)) {
    throw new InvalidCatalogInputError('objects must be an array');
  }
  if (input.backupInfos === null || typeof input.backupInfos !== 'object') {
    throw new InvalidCatalogInputError('backupInfos must be an object');
  }
  if (
    input.scan === null ||
    typeof input.scan !== 'object' ||
    !Array.isArray(input.scan.errors)
  ) {
    throw new InvalidCatalogInputError(
      'scan must be a ScanInfo with an errors array',
    );
  }
  if (
    input.clusterName !== undefined &&
    typeof input.clusterName !== 'string'
  ) {
    throw new InvalidCatalogInputError('clusterName must be a string');
  }
  if (input.now !== undefined && Number.isNaN(Date.parse(input.now))) {
    throw new InvalidCatalogInputError(
      `now "${String(input.now)}" is not an ISO time`,
    );
  }
}

/**
 * Builds the catalog of one serverName from a listing. Pure and deterministic for a given
 * input (including `now`). Throws only `InvalidCatalogInputError`, for input that is not
 * shaped as documented; defects of the archive itself become diagnoses.
 *
 * The phases live in `./build/`; they run in this order because each needs the previous
 * ones' results and because diagnoses keep the order they were found in within a severity.
 * @public
 */
export function buildCatalog(input: BuildCatalogInput): BarmanCatalog {
  validateInput(input);
  const { objects, serverName } = input;
  const nowMs = input.now !== undefined ? Date.parse(input.now) : Date.now();
  const scan: ScanInfo = { ...input.scan, errors: [...input.scan.errors] };
  const fix: FixContext = {
    serverName,
    clusterName: input.clusterName || undefined,
    destination: input.destination,
  };
  const diagnoses: Diagnosis[] = [];

  const { infos, infoErrors, infoIds } = readBackupInfos({
    backupInfos: input.backupInfos,
    scan,
    fix,
    diagnoses,
  });
  const { segmentSize, sizesSeen } = chooseSegmentSize(infoIds, infos);
  const perLog = segmentsPerLog(segmentSize);

  const listing = classifyListing(objects, perLog);
  const { folders, timelines } = listing;
  const ids = [...new Set([...folders.keys(), ...infoIds])].sort();
  const sorted = new Map<number, SortedTimeline>();
  for (const collected of timelines.values()) {
    sorted.set(collected.timeline, sortTimeline(collected));
  }

  const tree = buildTimelineTree({
    historyFiles: input.historyFiles,
    segmentSize,
    fix,
    diagnoses,
  });
  const catalogTimelines = describeTimelines({
    sorted,
    timelines,
    tree,
    perLog,
    objects,
    fix,
    diagnoses,
  });

  const { backups, backupIndex } = describeBackups({
    ids,
    folders,
    infos,
    infoErrors,
    keepAnnotations: input.keepAnnotations,
    segmentSize,
    perLog,
    sorted,
    fix,
    diagnoses,
  });
  const doneBackups = backups.filter(b => b.status === 'DONE');
  const recoveryWindow = buildRecoveryWindow({
    doneBackups,
    backupIndex,
    sorted,
    tree,
    perLog,
    objects,
  });

  diagnoseWalGaps({
    timelines: catalogTimelines,
    newestDone: doneBackups[doneBackups.length - 1],
    tree,
    perLog,
    fix,
    diagnoses,
  });
  diagnoseBackups({
    backups,
    doneCount: doneBackups.length,
    ids,
    folders,
    infoErrors,
    nowMs,
    fix,
    diagnoses,
  });
  diagnoseMisplacedWal({
    misplaced: listing.misplaced,
    misplacedCount: listing.misplacedCount,
    timelines,
    sorted,
    fix,
    diagnoses,
  });
  diagnoseSizesAndScan({
    sizesSeen,
    segmentSize,
    timelines,
    scan,
    fix,
    diagnoses,
  });

  const compressions = COMPRESSION_ORDER.filter(
    (_, i) => listing.compressionMask & (1 << i),
  );

  // Strings of its own: the catalog is cached, its inputs (backup.info texts) are not.
  return ownStrings({
    schemaVersion: 1,
    destination: input.destination,
    serverName,
    backups,
    wal: { timelines: catalogTimelines, compressions, segmentSize },
    recoveryWindow,
    diagnoses: sortDiagnoses(diagnoses),
    scan,
  });
}
