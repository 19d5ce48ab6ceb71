/*
 * Rules about WHERE and WHETHER a database archives: checksum trouble with S3-compatible
 * stores, stale archives, a plugin that is not the WAL archiver, deprecated in-tree config,
 * and archives that collide with a recovery source or with another cluster.
 */
import type { Diagnosis } from '../catalog/types';
import type { DatabaseDiagnosisContext } from './types';
import {
  conditionEvidence,
  failingArchiving,
  indent,
  subjectOf,
} from './helpers';

/** Messages boto3 ≥ 1.36 provokes from S3-compatible stores (see the reference, §6). */
const CHECKSUM_MESSAGE_PATTERNS: RegExp[] = [
  /x-amz-content-sha256/i,
  /SignatureDoesNotMatch[\s\S]*PutObject|PutObject[\s\S]*SignatureDoesNotMatch/i,
  /Checksum Type mismatch/i,
  /MissingContentMD5/i,
  /MissingContentLength/i,
  /NotImplemented[\s\S]*x-amz-checksum|x-amz-checksum[\s\S]*NotImplemented/i,
  /501[\s\S]*x-amz-checksum/i,
];

const CHECKSUM_ENV = [
  'AWS_REQUEST_CHECKSUM_CALCULATION',
  'AWS_RESPONSE_CHECKSUM_VALIDATION',
];

/** True when the endpoint is AWS S3 itself (no endpoint = AWS). */
export function isAwsEndpoint(endpointURL: string | undefined): boolean {
  if (!endpointURL) return true;
  try {
    return /(^|\.)amazonaws\.com(\.cn)?$/i.test(new URL(endpointURL).hostname);
  } catch {
    return false;
  }
}

/**
 * `checksum-incompatibility`: archiving fails with a boto3 ≥ 1.36 checksum symptom on a
 * non-AWS endpoint and the sidecar lacks the two `when_required` variables.
 * @public
 */
export function checksumIncompatibilityRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  const archive = context.archive;
  if (!archive || isAwsEndpoint(archive.endpointURL)) return [];
  const condition = failingArchiving(context);
  const messages = [
    ...(condition?.message ? [condition.message] : []),
    ...context.failedBackupErrors,
  ];
  const matching = messages.filter(m =>
    CHECKSUM_MESSAGE_PATTERNS.some(p => p.test(m)),
  );
  if (matching.length === 0) return [];
  const envNames =
    archive.form === 'plugin' ? archive.sidecarEnv : context.cluster.envNames;
  const missing = CHECKSUM_ENV.filter(name => !envNames.includes(name));
  if (missing.length === 0) return [];
  const where =
    archive.form === 'plugin'
      ? `ObjectStore ${context.cluster.namespace}/${archive.objectStoreName} spec.instanceSidecarConfiguration.env`
      : `Cluster ${subjectOf(context)} spec.env`;
  const envYaml = CHECKSUM_ENV.map(
    name => `- name: ${name}\n  value: when_required`,
  ).join('\n');
  const fixSnippet =
    archive.form === 'plugin'
      ? `apiVersion: barmancloud.cnpg.io/v1\nkind: ObjectStore\nmetadata:\n  name: ${
          archive.objectStoreName
        }\n  namespace: ${
          context.cluster.namespace
        }\nspec:\n  instanceSidecarConfiguration:\n    env:\n${indent(
          envYaml,
          6,
        )}\n`
      : `apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: ${
          context.cluster.name
        }\n  namespace: ${context.cluster.namespace}\nspec:\n  env:\n${indent(
          envYaml,
          4,
        )}\n`;
  return [
    {
      id: 'checksum-incompatibility',
      severity: 'error',
      subject: subjectOf(context),
      message: `Archiving of ${subjectOf(context)} to ${
        archive.endpointURL
      } fails with the boto3 ≥ 1.36 data-integrity checksums, which this S3-compatible endpoint does not support; ${where} lacks ${missing.join(
        ' and ',
      )}.`,
      evidence: [
        ...(condition ? [conditionEvidence(condition)] : []),
        ...context.failedBackupErrors
          .filter(m => CHECKSUM_MESSAGE_PATTERNS.some(p => p.test(m)))
          .slice(0, 3)
          .map(m => `Failed Backup error: ${m}`),
        `Endpoint ${archive.endpointURL} is not AWS S3 (provider preset: ${archive.provider})`,
        `${where} has ${
          envNames.length ? envNames.join(', ') : 'no variables'
        }`,
      ],
      fix: `Set AWS_REQUEST_CHECKSUM_CALCULATION=when_required and AWS_RESPONSE_CHECKSUM_VALIDATION=when_required in ${where}${
        archive.form === 'plugin'
          ? ' (the sidecars pick it up at the next reconciliation, which may roll the pods; the ObjectStore CRD must have instanceSidecarConfiguration.env)'
          : ''
      }.`,
      fixSnippet,
    },
  ];
}

