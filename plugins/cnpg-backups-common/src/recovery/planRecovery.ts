/*
 * The recovery planner (pure). Given a database status (the bucket's catalog, the archive
 * target, the recovery sources and the serverName lineage) and the operator's target, it
 * decides whether the target is reachable, which base backup CNPG will use, and which
 * serverName the recovered cluster archives to. Every refusal is a named error with the
 * reason; never a best guess.
 */
import type {
  BarmanCatalog,
  CatalogBackup,
  RecoverableRange,
} from '../catalog/types';
import type { DatabaseStatus } from '../status/types';
import {
  InvalidRecoveryTargetError,
  NoBaseBackupError,
  RecoveryPlanError,
  RecoveryTargetAfterWindowError,
  RecoveryTargetBeforeWindowError,
  RecoveryTargetInWalGapError,
  ServerNameConflictError,
  UnsupportedSourceClusterError,
} from './errors';
import { chooseNextServerName } from './serverNames';
import { walSegmentPosition, walStartLsn } from '../catalog/wal';
import { isBarmanBackupId, isUsableBaseBackup } from '../catalog/backups';
import { describeRecoveryTarget, validateRecoveryTarget } from './target';
import type { RecoveryTarget, RecoveryTargetRequest } from './types';
import {
  CNPG_CLUSTER_NAME_MAX_LENGTH,
  assertClusterName,
  assertServerName,
  lsnToBigInt,
  parseTargetTime,
  sameNameWarning,
} from './validation';

/** The parts of a {@link DatabaseStatus} the planner reads. @public */
export type RecoveryPlanStatus = Pick<
  DatabaseStatus,
  'cluster' | 'archive' | 'recoverySources' | 'catalog' | 'lineage'
> &
  Partial<Pick<DatabaseStatus, 'schedules'>>;

/** Options of {@link planRecovery}. @public */
export interface PlanRecoveryOptions {
  status: RecoveryPlanStatus;
  target: RecoveryTargetRequest;
  /** Default `<source>-restore` (shortened to CNPG's 50-character limit). */
  newClusterName?: string;
  /** serverNames known to be non-empty (e.g. from the server-names endpoint). */
  takenServerNames?: string[];
  /** Force the archive serverName of the new cluster (checked, never silently changed). */
  targetServerName?: string;
}

/** The base backup a plan restores. @public */
export interface PlannedBaseBackup {
  id: string;
  name?: string;
  beginTime?: string;
  endTime?: string;
  beginLsn?: string;
  endLsn?: string;
  beginWal?: string;
  timeline?: number;
}

/** A checked recovery plan. @public */
export interface RecoveryPlan {
  kubernetesCluster: string;
  namespace: string;
  sourceCluster: string;
  newClusterName: string;
  form: 'plugin' | 'legacy';
  objectStoreName?: string;
  destinationPath: string;
  sourceServerName: string;
  targetServerName: string;
  /** The target with `backupId` pinned to {@link RecoveryPlan.baseBackup}. */
  target: RecoveryTarget;
  targetDescription: string;
  baseBackup: PlannedBaseBackup;
  window: {
    from?: string;
    to?: string;
    lastRecoverableWal?: string;
  };
  /** ScheduledBackups of the source cluster (the kustomize overlay re-points them). */
  scheduledBackups: string[];
  warnings: string[];
}

// WAL names and LSNs have one home: catalog/wal.ts.
function walTimeline(wal: string): number | undefined {
  return walSegmentPosition(wal)?.timeline;
}

function toPlanned(backup: CatalogBackup): PlannedBaseBackup {
  return {
    id: backup.id,
    name: backup.name,
    beginTime: backup.beginTime,
    endTime: backup.endTime,
    beginLsn: backup.beginLsn,
    endLsn: backup.endLsn,
    beginWal: backup.beginWal,
    timeline: backup.timeline,
  };
}

function defaultNewClusterName(source: string): string {
  const suffix = '-restore';
  const stem = source
    .slice(0, CNPG_CLUSTER_NAME_MAX_LENGTH - suffix.length)
    .replace(/-+$/, '');
  return `${stem}${suffix}`;
}

