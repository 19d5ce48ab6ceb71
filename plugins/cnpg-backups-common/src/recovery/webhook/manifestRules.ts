/*
 * Webhook-rule profile 2: the stricter rules this package holds the recovery manifests it generates to (a
 * time zone is required, the recovery source must be a usable archive, the new cluster must not archive into
 * its source folder...), as structured issues carrying this profile's messages.
 */
import { BARMAN_CLOUD_PLUGIN_NAME, type KubernetesObject } from '../types';
import {
  assertBackupId,
  assertClusterName,
  assertTargetName,
  assertTargetXid,
  lsnToBigInt,
  parseTargetTime,
} from '../validation';
import type { CnpgValidationIssue } from '../validationIssue';
import {
  BOOTSTRAP_METHODS,
  type Issues,
  isObject,
  type Json,
  message,
  needsBackupId,
  RECOVERY_TARGET_KINDS,
  TARGET_BASE,
  TARGET_TLI,
  walArchiverIndexes,
} from './primitives';

/** Options of {@link checkClusterWebhookRules}. @public */
export interface CheckClusterWebhookRulesOptions {
  /**
   * The manifest must bootstrap by recovery and carry no `initdb` (true for every recovery
   * manifest this package produces).
   */
  requireRecovery?: boolean;
  /** The manifest must carry no `bootstrap` at all (the after-recovery manifest). */
  forbidBootstrap?: boolean;
}

interface ArchiveLocation {
  store: string;
  serverName: string;
}

function issue(
  field: string,
  reason: CnpgValidationIssue['reason'],
  text: string,
): CnpgValidationIssue {
  return { field, reason, message: text };
}

function checkManifestMetadata(
  cluster: KubernetesObject,
  metadata: Json,
  issues: Issues,
): void {
  if (
    cluster.apiVersion !== 'postgresql.cnpg.io/v1' ||
    cluster.kind !== 'Cluster'
  ) {
    issues.push(
      issue(
        'kind',
        'FieldValueInvalid',
        'apiVersion/kind must be postgresql.cnpg.io/v1 Cluster',
      ),
    );
  }
  try {
    assertClusterName(metadata.name, 'metadata.name');
  } catch (error) {
    issues.push(issue('metadata.name', 'FieldValueInvalid', message(error)));
  }
  for (const forbidden of [
    'uid',
    'resourceVersion',
    'managedFields',
    'creationTimestamp',
  ]) {
    if (metadata[forbidden] !== undefined) {
      issues.push(
        issue(
          `metadata.${forbidden}`,
          'FieldValueForbidden',
          `metadata.${forbidden} must not be set in a manifest to create`,
        ),
      );
    }
  }
  if (cluster.status !== undefined) {
    issues.push(
      issue(
        'status',
        'FieldValueForbidden',
        'status must not be set in a manifest to create',
      ),
    );
  }
}

function checkManifestBootstrap(
  bootstrap: Json | undefined,
  options: CheckClusterWebhookRulesOptions,
  issues: Issues,
): void {
  const methods = BOOTSTRAP_METHODS.filter(
    m => bootstrap?.[m] !== undefined && bootstrap?.[m] !== null,
  );
  if (methods.length > 1) {
    issues.push(
      issue(
        'spec.bootstrap',
        'FieldValueInvalid',
        `spec.bootstrap: Only one bootstrap method can be specified at a time (found ${methods.join(
          ', ',
        )})`,
      ),
    );
  }
  if (options.forbidBootstrap && bootstrap !== undefined) {
    issues.push(
      issue(
        'spec.bootstrap',
        'FieldValueForbidden',
        'spec.bootstrap must be absent in the after-recovery manifest',
      ),
    );
  }
  if (options.requireRecovery) {
    if (!isObject(bootstrap?.recovery)) {
      issues.push(
        issue(
          'spec.bootstrap.recovery',
          'FieldValueRequired',
          'spec.bootstrap.recovery is required in a recovery manifest',
        ),
      );
    }
    if (bootstrap?.initdb !== undefined) {
      issues.push(
        issue(
          'spec.bootstrap.initdb',
          'FieldValueForbidden',
          'spec.bootstrap.initdb must not appear in a recovery manifest',
        ),
      );
    }
  }
}

function checkManifestExternalClusters(spec: Json, issues: Issues): Json[] {
  const raw = Array.isArray(spec.externalClusters)
    ? (spec.externalClusters as unknown[])
    : [];
  const seen = new Set<string>();
  raw.forEach((external, i) => {
    if (!isObject(external)) return;
    const name = String(external.name ?? '');
    if (seen.has(name)) {
      issues.push(
        issue(
          `spec.externalClusters[${i}].name`,
          'FieldValueDuplicate',
          `spec.externalClusters: duplicate name "${name}"`,
        ),
      );
    }
    seen.add(name);
  });
  return raw.filter(isObject);
}

