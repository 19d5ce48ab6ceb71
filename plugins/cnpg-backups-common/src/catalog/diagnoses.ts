/*
 * The findings `buildCatalog` can make from the bucket alone, each with its evidence and a
 * fix that says exactly what to do.
 */
import type {
  BarmanCatalog,
  CatalogBackup,
  Diagnosis,
  ScanError,
  WalGap,
} from './types';
import { historyFileName } from './wal';
import { BARMAN_CLOUD_PLUGIN_NAME } from '../archive/names';
import { withoutTrailingSlashes } from '../archive/destination';
import { isDns1123Label } from '../kubernetes/names';

/** What fixes need to name concrete things. @internal */
export interface FixContext {
  serverName: string;
  /**
   * The Cluster whose archive this is. Unknown (undefined) when the catalog is built from the
   * bucket alone: the serverName is not a safe guess (a Cluster `orders` may archive to
   * `orders-v2`), so fixes then say `<cluster>`; see {@link applyCatalogClusterName}.
   */
  clusterName?: string;
  destination: string;
}

const PLUGIN_NAME = BARMAN_CLOUD_PLUGIN_NAME;
const MAX_EVIDENCE = 20;

/** Characters a shell word may hold unquoted (and that keep a snippet line valid YAML). */
const SHELL_SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;
const SHELL_SAFE_CHAR = /[A-Za-z0-9_./:=@%+,-]/;

/**
 * One shell argument, whatever `value` holds (S3 keys and prefixes can hold spaces, quotes,
 * `;`, `#`, newlines…): unquoted when every character is safe, else ANSI-C quoted (`$'…'`,
 * bash/zsh/ksh, POSIX.1-2024) with every other byte written `\xHH`. The result is printable
 * ASCII without spaces, `#` or quotes inside, so a snippet line stays one YAML plain scalar.
 * @internal
 */
export function shellWord(value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  let out = "$'";
  for (const ch of value) {
    if (SHELL_SAFE_CHAR.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of new TextEncoder().encode(ch)) {
      out += `\\x${byte.toString(16).padStart(2, '0')}`;
    }
  }
  return `${out}'`;
}

function walsUrl(ctx: FixContext, file = ''): string {
  return `${withoutTrailingSlashes(ctx.destination)}/${
    ctx.serverName
  }/wals/${file}`;
}

/**
 * A Kubernetes name as a YAML value: quoted when YAML (1.2, or the 1.1 of kubectl's parser)
 * would read it as a number, boolean or null ("0", "1e3", "0x1f", "true", "yes", "null").
 */
function yamlName(name: string): string {
  return /^[0-9]/.test(name) ||
    /^(?:null|true|false|yes|no|on|off|y|n)$/.test(name)
    ? JSON.stringify(name)
    : name;
}

/** The new-backup command when the Cluster is not known. */
const UNKNOWN_CLUSTER_COMMAND = 'kubectl cnpg backup <cluster> --method=plugin';