function byEndTime(a: CatalogBackup, b: CatalogBackup): number {
  return (
    Date.parse(a.endTime!) - Date.parse(b.endTime!) || a.id.localeCompare(b.id)
  );
}

function requireRestorable(backup: CatalogBackup): void {
  if (!backup.restorable) {
    throw new NoBaseBackupError(
      `Base backup ${backup.id} is not restorable: ${
        backup.error ??
        'WAL between its begin and end is missing from the archive'
      }`,
    );
  }
}

/** WAL gaps (as LSN intervals) on a timeline. */
function gapIntervals(catalog: BarmanCatalog, timeline: number | undefined) {
  const size = catalog.wal.segmentSize;
  const result: { from: bigint; to: bigint; text: string }[] = [];
  for (const tl of catalog.wal.timelines) {
    if (timeline !== undefined && tl.timeline !== timeline) continue;
    for (const gap of tl.gaps) {
      const from = walStartLsn(gap.firstMissing, size);
      const lastStart = walStartLsn(gap.lastMissing, size);
      if (from === undefined || lastStart === undefined) continue;
      result.push({
        from,
        to: lastStart + BigInt(size),
        text: `${gap.firstMissing}…${gap.lastMissing} (${gap.count} segment${
          gap.count === 1 ? '' : 's'
        })`,
      });
    }
  }
  return result;
}

function rangeContaining(
  ranges: RecoverableRange[],
  at: number,
): RecoverableRange | undefined {
  return ranges.find(r => Date.parse(r.from) <= at && at <= Date.parse(r.to));
}

/** What the base-backup choice reads (built once by {@link planRecovery}). */
interface PlanContext {
  catalog: BarmanCatalog;
  window: BarmanCatalog['recoveryWindow'];
  /** The usable base backups, oldest end first (never empty). */
  backups: CatalogBackup[];
  firstPoint?: string;
  lastPoint?: string;
  ranges: RecoverableRange[];
  sourceServerName: string;
  warnings: string[];
}

/** The chosen base backup and the target with its backupId pinned. */
interface BaseBackupChoice {
  chosen: CatalogBackup;
  target: RecoveryTarget;
}

type TargetOfKind<K extends RecoveryTarget['kind']> = Extract<
  RecoveryTarget,
  { kind: K }
>;

function findPinned(ctx: PlanContext, id: string): CatalogBackup {
  const found = ctx.catalog.backups.find(b => b.id === id);
  if (!found) {
    throw new NoBaseBackupError(
      `Base backup ${id} does not exist under serverName "${ctx.sourceServerName}"`,
    );
  }
  if (!isBarmanBackupId(found.id)) {
    throw new NoBaseBackupError(
      `Base backup "${id}" is not a barman backup id (YYYYMMDDTHHMMSS): it cannot be restored by id`,
    );
  }
  if (!isUsableBaseBackup(found)) {
    throw new NoBaseBackupError(
      `Base backup ${id} is ${found.status}, not DONE: it cannot be restored`,
    );
  }
  return found;
}

