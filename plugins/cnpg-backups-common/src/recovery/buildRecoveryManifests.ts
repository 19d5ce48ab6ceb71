/*
 * The recovery manifest builder (pure). From the source Cluster's spec it produces:
 *  - a NEW Cluster bootstrapped with `bootstrap.recovery` from the source's Barman archive,
 *    archiving to the next (empty) serverName generation, to create with `kubectl create -f`;
 *  - the "after recovery" Cluster (no bootstrap) to keep in Git once the restore finished;
 *  - a kustomize overlay (seed-002 style) producing the same Cluster from the source base.
 * Every output is checked against the CNPG webhook rules before it is returned.
 */
import {
  InvalidRecoveryInputError,
  RecoveryManifestInvalidError,
  RecoveryTargetAfterWindowError,
  RecoveryTargetBeforeWindowError,
  ServerNameConflictError,
  UnsupportedSourceClusterError,
} from './errors';
import { isDns1123Label } from '../kubernetes/names';
import { findPluginEntry } from '../archive/declaration';
import {
  type BuildInputs,
  buildKustomization,
  renderRecoveryFiles,
} from './recoveryFiles';
import { describeRecoveryTarget, toCnpgRecoveryTarget } from './target';
import {
  BARMAN_CLOUD_PLUGIN_NAME,
  type BuildRecoveryManifestsOptions,
  type KubernetesObject,
  type RecoveryManifests,
} from './types';
import {
  assertClusterName,
  assertNamespace,
  assertObjectName,
  assertServerName,
  parseTargetTime,
  sameNameWarning,
} from './validation';
import { checkClusterWebhookRules } from './webhookRules';

type Json = Record<string, any>;

/** Annotation on the recovery Cluster naming where it was recovered from. @public */
export const ANNOTATION_RECOVERED_FROM = 'cnpg-backups.io/recovered-from';
/** Annotation on the recovery Cluster describing the recovery target. @public */
export const ANNOTATION_RECOVERY_TARGET = 'cnpg-backups.io/recovery-target';

// Spec keys never carried over: bootstrap and sources are rebuilt, `replica` would make the
// new cluster a replica of something else, archive settings get the next serverName.
const DROPPED_SPEC_KEYS = ['bootstrap', 'externalClusters', 'replica'];

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Which archive form the source uses, and its settings. */
interface SourceArchive {
  form: 'plugin' | 'legacy';
  pluginIndex?: number;
  pluginEntry?: Json;
  barmanObjectName?: string;
  legacyStore?: Json;
}

function findSourceArchive(spec: Json, clusterName: string): SourceArchive {
  const plugins: unknown[] = Array.isArray(spec.plugins) ? spec.plugins : [];
  // The plugin reads the LAST matching entry, so do we.
  let pluginIndex = -1;
  plugins.forEach((entry, index) => {
    if (
      isObject(entry) &&
      entry.name === BARMAN_CLOUD_PLUGIN_NAME &&
      entry.enabled !== false
    ) {
      pluginIndex = index;
    }
  });
  if (pluginIndex >= 0) {
    const pluginEntry = plugins[pluginIndex] as Json;
    // barmanObjectName follows the one declaration rule (archive/declaration.ts): the LAST entry
    // with the plugin's name wins, as the plugin reads it.
    const barmanObjectName = findPluginEntry({
      metadata: { name: clusterName },
      spec,
    })?.objectStoreName;
    if (!barmanObjectName) {
      throw new UnsupportedSourceClusterError(
        `Cluster "${clusterName}" uses ${BARMAN_CLOUD_PLUGIN_NAME} without parameters.barmanObjectName`,
      );
    }
    return {
      form: 'plugin',
      pluginIndex,
      pluginEntry,
      barmanObjectName: assertObjectName(barmanObjectName, 'barmanObjectName'),
    };
  }
  if (isObject(spec.backup?.barmanObjectStore)) {
    const legacyStore = spec.backup.barmanObjectStore as Json;
    if (
      typeof legacyStore.destinationPath !== 'string' ||
      !legacyStore.destinationPath
    ) {
      throw new UnsupportedSourceClusterError(
        `Cluster "${clusterName}" has spec.backup.barmanObjectStore without destinationPath`,
      );
    }
    return { form: 'legacy', legacyStore };
  }
  throw new UnsupportedSourceClusterError(
    `Cluster "${clusterName}" archives with neither the ${BARMAN_CLOUD_PLUGIN_NAME} plugin nor spec.backup.barmanObjectStore: there is no Barman archive to recover from`,
  );
}

