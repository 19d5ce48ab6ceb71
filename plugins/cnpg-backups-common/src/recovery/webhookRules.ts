/*
 * The CNPG validating-webhook rules that matter for recovery manifests, re-implemented from
 * their documented behaviour (reference §1.3, §1.4, §7) so that a manifest CNPG would reject
 * is caught before anyone runs `kubectl create`. Schema (CRD) validation is separate.
 */
import { BARMAN_CLOUD_PLUGIN_NAME, type KubernetesObject } from './types';
import {
  assertBackupId,
  assertClusterName,
  assertTargetName,
  assertTargetXid,
  lsnToBigInt,
  parseTargetTime,
} from './validation';

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

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface ArchiveLocation {
  store: string;
  serverName: string;
}

/**
 * Checks a Cluster object against the CNPG webhook rules relevant to recovery.
 * @returns the problems found (empty when the manifest is acceptable).
 * @public
 */
export function checkClusterWebhookRules(
  cluster: KubernetesObject,
  options: CheckClusterWebhookRulesOptions = {},
): string[] {
  const problems: string[] = [];
  if (cluster.apiVersion !== 'postgresql.cnpg.io/v1' || cluster.kind !== 'Cluster') {
    problems.push('apiVersion/kind must be postgresql.cnpg.io/v1 Cluster');
  }
  const metadata = isObject(cluster.metadata) ? cluster.metadata : {};
  try {
    assertClusterName(metadata.name, 'metadata.name');
  } catch (error) {
    problems.push(message(error));
  }
  for (const forbidden of ['uid', 'resourceVersion', 'managedFields', 'creationTimestamp']) {
    if (metadata[forbidden] !== undefined) {
      problems.push(`metadata.${forbidden} must not be set in a manifest to create`);
    }
  }
  if (cluster.status !== undefined) {
    problems.push('status must not be set in a manifest to create');
  }
  const spec = isObject(cluster.spec) ? cluster.spec : undefined;
  if (!spec) {
    problems.push('spec is required');
    return problems;
  }

  const bootstrap = isObject(spec.bootstrap) ? spec.bootstrap : undefined;
  const methods = ['initdb', 'recovery', 'pg_basebackup'].filter(
    m => bootstrap?.[m] !== undefined && bootstrap?.[m] !== null,
  );
  if (methods.length > 1) {
    problems.push(
      `spec.bootstrap: Only one bootstrap method can be specified at a time (found ${methods.join(', ')})`,
    );
  }
  if (options.forbidBootstrap && bootstrap !== undefined) {
    problems.push('spec.bootstrap must be absent in the after-recovery manifest');
  }
  if (options.requireRecovery) {
    if (!isObject(bootstrap?.recovery)) {
      problems.push('spec.bootstrap.recovery is required in a recovery manifest');
    }
    if (bootstrap?.initdb !== undefined) {
      problems.push('spec.bootstrap.initdb must not appear in a recovery manifest');
    }
  }

  const externalClusters = Array.isArray(spec.externalClusters)
    ? (spec.externalClusters as unknown[]).filter(isObject)
    : [];
  const seen = new Set<string>();
  for (const external of externalClusters) {
    const name = String(external.name ?? '');
    if (seen.has(name)) {
      problems.push(`spec.externalClusters: duplicate name "${name}"`);
    }
    seen.add(name);
  }

  const plugins = Array.isArray(spec.plugins) ? (spec.plugins as unknown[]).filter(isObject) : [];
  const barmanPlugins = plugins.filter(p => p.name === BARMAN_CLOUD_PLUGIN_NAME);
  if (barmanPlugins.length > 1) {
    problems.push(
      `spec.plugins: ${BARMAN_CLOUD_PLUGIN_NAME} is listed ${barmanPlugins.length} times (the last entry silently wins)`,
    );
  }
  const walArchivers = plugins.filter(p => p.isWALArchiver === true && p.enabled !== false);
  if (walArchivers.length > 1) {
    problems.push('spec.plugins: at most one plugin can be the WAL archiver');
  }
  const backup = isObject(spec.backup) ? spec.backup : undefined;
  const legacyStore = isObject(backup?.barmanObjectStore) ? backup!.barmanObjectStore as Json : undefined;
  if (walArchivers.length > 0 && legacyStore) {
    problems.push(
      'spec.plugins: a WAL archiver plugin cannot be combined with spec.backup.barmanObjectStore',
    );
  }

  // Where the new cluster archives to.
  let archive: ArchiveLocation | undefined;
  const archiver = walArchivers[0] ?? barmanPlugins.find(p => p.enabled !== false);
  if (archiver && isObject(archiver.parameters)) {
    archive = {
      store: `objectstore:${String(archiver.parameters.barmanObjectName ?? '')}`,
      serverName: String(archiver.parameters.serverName ?? metadata.name ?? ''),
    };
  } else if (legacyStore) {
    archive = {
      store: `path:${String(legacyStore.destinationPath ?? '')}`,
      serverName: String(legacyStore.serverName ?? metadata.name ?? ''),
    };
  }

  const recovery = isObject(bootstrap?.recovery) ? (bootstrap!.recovery as Json) : undefined;
  if (recovery) {
    const sources = ['source', 'backup', 'volumeSnapshots'].filter(k => recovery[k] !== undefined);
    if (sources.length > 1) {
      problems.push(
        `spec.bootstrap.recovery: source, backup and volumeSnapshots are mutually exclusive (found ${sources.join(', ')})`,
      );
    }
    if (sources.length === 0) {
      problems.push('spec.bootstrap.recovery: one of source, backup or volumeSnapshots is required');
    }
    if (recovery.source !== undefined) {
      const external = externalClusters.find(e => e.name === recovery.source);
      if (!external) {
        problems.push(
          `spec.bootstrap.recovery.source "${String(recovery.source)}" names no spec.externalClusters entry`,
        );
      } else {
        const sourceLocation = checkRecoverySource(external, problems);
        if (
          sourceLocation &&
          archive &&
          sourceLocation.store === archive.store &&
          sourceLocation.serverName === archive.serverName
        ) {
          problems.push(
            `the new cluster archives to serverName "${archive.serverName}", the same folder it recovers from: the first WAL archive would fail with "Expected empty archive"`,
          );
        }
      }
    }
    checkRecoveryTarget(recovery.recoveryTarget, recovery.volumeSnapshots !== undefined, problems);
  }
  return problems;
}