function chooseForTime(
  ctx: PlanContext,
  requested: TargetOfKind<'time'>,
): BaseBackupChoice {
  const { backups, firstPoint, lastPoint, window, ranges, sourceServerName } =
    ctx;
  const at = parseTargetTime(requested.targetTime).epochMs;
  if (firstPoint && at < Date.parse(firstPoint)) {
    throw new RecoveryTargetBeforeWindowError(
      `targetTime ${requested.targetTime} is before the first recoverability point ${firstPoint} (the end of the oldest base backup, ${backups[0].id}): no backup can reach it`,
    );
  }
  if (!lastPoint) {
    throw new RecoveryTargetAfterWindowError(
      `No WAL is reachable from a base backup of "${sourceServerName}", so no time after a backup can be recovered; use a backup target instead`,
    );
  }
  if (at > Date.parse(lastPoint)) {
    throw new RecoveryTargetAfterWindowError(
      `targetTime ${
        requested.targetTime
      } is after the last recoverable point ${lastPoint} (WAL ${
        window.lastRecoverableWal ?? 'unknown'
      } is the newest reachable without a gap)`,
    );
  }
  let chosen: CatalogBackup;
  if (requested.backupId) {
    chosen = findPinned(ctx, requested.backupId);
    if (Date.parse(chosen.endTime!) > at) {
      throw new InvalidRecoveryTargetError(
        `Base backup ${chosen.id} ended at ${chosen.endTime}, after targetTime ${requested.targetTime}: a backup can only replay forward`,
      );
    }
  } else {
    // CNPG's rule: the newest backup whose end_time <= targetTime.
    const candidates = backups.filter(b => Date.parse(b.endTime!) <= at);
    chosen = candidates[candidates.length - 1];
    if (!chosen) {
      throw new NoBaseBackupError(
        `No DONE base backup of "${sourceServerName}" ended before targetTime ${requested.targetTime}`,
      );
    }
  }
  if (ranges.length > 0) {
    const range = rangeContaining(ranges, at);
    if (!range || Date.parse(range.from) > Date.parse(chosen.endTime!)) {
      const before = ranges.filter(r => Date.parse(r.to) < at).pop();
      throw new RecoveryTargetInWalGapError(
        `targetTime ${
          requested.targetTime
        } cannot be reached from base backup ${
          chosen.id
        }: the archived WAL has a gap${
          before ? ` after ${before.toWal} (${before.to})` : ''
        }${gapText(ctx.catalog, chosen.timeline)}`,
      );
    }
  }
  return { chosen, target: { ...requested, backupId: chosen.id } };
}

/** The LSN rule's choice when no backup is pinned (CNPG's pick, or an earlier consistent one). */
function chooseConsistentForLsn(
  ctx: PlanContext,
  requested: TargetOfKind<'lsn'>,
  lsn: bigint,
): CatalogBackup {
  const { backups } = ctx;
  // CNPG's rule picks the newest backup with begin LSN < target; a target inside that
  // backup (before its end LSN) is not consistent, so step back to one that ended before.
  const cnpgPick = backups
    .filter(b => b.beginLsn && lsnToBigInt(b.beginLsn) < lsn)
    .pop();
  const consistent = backups
    .filter(b => b.endLsn && lsnToBigInt(b.endLsn) <= lsn)
    .pop();
  if (!consistent) {
    throw new RecoveryTargetBeforeWindowError(
      `targetLSN ${requested.targetLSN} is not after the end of any base backup`,
    );
  }
  if (cnpgPick && cnpgPick.id !== consistent.id) {
    ctx.warnings.push(
      `Pinned base backup ${consistent.id}: CNPG's automatic choice ${cnpgPick.id} ends after ${requested.targetLSN}, so recovery would stop before reaching consistency`,
    );
  }
  return consistent;
}