/** Plugin rules; returns where the new cluster archives to. */
function checkManifestPlugins(
  spec: Json,
  metadata: Json,
  issues: Issues,
): ArchiveLocation | undefined {
  const raw = Array.isArray(spec.plugins) ? (spec.plugins as unknown[]) : [];
  const barmanPlugins = raw
    .filter(isObject)
    .filter(p => p.name === BARMAN_CLOUD_PLUGIN_NAME);
  if (barmanPlugins.length > 1) {
    issues.push(
      issue(
        'spec.plugins',
        'FieldValueDuplicate',
        `spec.plugins: ${BARMAN_CLOUD_PLUGIN_NAME} is listed ${barmanPlugins.length} times (the last entry silently wins)`,
      ),
    );
  }
  const walArchivers = walArchiverIndexes(raw).map(i => raw[i] as Json);
  if (walArchivers.length > 1) {
    issues.push(
      issue(
        'spec.plugins',
        'FieldValueInvalid',
        'spec.plugins: at most one plugin can be the WAL archiver',
      ),
    );
  }
  const backup = isObject(spec.backup) ? spec.backup : undefined;
  const legacyStore = isObject(backup?.barmanObjectStore)
    ? (backup!.barmanObjectStore as Json)
    : undefined;
  if (walArchivers.length > 0 && legacyStore) {
    issues.push(
      issue(
        'spec.plugins',
        'FieldValueInvalid',
        'spec.plugins: a WAL archiver plugin cannot be combined with spec.backup.barmanObjectStore',
      ),
    );
  }
  const archiver =
    walArchivers[0] ?? barmanPlugins.find(p => p.enabled !== false);
  if (archiver && isObject(archiver.parameters)) {
    return {
      store: `objectstore:${String(
        archiver.parameters.barmanObjectName ?? '',
      )}`,
      serverName: String(archiver.parameters.serverName ?? metadata.name ?? ''),
    };
  }
  if (legacyStore) {
    return {
      store: `path:${String(legacyStore.destinationPath ?? '')}`,
      serverName: String(legacyStore.serverName ?? metadata.name ?? ''),
    };
  }
  return undefined;
}

function checkRecoverySource(
  external: Json,
  field: string,
  issues: Issues,
): ArchiveLocation | undefined {
  const where = `spec.externalClusters["${String(external.name)}"]`;
  if (isObject(external.plugin)) {
    const plugin = external.plugin;
    const parameters = isObject(plugin.parameters) ? plugin.parameters : {};
    if (plugin.name !== BARMAN_CLOUD_PLUGIN_NAME) {
      issues.push(
        issue(
          `${field}.plugin.name`,
          'FieldValueInvalid',
          `${where}.plugin.name must be ${BARMAN_CLOUD_PLUGIN_NAME}`,
        ),
      );
    }
    if (!parameters.barmanObjectName) {
      issues.push(
        issue(
          `${field}.plugin.parameters.barmanObjectName`,
          'FieldValueRequired',
          `${where}.plugin.parameters.barmanObjectName is required`,
        ),
      );
    }
    if (!parameters.serverName) {
      // The plugin defaults it to the NEW cluster's name, never what the operator means.
      issues.push(
        issue(
          `${field}.plugin.parameters.serverName`,
          'FieldValueRequired',
          `${where}.plugin.parameters.serverName must be set explicitly (the plugin would default it to the new cluster's name)`,
        ),
      );
    }
    return {
      store: `objectstore:${String(parameters.barmanObjectName ?? '')}`,
      serverName: String(parameters.serverName ?? ''),
    };
  }
  if (isObject(external.barmanObjectStore)) {
    const store = external.barmanObjectStore;
    if (!store.destinationPath) {
      issues.push(
        issue(
          `${field}.barmanObjectStore.destinationPath`,
          'FieldValueRequired',
          `${where}.barmanObjectStore.destinationPath is required`,
        ),
      );
    }
    return {
      store: `path:${String(store.destinationPath ?? '')}`,
      serverName: String(store.serverName ?? external.name ?? ''),
    };
  }
  issues.push(
    issue(
      field,
      'FieldValueRequired',
      `${where} has neither plugin nor barmanObjectStore: it cannot be a recovery source`,
    ),
  );
  return undefined;
}