function checkWindow(options: BuildRecoveryManifestsOptions): void {
  const { target, window } = options;
  if (target.kind !== 'time' || !window) {
    return;
  }
  const at = parseTargetTime(target.targetTime).epochMs;
  if (window.from && at < Date.parse(window.from)) {
    throw new RecoveryTargetBeforeWindowError(
      `targetTime ${target.targetTime} is before the first recoverability point ${window.from}`,
    );
  }
  if (window.to && at > Date.parse(window.to)) {
    throw new RecoveryTargetAfterWindowError(
      `targetTime ${target.targetTime} is after the last recoverable point ${window.to}`,
    );
  }
}

/** The application database, its owner and (optional) credentials Secret of a Cluster. */
interface ApplicationDatabase {
  database: string;
  owner: string;
  secret?: { name: string };
}

const BOOTSTRAP_METHODS = ['initdb', 'recovery', 'pg_basebackup'] as const;

function assertSqlName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidRecoveryInputError(
      field,
      `${JSON.stringify(value)} is not a non-empty string`,
    );
  }
  // PostgreSQL truncates identifiers at 63 bytes (NAMEDATALEN - 1); control characters can
  // neither be typed into psql nor rendered safely in a manifest.
  if (
    new TextEncoder().encode(value).length > 63 ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(value)
  ) {
    throw new InvalidRecoveryInputError(
      field,
      `${JSON.stringify(
        value,
      )} is not a PostgreSQL name (at most 63 bytes, no control characters)`,
    );
  }
  return value;
}

/**
 * The source's application database as CNPG knows it: `database`/`owner`/`secret` of its
 * bootstrap method (the webhook defaults `app`, and `owner` to the database). Without carrying
 * them over, CNPG's webhook defaults the recovery to `app`/`app`: an empty `app` database is
 * created and the `-app` Secret points at it instead of the restored data.
 */
function sourceApplicationDatabase(spec: Json): ApplicationDatabase {
  const bootstrap = isObject(spec.bootstrap) ? spec.bootstrap : {};
  const method = BOOTSTRAP_METHODS.find(m => isObject(bootstrap[m]));
  const section: Json = method ? bootstrap[method] : {};
  const field = (name: string) => `source.spec.bootstrap.${method}.${name}`;
  const database =
    section.database === undefined || section.database === ''
      ? 'app'
      : assertSqlName(section.database, field('database'));
  const owner =
    section.owner === undefined || section.owner === ''
      ? database
      : assertSqlName(section.owner, field('owner'));
  const result: ApplicationDatabase = { database, owner };
  if (section.secret !== undefined) {
    const name = isObject(section.secret) ? section.secret.name : undefined;
    result.secret = { name: assertObjectName(name, field('secret.name')) };
  }
  return result;
}

export { RECOVERY_FILE_NAMES } from './recoveryFiles';

const KUSTOMIZE_PATH = /^(\.{1,2}\/)*[A-Za-z0-9_-][A-Za-z0-9._/-]*$/;