function chooseForLsn(
  ctx: PlanContext,
  requested: TargetOfKind<'lsn'>,
): BaseBackupChoice {
  const { backups, window, catalog } = ctx;
  const lsn = lsnToBigInt(requested.targetLSN);
  const first = backups.filter(b => b.endLsn).map(b => lsnToBigInt(b.endLsn!));
  const oldestEnd = first.length
    ? first.reduce((a, b) => (a < b ? a : b))
    : undefined;
  if (oldestEnd !== undefined && lsn < oldestEnd) {
    throw new RecoveryTargetBeforeWindowError(
      `targetLSN ${requested.targetLSN} is before the end of the oldest base backup: no backup can reach it`,
    );
  }
  const lastWal = window.lastRecoverableWal;
  const lastStart = lastWal
    ? walStartLsn(lastWal, catalog.wal.segmentSize)
    : undefined;
  if (
    lastStart === undefined ||
    lsn >= lastStart + BigInt(catalog.wal.segmentSize)
  ) {
    throw new RecoveryTargetAfterWindowError(
      `targetLSN ${requested.targetLSN} is after the last recoverable WAL ${
        lastWal ?? '(none)'
      }`,
    );
  }
  const chosen = requested.backupId
    ? findPinned(ctx, requested.backupId)
    : chooseConsistentForLsn(ctx, requested, lsn);
  if (chosen.endLsn && lsnToBigInt(chosen.endLsn) > lsn) {
    throw new InvalidRecoveryTargetError(
      `targetLSN ${requested.targetLSN} is before the end (${chosen.endLsn}) of base backup ${chosen.id}: PostgreSQL cannot stop before a backup is consistent`,
    );
  }
  const from = chosen.beginLsn ? lsnToBigInt(chosen.beginLsn) : 0n;
  const gap = gapIntervals(
    catalog,
    chosen.timeline ?? walTimeline(chosen.beginWal ?? ''),
  ).find(g => g.from <= lsn && g.to > from);
  if (gap) {
    throw new RecoveryTargetInWalGapError(
      `targetLSN ${requested.targetLSN} cannot be reached from base backup ${chosen.id}: WAL ${gap.text} is missing from the archive`,
    );
  }
  return { chosen, target: { ...requested, backupId: chosen.id } };
}

function chooseLatest(
  ctx: PlanContext,
  requested: TargetOfKind<'latest'>,
): BaseBackupChoice {
  const chosen = requested.backupId
    ? findPinned(ctx, requested.backupId)
    : ctx.backups[ctx.backups.length - 1];
  // Without a target PostgreSQL replays until restore_command fails: at the first gap
  // after the base backup it silently ends recovery and promotes.
  const begin = chosen.beginLsn ? lsnToBigInt(chosen.beginLsn) : 0n;
  const gaps = gapIntervals(ctx.catalog, chosen.timeline).filter(
    g => g.to > begin,
  );
  if (gaps.length > 0) {
    ctx.warnings.push(
      `WAL after base backup ${chosen.id} has gaps (${gaps
        .map(g => g.text)
        .join(
          ', ',
        )}): "latest" stops before the first one and everything archived after it is lost`,
    );
  }
  return { chosen, target: { kind: 'latest', backupId: chosen.id } };
}

/** Which base backup reaches the requested target (a named error when none does). */
function chooseBaseBackup(
  ctx: PlanContext,
  requested: RecoveryTarget,
): BaseBackupChoice {
  switch (requested.kind) {
    case 'time':
      return chooseForTime(ctx, requested);
    case 'lsn':
      return chooseForLsn(ctx, requested);
    case 'latest':
      return chooseLatest(ctx, requested);
    case 'backup':
      return { chosen: findPinned(ctx, requested.backupId), target: requested };
    case 'name':
    case 'xid': {
      const chosen = findPinned(ctx, requested.backupId);
      ctx.warnings.push(
        `The archive cannot show whether ${describeRecoveryTarget(
          requested,
        )} exists after backup ${
          chosen.id
        }; if it is never reached, PostgreSQL stops with "recovery ended before configured recovery target was reached"`,
      );
      return { chosen, target: requested };
    }
    default:
      throw new InvalidRecoveryTargetError('Unknown target kind');
  }
}

/** The archive serverName of the new cluster: the one asked for (checked) or the next free one. */
function chooseTargetServerName(
  options: PlanRecoveryOptions,
  archiveServerName: string,
  sourceServerName: string,
): string {
  const { status } = options;
  const reserved = new Set<string>([sourceServerName, archiveServerName]);
  for (const source of status.recoverySources ?? [])
    reserved.add(source.serverName);
  const taken = new Set<string>(reserved);
  for (const entry of status.lineage ?? []) taken.add(entry.serverName);
  for (const name of options.takenServerNames ?? []) taken.add(name);
  if (!options.targetServerName) {
    return chooseNextServerName({ sourceServerName, taken });
  }
  const targetServerName = assertServerName(
    options.targetServerName,
    'targetServerName',
  );
  if (reserved.has(targetServerName)) {
    throw new ServerNameConflictError(
      `targetServerName "${targetServerName}" is the source or a recovery source serverName: the new cluster must archive to a fresh, empty folder`,
    );
  }
  if (taken.has(targetServerName)) {
    throw new ServerNameConflictError(
      `targetServerName "${targetServerName}" already holds an archive (CNPG would fail with "Expected empty archive")`,
    );
  }
  return targetServerName;
}

