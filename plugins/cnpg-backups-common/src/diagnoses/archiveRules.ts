/*
 * Rules about WHERE and WHETHER a database archives: checksum trouble with S3-compatible
 * stores, stale archives, a plugin that is not the WAL archiver, deprecated in-tree config,
 * and archives that collide with a recovery source or with another cluster.
 */
import type { Diagnosis } from '../catalog/types';
import type { DatabaseDiagnosisContext } from './types';
import type { ArchiveTarget } from '../status/types';
import { renderYamlDocument } from '../recovery/render';
import { chooseNextServerName } from '../recovery/serverNames';
import { BARMAN_CLOUD_PLUGIN_NAME } from '../archive/names';
import { isAwsEndpoint } from '../archive/provider';
import { withoutTrailingSlashes } from '../archive/destination';
import {
  clusterDiagnosis,
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

// The AWS rule has one home: archive/provider.ts (re-exported here, public API).
export { isAwsEndpoint };

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
  // Fragments of the existing objects (a partial manifest would fail validation); the env
  // entries go next to any the object already has.
  const fixSnippet =
    archive.form === 'plugin'
      ? `# add to the ObjectStore ${context.cluster.namespace}/${
          archive.objectStoreName
        } (keep its other env entries):\nspec:\n  instanceSidecarConfiguration:\n    env:\n${indent(
          envYaml,
          6,
        )}\n`
      : `# add to the Cluster ${subjectOf(
          context,
        )} (keep its other env entries):\nspec:\n  env:\n${indent(
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

const BARMAN_PLUGIN = BARMAN_CLOUD_PLUGIN_NAME;

/** The next free serverName generation, as the recovery planner picks it. */
function nextFreeServerName(
  serverName: string,
  context: DatabaseDiagnosisContext,
): string {
  try {
    return chooseNextServerName({
      sourceServerName: serverName,
      taken: context.recoverySources.map(source => source.serverName),
    });
  } catch {
    // A serverName the planner refuses (not a safe path segment): still show valid YAML.
    return '<new-server-name>';
  }
}

/** `s3Credentials` of a legacy barmanObjectStore, from the archive's Secret references. */
function s3Credentials(archive: ArchiveTarget): Record<string, unknown> {
  const c = archive.credentials;
  if (c.inheritFromIAMRole) return { inheritFromIAMRole: true };
  return {
    accessKeyId: c.accessKeyId ?? { name: '<secret>', key: 'ACCESS_KEY_ID' },
    secretAccessKey: c.secretAccessKey ?? {
      name: '<secret>',
      key: 'ACCESS_SECRET_KEY',
    },
    ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
    ...(c.region ? { region: c.region } : {}),
  };
}

/**
 * The two fixes of "Expected empty archive" as YAML rendered from objects (never text
 * concatenation): (1) a Cluster fragment archiving to a new serverName, (2) a complete recovery
 * Cluster that passes the CRD schema and the webhook rules.
 */
function emptyArchiveSnippets(
  context: DatabaseDiagnosisContext,
  serverName: string,
  newServerName: string,
): { option1: string; option2: string } {
  const archive = context.archive;
  const legacy =
    archive?.form === 'legacy' || (!archive && context.legacyArchive);
  const objectStoreName =
    archive?.objectStoreName ??
    context.pluginEntry?.objectStoreName ??
    'object-store';
  const legacyStore = (name: string): Record<string, unknown> => ({
    destinationPath: archive?.destinationPath ?? 's3://bucket/path',
    ...(archive?.endpointURL ? { endpointURL: archive.endpointURL } : {}),
    ...(archive?.endpointCA ? { endpointCA: archive.endpointCA } : {}),
    serverName: name,
    s3Credentials: archive
      ? s3Credentials(archive)
      : { inheritFromIAMRole: true },
  });
  const pluginEntry = (name: string) => ({
    name: BARMAN_PLUGIN,
    isWALArchiver: true,
    parameters: { barmanObjectName: objectStoreName, serverName: name },
  });
  const option1 = renderYamlDocument(
    legacy
      ? {
          spec: {
            backup: { barmanObjectStore: { serverName: newServerName } },
          },
        }
      : { spec: { plugins: [pluginEntry(newServerName)] } },
    [
      'Option 1: archive to a new, empty serverName (edit the Cluster)',
      `serverName ${newServerName} is a fresh folder; ${serverName} stays as history`,
    ],
  );
  const newName = `${context.cluster.name}`.slice(0, 42).replace(/-+$/, '');
  const storageSize = context.cluster.storageSize ?? '10Gi';
  const recoveryCluster = {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: {
      name: `${newName}-restore`,
      namespace: context.cluster.namespace,
    },
    spec: {
      instances: 1,
      storage: { size: storageSize },
      bootstrap: {
        recovery: {
          source: 'origin',
          ...(context.cluster.database
            ? {
                database: context.cluster.database,
                owner: context.cluster.owner ?? context.cluster.database,
              }
            : {}),
        },
      },
      externalClusters: [
        legacy
          ? { name: 'origin', barmanObjectStore: legacyStore(serverName) }
          : {
              name: 'origin',
              plugin: {
                name: BARMAN_PLUGIN,
                // ALWAYS explicit: the plugin's default is the NEW cluster's name.
                parameters: { barmanObjectName: objectStoreName, serverName },
              },
            },
      ],
      ...(legacy
        ? { backup: { barmanObjectStore: legacyStore(newServerName) } }
        : { plugins: [pluginEntry(newServerName)] }),
    },
  };
  const option2 = renderYamlDocument(recoveryCluster, [
    'Option 2: recover into a NEW cluster from the old serverName (kubectl create, never apply)',
    `It reads serverName ${serverName} and archives to ${newServerName}.`,
    context.cluster.storageSize
      ? `storage.size is the source's (${storageSize}); copy instances, resources and parameters too.`
      : 'Set storage.size to at least the source volume; copy instances, resources and parameters too.',
    'The "Restore…" template writes this manifest from the live Cluster spec.',
  ]);
  return { option1, option2 };
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
  // The planner's own choice of the next generation (`app-v3` → `app-v4`, never `app-v3-v2`),
  // skipping serverNames the cluster already recovers from.
  const newServerName = nextFreeServerName(serverName, context);
  const { option1, option2 } = emptyArchiveSnippets(
    context,
    serverName,
    newServerName,
  );
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
      fixSnippet: `${option1}---\n${option2}`,
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
    clusterDiagnosis(context, {
      id: 'wal-archiver-missing',
      severity: 'error',
      says: `uses the barman-cloud plugin but its spec.plugins entry lacks isWALArchiver: true, so no WAL is archived: point-in-time recovery is impossible.`,
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
    }),
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
    clusterDiagnosis(context, {
      id: 'legacy-barman-object-store',
      severity: 'warning',
      says: `archives with the in-tree spec.backup.barmanObjectStore, deprecated since CloudNativePG 1.26 and removed in 1.31.`,
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
    }),
  ];
}