function newestWalModified(
  context: DatabaseDiagnosisContext,
): string | undefined {
  let newest: string | undefined;
  for (const t of context.catalog?.wal.timelines ?? []) {
    if (
      t.lastModified &&
      (!newest || Date.parse(t.lastModified) > Date.parse(newest))
    ) {
      newest = t.lastModified;
    }
  }
  return newest;
}

/**
 * `expected-empty-archive`: archiving fails because the serverName's `wals/` already holds WAL
 * from an earlier cluster (the "Expected empty archive" check), or the cluster is newer than
 * every WAL in a non-empty `wals/` while archiving fails (a stale archive).
 * @public
 */
export function expectedEmptyArchiveRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  const condition = failingArchiving(context);
  if (!condition) return [];
  const archive = context.archive;
  const explicit = /Expected empty archive/i.test(condition.message ?? '');
  const newestWal = newestWalModified(context);
  const walSegments =
    context.catalog?.wal.timelines.reduce((n, t) => n + t.segmentCount, 0) ?? 0;
  const created = context.cluster.creationTimestamp;
  const stale =
    walSegments > 0 &&
    newestWal !== undefined &&
    created !== undefined &&
    Date.parse(newestWal) < Date.parse(created);
  if (!explicit && !stale) return [];
  const serverName =
    archive?.serverName ??
    context.pluginEntry?.serverName ??
    context.cluster.name;
  const newServerName = `${serverName}-v2`;
  const ns = context.cluster.namespace;
  const archiveYaml =
    archive?.form === 'legacy'
      ? `spec:\n  backup:\n    barmanObjectStore:\n      serverName: ${newServerName}   # a fresh, empty folder`
      : `spec:\n  plugins:\n    - name: barman-cloud.cloudnative-pg.io\n      isWALArchiver: true\n      parameters:\n        barmanObjectName: ${
          archive?.objectStoreName ??
          context.pluginEntry?.objectStoreName ??
          '<object-store>'
        }\n        serverName: ${newServerName}   # a fresh, empty folder`;
  const sourceYaml =
    archive?.form === 'legacy'
      ? `    - name: origin\n      barmanObjectStore:\n        destinationPath: ${
          archive.destinationPath
        }\n${
          archive.endpointURL
            ? `        endpointURL: ${archive.endpointURL}\n`
            : ''
        }        serverName: ${serverName}   # the old archive: read-only recovery source\n        # s3Credentials: same as the current archive`
      : `    - name: origin\n      plugin:\n        name: barman-cloud.cloudnative-pg.io\n        parameters:\n          barmanObjectName: ${
          archive?.objectStoreName ??
          context.pluginEntry?.objectStoreName ??
          '<object-store>'
        }\n          serverName: ${serverName}   # ALWAYS explicit: the default is the NEW cluster's name`;
  const recoverySnippet = `apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: ${
    context.cluster.name
  }-restore   # a NEW cluster (kubectl create, never apply)\n  namespace: ${ns}\nspec:\n  bootstrap:\n    recovery:\n      source: origin\n  externalClusters:\n${sourceYaml}\n${indent(
    archiveYaml.replace(/^spec:\n/, ''),
    2,
  )}\n`;
  return [
    {
      id: 'expected-empty-archive',
      severity: 'error',
      subject: subjectOf(context),
      message: explicit
        ? `WAL archiving of ${subjectOf(
            context,
          )} is blocked: serverName "${serverName}" already holds WAL from an earlier cluster, and barman's empty-archive check refuses to mix two histories ("Expected empty archive").`
        : `WAL archiving of ${subjectOf(
            context,
          )} fails and serverName "${serverName}" holds ${walSegments} WAL segment(s) that are all older than the cluster itself (created ${created}): a stale archive from an earlier cluster.`,
      evidence: [
        conditionEvidence(condition),
        ...(walSegments > 0
          ? [
              `${walSegments} WAL segment(s) under ${
                archive?.destinationPath ?? ''
              }/${serverName}/wals/, newest modified ${newestWal ?? 'unknown'}`,
            ]
          : []),
        ...(created ? [`Cluster created ${created}`] : []),
      ],
      fix: `Either (1) archive to a fresh serverName such as "${newServerName}" (keeps the old archive as history), or (2) if the old WAL is this database's past, create a NEW cluster that recovers from serverName "${serverName}" and archives to "${newServerName}". Never delete the old WAL unless you are sure nobody needs it; the cnpg.io/skipEmptyWalArchiveCheck annotation is for experts only.`,
      fixSnippet: `# Option 1: archive to a new, empty serverName (edit the Cluster)\n${archiveYaml}\n---\n# Option 2: recover into a new cluster from the old serverName\n${recoverySnippet}`,
    },
  ];
}

