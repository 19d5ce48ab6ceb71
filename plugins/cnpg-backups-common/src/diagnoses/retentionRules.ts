/*
 * Rules about the age of backups against the retention policy.
 */
import type { CatalogBackup, Diagnosis } from '../catalog/types';
import type { DatabaseDiagnosisContext } from './types';
import { retentionSeconds, subjectOf } from './helpers';
import { doneBackups } from '../catalog/backups';
import {
  DEFAULT_RETENTION_WINDOW_SECONDS,
  isWithinRetention,
} from '../status/freshness';

/**
 * Retention runs every retentionPolicyIntervalSeconds (default 1800 s) on the primary; allow
 * a few cycles before calling a backup that should be gone "not deleted".
 */
const RETENTION_GRACE_SECONDS = 2 * 3600;

function doneBackupsNewestFirst(
  context: DatabaseDiagnosisContext,
): CatalogBackup[] {
  return doneBackups(context.catalog?.backups);
}

/**
 * `no-recent-backup`: no DONE base backup ended within the retention window (7 days when no
 * policy is set).
 * @public
 */
export function noRecentBackupRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  if (!context.archive || !context.catalog) return [];
  const policy = context.archive.retentionPolicy;
  const done = doneBackupsNewestFirst(context);
  const newest = done[0];
  const recent = isWithinRetention({
    now: new Date(context.now),
    endTime: newest?.endTime,
    windowSeconds: retentionSeconds(policy) ?? DEFAULT_RETENTION_WINDOW_SECONDS,
  });
  if (recent) return [];
  const windowText = policy
    ? `the retention window (${policy})`
    : 'the last 7 days (no retention policy set)';
  return [
    {
      id: 'no-recent-backup',
      severity: 'error',
      subject: subjectOf(context),
      message: newest
        ? `The newest DONE base backup of ${subjectOf(context)} (${
            newest.id
          }, ended ${newest.endTime}) is older than ${windowText}.`
        : `The bucket holds no DONE base backup for ${subjectOf(
            context,
          )} under serverName "${
            context.archive.serverName
          }": there is nothing to recover from.`,
      evidence: [
        `${context.catalog.backups.length} backup folder(s) under ${context.archive.destinationPath}/${context.archive.serverName}/base/, ${done.length} DONE`,
        ...context.catalog.backups
          .filter(b => b.status !== 'DONE')
          .slice(-3)
          .map(b => `${b.id}: ${b.status}${b.error ? ` (${b.error})` : ''}`),
      ],
      fix: 'Take a backup now (the "Back up now" action or kubectl cnpg backup), then check why scheduled backups do not complete (ScheduledBackup, Backup CR errors, archiving).',
      fixSnippet: `apiVersion: postgresql.cnpg.io/v1\nkind: Backup\nmetadata:\n  generateName: ${
        context.cluster.name
      }-manual-\n  namespace: ${
        context.cluster.namespace
      }\nspec:\n  cluster:\n    name: ${context.cluster.name}\n  method: ${
        context.archive.form === 'plugin'
          ? 'plugin\n  pluginConfiguration:\n    name: barman-cloud.cloudnative-pg.io'
          : 'barmanObjectStore'
      }\n`,
    },
  ];
}

/**
 * The backups barman's RECOVERY WINDOW retention calls OBSOLETE at `now` (ms), oldest last, each
 * with the instant it became obsolete (`since`, ms). Walking DONE backups newest → oldest, the
 * first one that ended before the point of recoverability (now - window) stays VALID; every
 * older one is OBSOLETE, `keep`-annotated backups excepted. An older backup became obsolete when
 * its newer neighbour fell out of the window. Backups that are not DONE are ignored. Empty for a
 * missing or invalid policy. Pure: the retention rule and the demo's simulated sidecar share it.
 * @public
 */
export function findObsoleteBackups<
  T extends { status: string; endTime?: string; keep?: string },