function checkManifestRecovery(
  recovery: Json,
  spec: Json,
  externalClusters: Json[],
  archive: ArchiveLocation | undefined,
  issues: Issues,
): void {
  const sources = ['source', 'backup', 'volumeSnapshots'].filter(
    k => recovery[k] !== undefined,
  );
  if (sources.length > 1) {
    issues.push(
      issue(
        'spec.bootstrap.recovery',
        'FieldValueInvalid',
        `spec.bootstrap.recovery: source, backup and volumeSnapshots are mutually exclusive (found ${sources.join(
          ', ',
        )})`,
      ),
    );
  }
  if (sources.length === 0) {
    issues.push(
      issue(
        'spec.bootstrap.recovery',
        'FieldValueRequired',
        'spec.bootstrap.recovery: one of source, backup or volumeSnapshots is required',
      ),
    );
  }
  if (recovery.source !== undefined) {
    const external = externalClusters.find(e => e.name === recovery.source);
    if (!external) {
      issues.push(
        issue(
          'spec.bootstrap.recovery.source',
          'FieldValueInvalid',
          `spec.bootstrap.recovery.source "${String(
            recovery.source,
          )}" names no spec.externalClusters entry`,
        ),
      );
    } else {
      const index = (spec.externalClusters as unknown[]).indexOf(external);
      const source = checkRecoverySource(
        external,
        `spec.externalClusters[${index}]`,
        issues,
      );
      if (
        source &&
        archive &&
        source.store === archive.store &&
        source.serverName === archive.serverName
      ) {
        issues.push(
          issue(
            'spec.plugins',
            'FieldValueInvalid',
            `the new cluster archives to serverName "${archive.serverName}", the same folder it recovers from: the first WAL archive would fail with "Expected empty archive"`,
          ),
        );
      }
    }
  }
  checkManifestRecoveryTarget(
    recovery.recoveryTarget,
    recovery.volumeSnapshots !== undefined,
    issues,
  );
}

/** Value checks of the generated manifests (stricter than CNPG: a targetTime needs a zone). */
const MANIFEST_TARGET_VALUE_RULES: ReadonlyArray<
  [string, (value: unknown) => unknown]
> = [
  ['backupID', value => assertBackupId(value, 'backupID')],
  // CNPG itself would accept a zone-less time (as UTC); we hold generated manifests to the stricter rule.
  ['targetTime', value => parseTargetTime(value)],
  ['targetLSN', value => lsnToBigInt(String(value))],
  ['targetXID', value => assertTargetXid(value)],
  ['targetName', value => assertTargetName(value)],
];

function checkManifestRecoveryTarget(
  raw: unknown,
  fromSnapshots: boolean,
  issues: Issues,
): void {
  if (raw === undefined) {
    return;
  }
  if (!isObject(raw)) {
    issues.push(
      issue(
        TARGET_BASE,
        'FieldValueTypeInvalid',
        `${TARGET_BASE} must be an object`,
      ),
    );
    return;
  }
  const set = RECOVERY_TARGET_KINDS.filter(
    k => raw[k] !== undefined && raw[k] !== '' && raw[k] !== false,
  );
  if (set.length > 1) {
    issues.push(
      issue(
        TARGET_BASE,
        'FieldValueInvalid',
        `${TARGET_BASE}: at most one of targetTime, targetLSN, targetXID, targetName, targetImmediate (found ${set.join(
          ', ',
        )})`,
      ),
    );
  }
  const needing = needsBackupId(set);
  if (needing.length > 0 && !raw.backupID && !fromSnapshots) {
    issues.push(
      issue(
        `${TARGET_BASE}.backupID`,
        'FieldValueRequired',
        `${TARGET_BASE}: backupID is required with ${needing.join(', ')}`,
      ),
    );
  }
  for (const [key, check] of MANIFEST_TARGET_VALUE_RULES) {
    if (raw[key] === undefined) continue;
    try {
      check(raw[key]);
    } catch (error) {
      issues.push(
        issue(
          `${TARGET_BASE}.${key}`,
          'FieldValueInvalid',
          `${TARGET_BASE}: ${message(error)}`,
        ),
      );
    }
  }
  if (raw.targetTLI !== undefined && !TARGET_TLI.test(String(raw.targetTLI))) {
    issues.push(
      issue(
        `${TARGET_BASE}.targetTLI`,
        'FieldValueInvalid',
        `${TARGET_BASE}.targetTLI must be "latest" or a positive integer`,
      ),
    );
  }
}

/**
 * Checks a Cluster object against the CNPG webhook rules relevant to recovery, held to the stricter rules of
 * the manifests this package generates.
 * @returns the issues found, each with its field path, cause type and message (empty when acceptable).
 * @public
 */
export function checkClusterWebhookIssues(
  cluster: KubernetesObject,
  options: CheckClusterWebhookRulesOptions = {},
): CnpgValidationIssue[] {
  const issues: Issues = [];
  const metadata = isObject(cluster.metadata) ? cluster.metadata : {};
  checkManifestMetadata(cluster, metadata, issues);
  const spec = isObject(cluster.spec) ? cluster.spec : undefined;
  if (!spec) {
    issues.push(issue('spec', 'FieldValueRequired', 'spec is required'));
    return issues;
  }
  const bootstrap = isObject(spec.bootstrap) ? spec.bootstrap : undefined;
  checkManifestBootstrap(bootstrap, options, issues);
  const externalClusters = checkManifestExternalClusters(spec, issues);
  const archive = checkManifestPlugins(spec, metadata, issues);
  if (isObject(bootstrap?.recovery)) {
    checkManifestRecovery(
      bootstrap!.recovery as Json,
      spec,
      externalClusters,
      archive,
      issues,
    );
  }
  return issues;
}