/**
 * `wal-archiver-missing`: the barman-cloud plugin entry is enabled but not `isWALArchiver`, so
 * no WAL is archived (no PITR, and base backups cannot complete consistently).
 * @public
 */
export function walArchiverMissingRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  const entry = context.pluginEntry;
  if (!entry || !entry.enabled || entry.isWALArchiver) return [];
  if (context.legacyArchive) return []; // in-tree archiving still runs; the legacy rule covers it
  return [
    {
      id: 'wal-archiver-missing',
      severity: 'error',
      subject: subjectOf(context),
      message: `Cluster ${subjectOf(
        context,
      )} uses the barman-cloud plugin but its spec.plugins entry lacks isWALArchiver: true, so no WAL is archived: point-in-time recovery is impossible.`,
      evidence: [
        `spec.plugins[name=barman-cloud.cloudnative-pg.io].isWALArchiver is not true`,
        `barmanObjectName=${entry.objectStoreName ?? '(unset)'}, serverName=${
          entry.serverName
        }`,
      ],
      fix: 'Set isWALArchiver: true on the barman-cloud plugin entry (CNPG ≥ 1.26).',
      fixSnippet: `spec:\n  plugins:\n    - name: barman-cloud.cloudnative-pg.io\n      isWALArchiver: true\n      parameters:\n        barmanObjectName: ${
        entry.objectStoreName ?? '<object-store>'
      }\n${
        entry.serverName !== context.cluster.name
          ? `        serverName: ${entry.serverName}\n`
          : ''
      }`,
    },
  ];
}

/**
 * `legacy-barman-object-store`: in-tree Barman Cloud (`spec.backup.barmanObjectStore`) is
 * deprecated since CNPG 1.26 and removed in 1.31.
 * @public
 */
export function legacyBarmanObjectStoreRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  if (!context.legacyArchive) return [];
  const a = context.archive;
  const serverName = a?.serverName ?? context.cluster.name;
  const storeName = `${context.cluster.name}-store`;
  const creds = a?.credentials;
  let credYaml = '';
  if (creds?.inheritFromIAMRole) {
    credYaml = '    s3Credentials:\n      inheritFromIAMRole: true\n';
  } else if (creds?.accessKeyId || creds?.secretAccessKey) {
    credYaml = '    s3Credentials:\n';
    if (creds.accessKeyId) {
      credYaml += `      accessKeyId: { name: ${creds.accessKeyId.name}, key: ${creds.accessKeyId.key} }\n`;
    }
    if (creds.secretAccessKey) {
      credYaml += `      secretAccessKey: { name: ${creds.secretAccessKey.name}, key: ${creds.secretAccessKey.key} }\n`;
    }
  }
  return [
    {
      id: 'legacy-barman-object-store',
      severity: 'warning',
      subject: subjectOf(context),
      message: `Cluster ${subjectOf(
        context,
      )} archives with the in-tree spec.backup.barmanObjectStore, deprecated since CloudNativePG 1.26 and removed in 1.31.`,
      evidence: [
        `spec.backup.barmanObjectStore.destinationPath=${
          a?.destinationPath ?? '(unresolved)'
        }`,
        `serverName=${serverName}`,
      ],
      fix: `Install the Barman Cloud plugin, create an ObjectStore with the same configuration (and spec.retentionPolicy), then replace spec.backup.barmanObjectStore with a spec.plugins entry (isWALArchiver: true) keeping serverName "${serverName}", and switch ScheduledBackups to method: plugin.`,
      fixSnippet: `apiVersion: barmancloud.cnpg.io/v1\nkind: ObjectStore\nmetadata:\n  name: ${storeName}\n  namespace: ${
        context.cluster.namespace
      }\nspec:\n${
        a?.retentionPolicy ? `  retentionPolicy: "${a.retentionPolicy}"\n` : ''
      }  configuration:\n    destinationPath: ${
        a?.destinationPath ?? 's3://<bucket>/<prefix>'
      }\n${
        a?.endpointURL ? `    endpointURL: ${a.endpointURL}\n` : ''
      }${credYaml}${
        a?.walCompression && a.walCompression !== 'none'
          ? `    wal:\n      compression: ${a.walCompression}\n`
          : ''
      }${
        a?.dataCompression && a.dataCompression !== 'none'
          ? `    data:\n      compression: ${a.dataCompression}\n`
          : ''
      }---\n# Cluster: remove spec.backup.barmanObjectStore and add\nspec:\n  plugins:\n    - name: barman-cloud.cloudnative-pg.io\n      isWALArchiver: true\n      parameters:\n        barmanObjectName: ${storeName}\n        serverName: ${serverName}\n`,
    },
  ];
}