function checkBuildInputs(options: BuildRecoveryManifestsOptions): BuildInputs {
  const sourceName = assertClusterName(options.source?.name, 'source.name');
  const namespace = assertNamespace(
    options.source?.namespace,
    'source.namespace',
  );
  const newName = assertClusterName(options.newClusterName, 'newClusterName');
  const sourceServerName = assertServerName(
    options.sourceServerName,
    'sourceServerName',
  );
  const targetServerName = assertServerName(
    options.targetServerName,
    'targetServerName',
  );
  const externalName = options.externalClusterName ?? 'origin';
  if (!isDns1123Label(externalName)) {
    throw new InvalidRecoveryInputError(
      'externalClusterName',
      `${JSON.stringify(externalName)} is not a DNS-1123 label`,
    );
  }
  const kustomizeBase = options.kustomizeBase ?? '../../base';
  if (
    !KUSTOMIZE_PATH.test(kustomizeBase) ||
    kustomizeBase.split('/').some(p => p === '')
  ) {
    throw new InvalidRecoveryInputError(
      'kustomizeBase',
      `${JSON.stringify(kustomizeBase)} is not a relative path`,
    );
  }
  if (!isObject(options.source.spec)) {
    throw new InvalidRecoveryInputError(
      'source.spec',
      'the source Cluster spec is required',
    );
  }
  if (sourceServerName === targetServerName) {
    throw new ServerNameConflictError(
      `The new cluster cannot archive to "${targetServerName}": that is the serverName it recovers from (CNPG would fail with "Expected empty archive")`,
    );
  }
  checkWindow(options);
  if (
    options.scheduledBackups !== undefined &&
    !Array.isArray(options.scheduledBackups)
  ) {
    throw new InvalidRecoveryInputError(
      'scheduledBackups',
      'must be a list of ScheduledBackup names',
    );
  }
  const scheduledBackups = [...new Set(options.scheduledBackups ?? [])].map(
    (name, index) => assertObjectName(name, `scheduledBackups[${index}]`),
  );
  return {
    sourceName,
    namespace,
    newName,
    sourceServerName,
    targetServerName,
    externalName,
    kustomizeBase,
    scheduledBackups,
  };
}

/** The spec of the new cluster without its archive: the source's, minus what must not carry over. */
function copySourceSpec(
  sourceSpec: Json,
  externalName: string,
  warnings: string[],
): Json {
  const spec: Json = {};
  for (const [key, value] of Object.entries(sourceSpec)) {
    if (DROPPED_SPEC_KEYS.includes(key)) {
      continue;
    }
    spec[key] = value;
  }
  if (
    Array.isArray(sourceSpec.externalClusters) &&
    sourceSpec.externalClusters.length > 0
  ) {
    const names = sourceSpec.externalClusters
      .map((e: Json) => e?.name)
      .join(', ');
    warnings.push(
      `Dropped the source's externalClusters (${names}); the new cluster only needs "${externalName}"`,
    );
  }
  if (sourceSpec.replica !== undefined) {
    warnings.push(
      'Dropped spec.replica: the recovered cluster is a primary cluster',
    );
  }
  if (
    isObject(sourceSpec.managed) &&
    sourceSpec.managed.services !== undefined
  ) {
    // Managed services carry fixed names that would collide with the source's Services.
    const managed = { ...sourceSpec.managed };
    delete managed.services;
    if (Object.keys(managed).length > 0) spec.managed = managed;
    else delete spec.managed;
    warnings.push(
      'Dropped spec.managed.services: their Service names would collide with the source cluster',
    );
  }
  return spec;
}

/**
 * Points the new cluster's archive at targetServerName (spec.plugins or spec.backup) and returns the
 * externalClusters entry reading the source's archive at sourceServerName.
 */