>(options: {
  backups: readonly T[];
  retentionPolicy: string | undefined;
  now: number;
}): Array<{ backup: T; since: number }> {
  const window = retentionSeconds(options.retentionPolicy);
  if (window === undefined) return [];
  const done = options.backups
    .filter(b => b.status === 'DONE' && b.endTime)
    .sort((a, b) => Date.parse(b.endTime!) - Date.parse(a.endTime!));
  const obsolete: Array<{ backup: T; since: number }> = [];
  for (let i = 1; i < done.length; i++) {
    const since = Date.parse(done[i - 1].endTime!) + window * 1000;
    if (since < options.now && !done[i].keep) {
      obsolete.push({ backup: done[i], since });
    }
  }
  return obsolete;
}

/**
 * `backups-older-than-retention`: DONE backups that retention should have removed (OBSOLETE by
 * barman's RECOVERY WINDOW rule) are still in the bucket, so retention is not running.
 * @public
 */
export function backupsOlderThanRetentionRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  if (!context.archive || !context.catalog) return [];
  const window = retentionSeconds(context.archive.retentionPolicy);
  if (window === undefined) return [];
  const now = Date.parse(context.now);
  const done = doneBackupsNewestFirst(context);
  const obsolete = findObsoleteBackups({
    backups: done,
    retentionPolicy: context.archive.retentionPolicy,
    now,
  }).filter(o => now - o.since > RETENTION_GRACE_SECONDS * 1000);
  if (obsolete.length === 0) return [];
  const oldest = obsolete[obsolete.length - 1];
  return [
    {
      id: 'backups-older-than-retention',
      severity: 'warning',
      subject: subjectOf(context),
      message: `${obsolete.length} base backup(s) of ${subjectOf(
        context,
      )} should have been deleted by the retention policy ${
        context.archive.retentionPolicy
      } but are still in the bucket: retention is not running.`,
      evidence: obsolete
        .slice(0, 5)
        .map(
          o =>
            `${o.backup.id} (ended ${
              o.backup.endTime
            }) obsolete since ${new Date(o.since).toISOString()}`,
        ),
      fix: `Check the ${
        context.archive.form === 'plugin'
          ? 'barman-cloud sidecar on the current primary (logs of plugin-barman-cloud; it runs barman-cloud-backup-delete every retentionPolicyIntervalSeconds)'
          : 'instance manager logs of the primary (barman-cloud-backup-delete)'
      }; a failing bulk delete (MissingContentMD5) or missing delete permission on the bucket are common causes. Oldest obsolete backup: ${
        oldest.backup.id
      }.`,
    },
  ];
}

/**
 * `retention-not-set`: no retention policy, so the bucket grows forever.
 * @public
 */
export function retentionNotSetRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  const a = context.archive;
  if (!a || a.retentionPolicy) return [];
  return [
    {
      id: 'retention-not-set',
      severity: 'info',
      subject: subjectOf(context),
      message: `No retention policy for ${subjectOf(
        context,
      )}: backups and WAL in ${a.destinationPath}/${
        a.serverName
      } are kept forever.`,
      evidence: [
        a.form === 'plugin'
          ? `ObjectStore ${context.cluster.namespace}/${a.objectStoreName} has no spec.retentionPolicy`
          : `Cluster ${subjectOf(context)} has no spec.backup.retentionPolicy`,
      ],
      fix:
        a.form === 'plugin'
          ? 'Set spec.retentionPolicy on the ObjectStore (spec level, not under configuration), e.g. "30d".'
          : 'Set spec.backup.retentionPolicy on the Cluster, e.g. "30d".',
      fixSnippet:
        a.form === 'plugin'
          ? // A fragment, not a manifest: an ObjectStore without spec.configuration is invalid.
            `# kubectl patch objectstore ${a.objectStoreName} -n ${context.cluster.namespace} --type merge -p '{"spec":{"retentionPolicy":"30d"}}'\n# or add to the ObjectStore ${a.objectStoreName}:\nspec:\n  retentionPolicy: "30d"\n`
          : `spec:\n  backup:\n    retentionPolicy: "30d"\n`,
    },
  ];
}