function checkRecoverySource(external: Json, problems: string[]): ArchiveLocation | undefined {
  const where = `spec.externalClusters["${String(external.name)}"]`;
  if (isObject(external.plugin)) {
    const plugin = external.plugin;
    const parameters = isObject(plugin.parameters) ? plugin.parameters : {};
    if (plugin.name !== BARMAN_CLOUD_PLUGIN_NAME) {
      problems.push(`${where}.plugin.name must be ${BARMAN_CLOUD_PLUGIN_NAME}`);
    }
    if (!parameters.barmanObjectName) {
      problems.push(`${where}.plugin.parameters.barmanObjectName is required`);
    }
    if (!parameters.serverName) {
      // The plugin defaults it to the NEW cluster's name, never what the operator means.
      problems.push(
        `${where}.plugin.parameters.serverName must be set explicitly (the plugin would default it to the new cluster's name)`,
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
      problems.push(`${where}.barmanObjectStore.destinationPath is required`);
    }
    return {
      store: `path:${String(store.destinationPath ?? '')}`,
      serverName: String(store.serverName ?? external.name ?? ''),
    };
  }
  problems.push(`${where} has neither plugin nor barmanObjectStore: it cannot be a recovery source`);
  return undefined;
}

function checkRecoveryTarget(raw: unknown, fromSnapshots: boolean, problems: string[]): void {
  if (raw === undefined) {
    return;
  }
  if (!isObject(raw)) {
    problems.push('spec.bootstrap.recovery.recoveryTarget must be an object');
    return;
  }
  const where = 'spec.bootstrap.recovery.recoveryTarget';
  const set = ['targetTime', 'targetLSN', 'targetXID', 'targetName', 'targetImmediate'].filter(
    k => raw[k] !== undefined && raw[k] !== '' && raw[k] !== false,
  );
  if (set.length > 1) {
    problems.push(`${where}: at most one of targetTime, targetLSN, targetXID, targetName, targetImmediate (found ${set.join(', ')})`);
  }
  const needsBackupId = set.filter(k => ['targetName', 'targetXID', 'targetImmediate'].includes(k));
  if (needsBackupId.length > 0 && !raw.backupID && !fromSnapshots) {
    problems.push(`${where}: backupID is required with ${needsBackupId.join(', ')}`);
  }
  const attempt = (check: () => unknown) => {
    try {
      check();
    } catch (error) {
      problems.push(`${where}: ${message(error)}`);
    }
  };
  if (raw.backupID !== undefined) attempt(() => assertBackupId(raw.backupID, 'backupID'));
  // CNPG itself would accept a zone-less time (as UTC); we hold generated manifests to the stricter rule.
  if (raw.targetTime !== undefined) attempt(() => parseTargetTime(raw.targetTime));
  if (raw.targetLSN !== undefined) attempt(() => lsnToBigInt(String(raw.targetLSN)));
  if (raw.targetXID !== undefined) attempt(() => assertTargetXid(raw.targetXID));
  if (raw.targetName !== undefined) attempt(() => assertTargetName(raw.targetName));
  if (raw.targetTLI !== undefined && !/^(latest|[1-9]\d*)$/.test(String(raw.targetTLI))) {
    problems.push(`${where}.targetTLI must be "latest" or a positive integer`);
  }
}