/** The source's archive and its scanned catalog (named errors when either is missing). */
function readSourceArchive(status: RecoveryPlanStatus) {
  const archive = status.archive;
  if (!archive) {
    throw new UnsupportedSourceClusterError(
      `Cluster ${status.cluster.namespace}/${status.cluster.name} has no Barman Cloud archive configured: nothing to recover from`,
    );
  }
  const catalog = status.catalog;
  if (!catalog) {
    throw new RecoveryPlanError(
      `The archive of serverName "${archive.serverName}" at ${archive.destinationPath} could not be scanned; a recovery cannot be planned without the bucket's catalog`,
    );
  }
  return { archive, catalog };
}

/**
 * Plans a recovery.
 * @throws InvalidRecoveryTargetError and its subclasses (outside the window, across a WAL gap,
 *   zone-less time...), NoBaseBackupError, ServerNameConflictError,
 *   UnsupportedSourceClusterError, InvalidRecoveryInputError.
 * @public
 */
export function planRecovery(options: PlanRecoveryOptions): RecoveryPlan {
  const { status } = options;
  const { archive, catalog } = readSourceArchive(status);
  const sourceServerName = assertServerName(
    catalog.serverName || archive.serverName,
    'sourceServerName',
  );
  const warnings: string[] = [];
  if (!catalog.scan.complete) {
    warnings.push(
      `The archive scan was incomplete (${
        catalog.scan.errors.map(e => e.name).join(', ') || 'unknown errors'
      }): the plan may miss backups or WAL`,
    );
  }
  const sourceCluster = assertClusterName(status.cluster.name, 'cluster');
  const newClusterName = assertClusterName(
    options.newClusterName || defaultNewClusterName(sourceCluster),
    'newClusterName',
  );
  if (newClusterName === sourceCluster) {
    warnings.push(sameNameWarning(sourceCluster));
  }

  const requested = validateRecoveryTarget(options.target);
  const backups = catalog.backups.filter(isUsableBaseBackup).sort(byEndTime);
  if (backups.length === 0) {
    throw new NoBaseBackupError(
      `serverName "${sourceServerName}" has no DONE base backup in ${catalog.destination}: there is nothing to restore`,
    );
  }
  const window = catalog.recoveryWindow;
  const ctx: PlanContext = {
    catalog,
    window,
    backups,
    firstPoint: window.firstRecoverabilityPoint ?? backups[0].endTime,
    lastPoint: window.lastRecoverablePoint,
    ranges: window.ranges ?? [],
    sourceServerName,
    warnings,
  };
  const { chosen, target } = chooseBaseBackup(ctx, requested);
  requireRestorable(chosen);
  const targetServerName = chooseTargetServerName(
    options,
    archive.serverName,
    sourceServerName,
  );

  return {
    kubernetesCluster: status.cluster.kubernetesCluster,
    namespace: status.cluster.namespace,
    sourceCluster,
    newClusterName,
    form: archive.form,
    objectStoreName: archive.objectStoreName,
    destinationPath: archive.destinationPath,
    sourceServerName,
    targetServerName,
    target,
    targetDescription: describeRecoveryTarget(target),
    baseBackup: toPlanned(chosen),
    window: {
      from: ctx.firstPoint,
      to: ctx.lastPoint,
      lastRecoverableWal: window.lastRecoverableWal,
    },
    scheduledBackups: (status.schedules ?? []).map(schedule => schedule.name),
    warnings,
  };
}

function gapText(catalog: BarmanCatalog, timeline: number | undefined): string {
  const gaps = gapIntervals(catalog, timeline);
  return gaps.length ? ` (missing: ${gaps.map(g => g.text).join(', ')})` : '';
}