function wireArchives(
  archive: SourceArchive,
  sourceSpec: Json,
  spec: Json,
  inputs: BuildInputs,
): Json {
  const { externalName, sourceServerName, targetServerName } = inputs;
  if (archive.form === 'plugin') {
    const parameters = { ...(archive.pluginEntry!.parameters ?? {}) };
    const newEntry: Json = {
      ...clone(archive.pluginEntry!),
      isWALArchiver: true,
      parameters: { ...parameters, serverName: targetServerName },
    };
    delete newEntry.enabled;
    // Replace the archiving entry; drop other (disabled or duplicate) Barman entries.
    spec.plugins = (sourceSpec.plugins as unknown[]).flatMap((entry, index) => {
      if (index === archive.pluginIndex) return [newEntry];
      if (isObject(entry) && entry.name === BARMAN_CLOUD_PLUGIN_NAME) return [];
      return [entry];
    });
    return {
      name: externalName,
      plugin: {
        name: BARMAN_CLOUD_PLUGIN_NAME,
        parameters: {
          barmanObjectName: archive.barmanObjectName,
          // ALWAYS explicit: the plugin would default it to the NEW cluster's name.
          serverName: sourceServerName,
        },
      },
    };
  }
  const store = clone(archive.legacyStore!);
  spec.backup = {
    ...clone(sourceSpec.backup),
    barmanObjectStore: { ...store, serverName: targetServerName },
  };
  return {
    name: externalName,
    barmanObjectStore: { ...clone(store), serverName: sourceServerName },
  };
}

/**
 * Builds the recovery manifests. Pure: no I/O, no clock.
 * @throws InvalidRecoveryInputError, UnsupportedSourceClusterError, ServerNameConflictError,
 *   RecoveryTarget*Error, RecoveryManifestInvalidError.
 * @public
 */
export function buildRecoveryManifests(
  options: BuildRecoveryManifestsOptions,
): RecoveryManifests {
  const inputs = checkBuildInputs(options);
  const { sourceName, namespace, newName, sourceServerName, externalName } =
    inputs;

  const sourceSpec = clone(options.source.spec) as Json;
  const archive = findSourceArchive(sourceSpec, sourceName);
  const application = sourceApplicationDatabase(sourceSpec);
  const warnings: string[] = [];
  if (newName === sourceName) {
    warnings.push(sameNameWarning(sourceName));
  }
  const spec = copySourceSpec(sourceSpec, externalName, warnings);
  const externalCluster = wireArchives(archive, sourceSpec, spec, inputs);

  const recoveryTarget = toCnpgRecoveryTarget(options.target);
  const bootstrap = {
    recovery: {
      source: externalName,
      ...(recoveryTarget ? { recoveryTarget } : {}),
      database: application.database,
      owner: application.owner,
      ...(application.secret ? { secret: application.secret } : {}),
    },
  };
  const recoverySpec: Json = {
    ...spec,
    bootstrap,
    externalClusters: [externalCluster],
  };
  const targetText = describeRecoveryTarget(options.target);
  const recoveryCluster: KubernetesObject = {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: {
      name: newName,
      namespace,
      annotations: {
        [ANNOTATION_RECOVERED_FROM]: `${namespace}/${sourceName} serverName=${sourceServerName}`,
        [ANNOTATION_RECOVERY_TARGET]: targetText,
      },
    },
    spec: recoverySpec,
  };
  const afterRecoveryCluster: KubernetesObject = {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: newName, namespace },
    spec: clone(spec),
  };
  const { kustomizePatch, kustomization } = buildKustomization(
    inputs,
    sourceSpec,
    spec,
    recoverySpec,
    archive.form,
  );

  const problems = [
    ...checkClusterWebhookRules(recoveryCluster, { requireRecovery: true }).map(
      p => `recovery manifest: ${p}`,
    ),
    ...checkClusterWebhookRules(afterRecoveryCluster, {
      forbidBootstrap: true,
    }).map(p => `after-recovery manifest: ${p}`),
  ];
  if (problems.length > 0) {
    throw new RecoveryManifestInvalidError(problems);
  }
  return {
    form: archive.form,
    recoveryCluster,
    afterRecoveryCluster,
    kustomization,
    kustomizePatch,
    files: renderRecoveryFiles(inputs, targetText, {
      recoveryCluster,
      afterRecoveryCluster,
      kustomization,
    }),
    warnings,
  };
}