function normalisePath(path: string | undefined): string | undefined {
  return path?.replace(/\/+$/, '');
}

/**
 * `archive-is-recovery-source`: the cluster archives into the very serverName it recovers
 * from, which mixes two histories in one folder.
 * @public
 */
export function archiveIsRecoverySourceRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  const a = context.archive;
  if (!a) return [];
  const clashes = context.recoverySources.filter(source => {
    if (source.serverName !== a.serverName) return false;
    if (source.destinationPath && a.destinationPath) {
      return (
        normalisePath(source.destinationPath) ===
        normalisePath(a.destinationPath)
      );
    }
    return (
      source.objectStoreName !== undefined &&
      source.objectStoreName === a.objectStoreName
    );
  });
  return clashes.map(source => ({
    id: 'archive-is-recovery-source',
    severity: 'error' as const,
    subject: subjectOf(context),
    message: `Cluster ${subjectOf(context)} archives to ${a.destinationPath}/${
      a.serverName
    }, which is also its recovery source "${
      source.name
    }": the new cluster's WAL would be written over the history it recovers from.`,
    evidence: [
      `archive: ${a.destinationPath} serverName=${a.serverName}`,
      `externalClusters[name=${source.name}]: ${
        source.destinationPath ?? source.objectStoreName
      } serverName=${source.serverName}${
        source.form === 'plugin'
          ? ' (plugin sources default serverName to the NEW cluster name)'
          : ''
      }`,
    ],
    fix: `Archive to a new serverName (e.g. "${a.serverName}-v2") and keep "${source.serverName}" as the read-only recovery source; for plugin sources always set serverName explicitly.`,
    fixSnippet: `spec:\n  plugins:\n    - name: barman-cloud.cloudnative-pg.io\n      isWALArchiver: true\n      parameters:\n        barmanObjectName: ${
      a.objectStoreName ?? '<object-store>'
    }\n        serverName: ${a.serverName}-v2\n`,
  }));
}

/**
 * `shared-server-name`: two clusters write to the same destination + serverName.
 * @public
 */
export function sharedServerNameRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  const a = context.archive;
  if (!a || context.sharedArchiveWriters.length === 0) return [];
  const others = context.sharedArchiveWriters.map(
    w => `${w.namespace}/${w.name}`,
  );
  return [
    {
      id: 'shared-server-name',
      severity: 'error',
      subject: subjectOf(context),
      message: `Clusters ${[subjectOf(context), ...others].join(
        ', ',
      )} all archive to ${a.destinationPath}/${
        a.serverName
      }: their WAL and backups collide, and retention of one deletes the other's.`,
      evidence: [
        `${subjectOf(context)}: ${a.destinationPath} serverName=${
          a.serverName
        }`,
        ...others.map(o => `${o}: same destination and serverName`),
      ],
      fix: 'Give every cluster its own serverName (the plugin parameter serverName, default = the cluster name).',
      fixSnippet: `spec:\n  plugins:\n    - name: barman-cloud.cloudnative-pg.io\n      isWALArchiver: true\n      parameters:\n        barmanObjectName: ${
        a.objectStoreName ?? '<object-store>'
      }\n        serverName: ${context.cluster.name}\n`,
    },
  ];
}

/**
 * `archive-not-configured`: neither the plugin nor in-tree Barman Cloud is configured.
 * @public
 */
export function archiveNotConfiguredRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  if (context.pluginEntry?.enabled || context.legacyArchive) return [];
  return [
    {
      id: 'archive-not-configured',
      severity: 'error',
      subject: subjectOf(context),
      message: `Cluster ${subjectOf(
        context,
      )} has no backup configuration: no enabled barman-cloud plugin entry and no spec.backup.barmanObjectStore, so nothing is archived.`,
      evidence: [
        context.pluginEntry
          ? 'spec.plugins[name=barman-cloud.cloudnative-pg.io] has enabled: false'
          : 'no spec.plugins entry named barman-cloud.cloudnative-pg.io',
        'no spec.backup.barmanObjectStore',
      ],
      fix: 'Create an ObjectStore and add the barman-cloud plugin with isWALArchiver: true.',
      fixSnippet: `spec:\n  plugins:\n    - name: barman-cloud.cloudnative-pg.io\n      isWALArchiver: true\n      parameters:\n        barmanObjectName: <object-store>\n`,
    },
  ];
}