/** The command and Backup manifest that take a new base backup with the plugin. @internal */
export function newBackupFix(ctx: Pick<FixContext, 'clusterName'>): {
  command: string;
  snippet: string;
} {
  if (ctx.clusterName === undefined) {
    // Built from the bucket alone: say which name to put in rather than guess one.
    return {
      command: UNKNOWN_CLUSTER_COMMAND,
      snippet: [
        '# Replace <cluster> with the name of the Cluster that archives to this serverName (often not the serverName itself):',
        `# ${UNKNOWN_CLUSTER_COMMAND}`,
        '',
      ].join('\n'),
    };
  }
  if (!isDns1123Label(ctx.clusterName)) {
    // Not a Kubernetes name (a serverName such as "PG_Demo" or "pg.v2"): it cannot be the
    // Cluster's name, and a manifest naming it would be refused. Say which name to put in.
    const command = UNKNOWN_CLUSTER_COMMAND;
    return {
      command,
      snippet: [
        `# "${ctx.clusterName.replace(
          /[^\x20-\x7e]/g,
          '?',
        )}" is not a Kubernetes name, so it is not the Cluster's: use the Cluster that archives to this serverName.`,
        `# ${command}`,
        '',
      ].join('\n'),
    };
  }
  const command = `kubectl cnpg backup ${ctx.clusterName} --method=plugin`;
  const snippet = [
    `# ${command}`,
    "# or apply this Backup in the cluster's namespace:",
    'apiVersion: postgresql.cnpg.io/v1',
    'kind: Backup',
    'metadata:',
    `  name: ${ctx.clusterName}-manual`,
    'spec:',
    '  cluster:',
    `    name: ${yamlName(ctx.clusterName)}`,
    '  method: plugin',
    '  pluginConfiguration:',
    `    name: ${PLUGIN_NAME}`,
    '',
  ].join('\n');
  return { command, snippet };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The catalog with the fixes of its diagnoses naming the Cluster `clusterName`: a catalog is
 * built from the bucket alone (`buildCatalog` without `clusterName`, as the backend's scans
 * are, so one scan serves every Cluster sharing an archive folder), and its fixes say
 * `<cluster>`; this fills in the Cluster of one status. The result equals `buildCatalog` run
 * with that `clusterName`. Returns a new object (a cached catalog is never modified); a
 * catalog built with a cluster name already is returned with the same diagnoses.
 * @public
 */
export function applyCatalogClusterName(
  catalog: BarmanCatalog,
  options: { clusterName: string },
): BarmanCatalog {
  const { clusterName } = options;
  if (typeof clusterName !== 'string' || clusterName === '') {
    throw new TypeError(
      'applyCatalogClusterName: clusterName must be a non-empty string',
    );
  }
  const unknown = newBackupFix({});
  const named = newBackupFix({ clusterName });
  const replacements = new Map([
    [unknown.snippet, named.snippet],
    [unknown.command, named.command],
  ]);
  // One pass, longest first: a replacement is never itself replaced again.
  const pattern = new RegExp(
    [unknown.snippet, unknown.command].map(escapeRegExp).join('|'),
    'g',
  );
  const fill = (text: string) =>
    text.replace(pattern, found => replacements.get(found)!);
  return {
    ...catalog,
    diagnoses: catalog.diagnoses.map(d => {
      const fix = fill(d.fix);
      const fixSnippet =
        d.fixSnippet === undefined ? undefined : fill(d.fixSnippet);
      if (fix === d.fix && fixSnippet === d.fixSnippet) return d;
      return {
        ...d,
        fix,
        ...(fixSnippet === undefined ? {} : { fixSnippet }),
      };
    }),
  };
}

function capped(lines: string[]): string[] {
  if (lines.length <= MAX_EVIDENCE) return lines;
  return [
    ...lines.slice(0, MAX_EVIDENCE),
    `… and ${lines.length - MAX_EVIDENCE} more`,
  ];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** @internal */
export function walGapDiagnosis(
  ctx: FixContext,
  timeline: number,
  gaps: WalGap[],
  severity: 'error' | 'warning',
  newestDoneBackupId: string | undefined,
): Diagnosis {
  const missing = gaps.reduce((n, g) => n + g.count, 0);
  const evidence = capped(
    gaps.map(g =>
      g.count === 1
        ? `missing ${g.firstMissing}`
        : `missing ${g.firstMissing} … ${g.lastMissing} (${g.count} segments)`,
    ),
  );
  const { command, snippet } = newBackupFix(ctx);
  const gapsText = `Timeline ${timeline} of "${ctx.serverName}" has ${plural(
    gaps.length,
    'gap',
  )} (${plural(missing, 'segment')} missing)`;
  const head = { id: 'wal-gap', severity, subject: ctx.serverName };
  if (severity === 'error') {
    return {
      ...head,
      message: `${gapsText} after the start of the newest completed backup${
        newestDoneBackupId ? ` ${newestDoneBackupId}` : ''
      }: point-in-time recovery cannot go past the first gap.`,
      evidence,
      fix: `The missing WAL cannot be recreated. Take a new base backup now (${command}) so that points after the gap become recoverable again, then find why archiving skipped segments (the ContinuousArchiving condition and the barman-cloud sidecar logs).`,
      fixSnippet: snippet,
    };
  }
  return {
    ...head,
    message: `${gapsText} before the newest completed backup: recovery to points inside or just after a gap needs a base backup taken after it.`,
    evidence,
    fix: 'Nothing to do for recovery to recent points: newer backups do not need these segments. If you need points in time before the gap, recover from a backup taken after the gap instead; retention will drop these old segments with their backups.',
  };
}

/** @internal */
export function missingHistoryFileDiagnosis(
  ctx: FixContext,
  timeline: number,
  walObjects: number,
): Diagnosis {
  const file = historyFileName(timeline);
  return {
    id: 'missing-history-file',
    severity: 'error',
    subject: ctx.serverName,
    message: `Timeline ${timeline} of "${ctx.serverName}" has ${plural(
      walObjects,
      'WAL object',
    )} but no ${file}: recovery cannot follow the switch to timeline ${timeline}.`,
    evidence: [`no ${walsUrl(ctx, file)}[.gz|.bz2|…]`],
    fix: `Upload the history file again from the current primary (it is still in pg_wal/), e.g. with kubectl cp and an S3 client; barman-cloud-wal-restore accepts it uncompressed. Then take a new base backup so recovery does not depend on the switch.`,
    fixSnippet: [
      `kubectl exec <primary-pod> -c postgres -- cat /var/lib/postgresql/data/pgdata/pg_wal/${file} > ${file}`,
      `aws s3 cp ${file} ${shellWord(
        walsUrl(ctx, file),
      )} --endpoint-url <ObjectStore spec.configuration.endpointURL>`,
      newBackupFix(ctx).command,
      '',
    ].join('\n'),
  };
}

/** @internal */
export function invalidHistoryFileDiagnosis(
  ctx: FixContext,
  timeline: number,
  error: string,
): Diagnosis {
  const file = historyFileName(timeline);
  return {
    id: 'invalid-history-file',
    severity: 'error',
    subject: ctx.serverName,
    message: `${file} of "${ctx.serverName}" is not a valid timeline history file: recovery cannot follow timeline ${timeline}.`,
    evidence: [walsUrl(ctx, file), error],
    fix: `Replace ${file} in the archive with the copy in the primary's pg_wal/ directory, then take a new base backup (${
      newBackupFix(ctx).command
    }).`,
  };
}

/** @internal */
export function backupFailedDiagnosis(
  ctx: FixContext,
  backup: CatalogBackup,
  olderFailures = 0,
): Diagnosis {
  const evidence = [`base/${backup.id}/backup.info: status=FAILED`];
  if (backup.error) evidence.push(`error=${backup.error}`);
  if (olderFailures > 0)
    evidence.push(`${olderFailures} older failed backups are not listed`);
  return {
    id: 'backup-failed',
    severity: 'warning',
    subject: ctx.serverName,
    message: `Backup ${backup.id} of "${ctx.serverName}" failed${
      backup.error ? `: ${backup.error}` : ''
    }.`,
    evidence,
    fix: `Read the error above and the barman-cloud sidecar log of the instance that ran it, fix the cause (credentials, bucket, endpoint, checksum settings), then run a new backup: ${
      newBackupFix(ctx).command
    }. Failed backups are never removed by retention; delete base/${
      backup.id
    }/ when no longer useful.`,
    fixSnippet: newBackupFix(ctx).snippet,
  };
}

/** @internal */
export function backupIncompleteDiagnosis(
  ctx: FixContext,
  backup: CatalogBackup,
  probablyRunning: boolean,
): Diagnosis {
  const evidence = [
    backup.status === 'STARTED'
      ? `base/${backup.id}/backup.info: status is not final`
      : `base/${backup.id}/ has no backup.info`,
    `${plural(backup.objectCount, 'object')}, ${
      backup.storedBytes
    } bytes, newest ${backup.lastModified ?? 'unknown'}`,
  ];
  if (probablyRunning) {
    return {
      id: 'backup-incomplete',
      severity: 'info',
      subject: ctx.serverName,
      message: `Backup ${backup.id} of "${ctx.serverName}" is not finished yet (barman writes backup.info last).`,
      evidence,
      fix: 'Nothing to do while the backup is running; check the Backup resource phase if it does not finish.',
    };
  }
  return {
    id: 'backup-incomplete',
    severity: 'warning',
    subject: ctx.serverName,
    message: `Backup ${backup.id} of "${ctx.serverName}" never finished: it was most likely killed (pod restart, eviction, timeout). It cannot be restored.`,
    evidence,
    fix: `Take a new backup (${
      newBackupFix(ctx).command
    }) and delete the leftover objects under base/${
      backup.id
    }/; retention does not remove them.`,
    fixSnippet: newBackupFix(ctx).snippet,
  };
}

/** @internal */
export function backupNotRestorableDiagnosis(
  ctx: FixContext,
  backup: CatalogBackup,
  reason: string,
  missing: string[],
): Diagnosis {
  const evidence = [
    `base/${backup.id}/backup.info: status=DONE, begin_wal=${
      backup.beginWal ?? 'None'
    }, end_wal=${backup.endWal ?? 'None'}`,
    ...missing.map(m => `missing ${walsUrl(ctx, `${m.slice(0, 16)}/${m}`)}`),
  ];
  return {
    id: 'backup-not-restorable',
    severity: 'error',
    subject: ctx.serverName,
    message: `Backup ${backup.id} of "${ctx.serverName}" completed but cannot be restored: ${reason}.`,
    evidence,
    fix: `Do not rely on this backup. Take a new base backup (${
      newBackupFix(ctx).command
    }) and check that WAL archiving works (ContinuousArchiving condition).`,
    fixSnippet: newBackupFix(ctx).snippet,
  };
}

/** @internal */
export function noDoneBackupDiagnosis(
  ctx: FixContext,
  backupCount: number,
): Diagnosis {
  const { command, snippet } = newBackupFix(ctx);
  return {
    id: 'no-done-backup',
    severity: 'error',
    subject: ctx.serverName,
    message:
      backupCount === 0
        ? `"${ctx.serverName}" has no base backup at all: nothing can be restored.`
        : `None of the ${plural(backupCount, 'backup')} of "${
            ctx.serverName
          }" completed: nothing can be restored.`,
    evidence: [
      `${withoutTrailingSlashes(ctx.destination)}/${
        ctx.serverName
      }/base/: ${plural(backupCount, 'backup folder')}, none with status=DONE`,
    ],
    fix: `Take a base backup now: ${command}, and add a ScheduledBackup (method: plugin) so one runs every day.`,
    fixSnippet: snippet,
  };
}

/** @internal */
export function segmentSizeMismatchDiagnosis(
  ctx: FixContext,
  sizes: Map<number, string[]>,
  used: number,
  outOfRange: string[],
): Diagnosis {
  const evidence = [...sizes.entries()].map(
    ([size, ids]) =>
      `xlog_segment_size=${size}: ${ids.slice(0, 5).join(', ')}${
        ids.length > 5 ? ` (+${ids.length - 5})` : ''
      }`,
  );
  for (const key of outOfRange)
    evidence.push(`${key}: segment number too large for ${used}-byte segments`);
  return {
    id: 'segment-size-mismatch',
    severity: 'warning',
    subject: ctx.serverName,
    message: `"${ctx.serverName}" mixes WAL segment sizes; WAL arithmetic uses ${used} bytes, so gaps and restorability may be wrong for the others. Different clusters probably archived to the same serverName.`,
    evidence,
    fix: 'Give every cluster its own serverName (plugin parameter serverName, e.g. a versioned name like <cluster>-v2) and take a new base backup into it.',
  };
}

/** @internal */
export function invalidBackupInfoDiagnosis(
  ctx: FixContext,
  id: string,
  key: string,
  error: string,
): Diagnosis {
  return {
    id: 'invalid-backup-info',
    severity: 'error',
    subject: ctx.serverName,
    message: `The backup.info of backup ${id} in "${ctx.serverName}" cannot be read, so the backup cannot be used.`,
    evidence: [key, error],
    fix: `Do not restore from ${id}. Take a new base backup (${
      newBackupFix(ctx).command
    }); remove base/${id}/ once a newer backup is DONE.`,
    fixSnippet: newBackupFix(ctx).snippet,
  };
}

/** Where barman-cloud-wal-restore reads a file found at `key` (relative to the serverName). @internal */
export function walRestoreKeyOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return /^[0-9A-Fa-f]{8}\.history/.test(name)
    ? `wals/${name}`
    : `wals/${name.slice(0, 16)}/${name}`;
}

/** @internal */
export function misplacedWalDiagnosis(
  ctx: FixContext,
  keys: string[],
  total: number,
  severity: 'error' | 'warning',
): Diagnosis {
  const root = `${withoutTrailingSlashes(ctx.destination)}/${ctx.serverName}/`;
  const shown = keys.slice(0, MAX_EVIDENCE);
  const evidence = shown.map(
    k => `${k} (barman-cloud-wal-restore reads ${walRestoreKeyOf(k)})`,
  );
  if (total > shown.length) evidence.push(`… and ${total - shown.length} more`);
  return {
    id: 'misplaced-wal',
    severity,
    subject: ctx.serverName,
    message: `${plural(total, 'WAL file')} of "${ctx.serverName}" ${
      total === 1 ? 'is' : 'are'
    } not where barman-cloud-wal-restore looks (wals/<first 16 hex digits of the name>/<name>, history files directly under wals/): ${
      total === 1 ? 'it does' : 'they do'
    } not count toward WAL continuity${
      severity === 'error'
        ? ', and at least one is the only copy of its segment, so recovery stops at it'
        : ' (each has a copy in the right place)'
    }.`,
    evidence,
    fix: `Move each file to the key barman-cloud-wal-restore reads (shown in the evidence), then scan again; find what put ${
      total === 1 ? 'it' : 'them'
    } there (a manual copy, a sync tool, a wrong prefix). Until then, recovery cannot use ${
      total === 1 ? 'it' : 'them'
    }.`,
    fixSnippet: [
      ...shown.map(
        k =>
          `aws s3 mv ${shellWord(root + k)} ${shellWord(
            root + walRestoreKeyOf(k),
          )} --endpoint-url <ObjectStore spec.configuration.endpointURL>`,
      ),
      '',
    ].join('\n'),
  };
}

/** Scan errors come from another component; render them defensively. */
function describeScanError(e: ScanError): string {
  if (e === null || typeof e !== 'object') return String(e);
  return `${String(e.name)}: ${String(e.message)}${
    e.key ? ` (${String(e.key)})` : ''
  }`;
}

/** @internal */
export function scanIncompleteDiagnosis(
  ctx: FixContext,
  errors: ScanError[],
): Diagnosis {
  return {
    id: 'scan-incomplete',
    severity: 'error',
    subject: ctx.serverName,
    message: `Part of the archive of "${ctx.serverName}" could not be read: this catalog is partial, and missing backups or WAL may only be unread.`,
    evidence: capped(errors.map(e => describeScanError(e))),
    fix: 'Fix the errors listed (credentials, permissions on the bucket/prefix, endpoint reachability) and scan again.',
  };
}