function normalisePath(path: string | undefined): string | undefined {
  return withoutTrailingSlashes(path);
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
    fix: `Archive to a new serverName (e.g. "${nextFreeServerName(
      a.serverName,
      context,
    )}") and keep "${
      source.serverName
    }" as the read-only recovery source; for plugin sources always set serverName explicitly.`,
    fixSnippet: renderYamlDocument(
      a.form === 'legacy'
        ? {
            spec: {
              backup: {
                barmanObjectStore: {
                  serverName: nextFreeServerName(a.serverName, context),
                },
              },
            },
          }
        : {
            spec: {
              plugins: [
                {
                  name: BARMAN_PLUGIN,
                  isWALArchiver: true,
                  parameters: {
                    barmanObjectName: a.objectStoreName ?? 'object-store',
                    serverName: nextFreeServerName(a.serverName, context),
                  },
                },
              ],
            },
          },
    ),
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
    clusterDiagnosis(context, {
      id: 'archive-not-configured',
      severity: 'error',
      says: `has no backup configuration: no enabled barman-cloud plugin entry and no spec.backup.barmanObjectStore, so nothing is archived.`,
      evidence: [
        context.pluginEntry
          ? 'spec.plugins[name=barman-cloud.cloudnative-pg.io] has enabled: false'
          : 'no spec.plugins entry named barman-cloud.cloudnative-pg.io',
        'no spec.backup.barmanObjectStore',
      ],
      fix: 'Create an ObjectStore and add the barman-cloud plugin with isWALArchiver: true.',
      fixSnippet: `spec:\n  plugins:\n    - name: barman-cloud.cloudnative-pg.io\n      isWALArchiver: true\n      parameters:\n        barmanObjectName: <object-store>\n`,
    }),
  ];
}
