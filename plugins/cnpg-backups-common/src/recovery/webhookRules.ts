/*
 * The one home of the CNPG validating-webhook rules for a Cluster, re-implemented from their documented
 * behaviour (reference §1.3, §1.4, §7). Two profiles share the rule primitives below:
 * - checkCnpgWebhookRules: what the operator's webhook admits (a zone-less targetTime is UTC, any duplicated
 *   plugin name is refused...), as Kubernetes field errors (`<field>: <Type>: <detail>`); -node's
 *   validateCnpgResource runs it after the CRD schema and CEL checks;
 * - checkClusterWebhookIssues / checkClusterWebhookRules: the stricter rules this package holds the recovery
 *   manifests it generates to (a time zone is required, the recovery source must be a usable archive, the new
 *   cluster must not archive into its source folder...), so that a manifest CNPG would reject or that would
 *   fail at the first WAL archive is caught before anyone runs `kubectl create`.
 * Schema (CRD) validation is separate (-node crds/).
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
import { isLsn } from '../catalog/wal';
import {
  type CnpgValidationIssue,
  fieldDuplicate,
  fieldInvalid,
  fieldRequired,
} from './validationIssue';

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
type Issues = CnpgValidationIssue[];

// ---- Rule primitives shared by both profiles ------------------------------------------------------------

const BOOTSTRAP_METHODS = ['initdb', 'recovery', 'pg_basebackup'] as const;
const RECOVERY_TARGET_KINDS = [
  'targetTime',
  'targetLSN',
  'targetXID',
  'targetName',
  'targetImmediate',
] as const;
/** Target kinds CNPG can only resolve from a named base backup. */
const BACKUP_ID_TARGET_KINDS: readonly string[] = [
  'targetName',
  'targetXID',
  'targetImmediate',
];
const TARGET_TLI = /^(latest|[1-9]\d*)$/;
const TARGET_BASE = 'spec.bootstrap.recovery.recoveryTarget';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(obj: unknown, key: string): boolean {
  return isObject(obj) && obj[key] !== undefined && obj[key] !== null;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function passes(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/** The bootstrap methods present (CNPG allows one at a time). */
function bootstrapMethods(bootstrap: unknown): string[] {
  return BOOTSTRAP_METHODS.filter(m => has(bootstrap, m));
}

/** Indexes of the enabled WAL-archiver plugins (CNPG allows one). */
function walArchiverIndexes(plugins: unknown[]): number[] {
  return plugins.flatMap((p, i) =>
    isObject(p) && p.isWALArchiver === true && p.enabled !== false ? [i] : [],
  );
}

function needsBackupId(kinds: readonly string[]): string[] {
  return kinds.filter(k => BACKUP_ID_TARGET_KINDS.includes(k));
}

// ---- Profile 1: the operator's webhook, as Kubernetes field errors ---------------------------------------

function isSetTarget(target: Json, key: string): boolean {
  const v = target[key];
  if (key === 'targetImmediate') return v === true;
  return typeof v === 'string' ? v !== '' : v !== undefined && v !== null;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

// Formats the CNPG webhook accepts for targetTime (zone-less values are UTC).
const CNPG_TARGET_TIME =
  /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)?$/;

function isCnpgTargetTime(text: string): boolean {
  // Date.parse needs a 'T' and a full ±HH:MM offset; PostgreSQL also accepts '+00' and '+0000'.
  const normalised = text
    .replace(' ', 'T')
    .replace(/([+-]\d{2})$/, '$1:00')
    .replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return CNPG_TARGET_TIME.test(text) && !Number.isNaN(Date.parse(normalised));
}

function isCnpgTargetXid(text: string): boolean {
  return /^\d+$/.test(text) && Number(text) <= 0xffffffff;
}

function isCnpgTargetName(text: string): boolean {
  return (
    new TextEncoder().encode(text).length < 64 &&
    // eslint-disable-next-line no-control-regex
    !/[\x00-\x1f\x7f]/.test(text)
  );
}

/** The value checks of the webhook: [field, its rule, the detail when it fails]. */
const CNPG_TARGET_VALUE_RULES: ReadonlyArray<
  [string, (text: string) => boolean, string]
> = [
  [
    'backupID',
    text => passes(() => assertBackupId(text)),
    'a Barman backup ID looks like YYYYMMDDTHHMMSS',
  ],
  [
    'targetTime',
    isCnpgTargetTime,
    'the format of targetTime is invalid: use RFC3339 (2006-01-02T15:04:05Z) or YYYY-MM-DD HH:MM:SS[.ffffff][±TZ]',
  ],
  ['targetLSN', isLsn, 'Invalid LSN: expected the form X/X, e.g. 0/3000060'],
  [
    'targetXID',
    isCnpgTargetXid,
    'targetXID must be a non-negative 32-bit integer',
  ],
  [
    'targetName',
    isCnpgTargetName,
    'targetName must be shorter than 64 bytes and contain no control characters',
  ],
  [
    'targetTLI',
    text => TARGET_TLI.test(text),
    'targetTLI must be "latest" or a positive integer',
  ],
];

function checkCnpgRecoveryTarget(
  target: Json,
  recovery: Json,
  issues: Issues,
): void {
  const set = RECOVERY_TARGET_KINDS.filter(k => isSetTarget(target, k));
  if (set.length > 1) {
    issues.push(
      fieldInvalid(
        TARGET_BASE,
        set.join(', '),
        'Recovery target options are mutually exclusive: set at most one of targetTime, targetLSN, targetXID, targetName, targetImmediate',
      ),
    );
  }
  const needing = needsBackupId(set);
  if (
    needing.length > 0 &&
    !has(recovery, 'volumeSnapshots') &&
    !nonEmptyString(target.backupID)
  ) {
    issues.push(
      fieldRequired(
        `${TARGET_BASE}.backupID`,
        `backupID is required when using ${needing.join(', ')}`,
      ),
    );
  }
  for (const [key, rule, detail] of CNPG_TARGET_VALUE_RULES) {
    const value = target[key];
    if (nonEmptyString(value) && !rule(value)) {
      issues.push(fieldInvalid(`${TARGET_BASE}.${key}`, value, detail));
    }
  }
}

function checkCnpgBootstrapMethods(spec: Json, issues: Issues): void {
  // At most one method. An absent method is fine: the mutating webhook defaults `initdb`.
  if (isObject(spec.bootstrap)) {
    const methods = bootstrapMethods(spec.bootstrap);
    if (methods.length > 1) {
      issues.push(
        fieldInvalid(
          'spec.bootstrap',
          methods.join(', '),
          'Only one bootstrap method can be specified at a time',
        ),
      );
    }
  }
}

function checkCnpgRecovery(
  spec: Json,
  externalNames: Set<string>,
  issues: Issues,
): void {
  const recovery = isObject(spec.bootstrap)
    ? spec.bootstrap.recovery
    : undefined;
  if (!isObject(recovery)) return;
  if (nonEmptyString(recovery.source) && has(recovery, 'backup')) {
    issues.push(
      fieldInvalid(
        'spec.bootstrap.recovery',
        'source, backup',
        'Recovery from an external cluster (source) and from a Backup object (backup) are mutually exclusive',
      ),
    );
  }
  if (nonEmptyString(recovery.source) && !externalNames.has(recovery.source)) {
    issues.push(
      fieldInvalid(
        'spec.bootstrap.recovery.source',
        recovery.source,
        `External cluster "${recovery.source}" not found: it must name an entry of spec.externalClusters`,
      ),
    );
  }
  if (isObject(recovery.recoveryTarget)) {
    checkCnpgRecoveryTarget(recovery.recoveryTarget, recovery, issues);
  }
}

/** Names seen in `list[i].name`, each duplicate reported at its index. */
function uniqueNames(
  list: unknown[],
  field: string,
  issues: Issues,
): Set<string> {
  const names = new Set<string>();
  list.forEach((entry, i) => {
    const name = isObject(entry) ? entry.name : undefined;
    if (typeof name === 'string') {
      if (names.has(name))
        issues.push(fieldDuplicate(`${field}[${i}].name`, name));
      names.add(name);
    }
  });
  return names;
}

/**
 * The CNPG operator's validating-webhook rules for a Cluster that matter to backup/recovery manifests (one
 * bootstrap method, recovery target rules, recovery source present in externalClusters, no duplicated names,
 * at most one WAL archiver and not with the in-tree store), as Kubernetes field errors. Never throws.
 * @public
 */
export function checkCnpgWebhookRules(cluster: unknown): CnpgValidationIssue[] {
  const issues: Issues = [];
  const spec = isObject(cluster) ? cluster.spec : undefined;
  if (!isObject(spec)) return issues;
  checkCnpgBootstrapMethods(spec, issues);
  const externalClusters = Array.isArray(spec.externalClusters)
    ? (spec.externalClusters as unknown[])
    : [];
  const externalNames = uniqueNames(
    externalClusters,
    'spec.externalClusters',
    issues,
  );
  checkCnpgRecovery(spec, externalNames, issues);

  const plugins = Array.isArray(spec.plugins)
    ? (spec.plugins as unknown[])
    : [];
  uniqueNames(plugins, 'spec.plugins', issues);
  const walArchivers = walArchiverIndexes(plugins);
  if (walArchivers.length > 1) {
    issues.push(
      fieldInvalid(
        `spec.plugins[${walArchivers[1]}].isWALArchiver`,
        true,
        'only one enabled plugin can be the WAL archiver',
      ),
    );
  }
  if (walArchivers.length > 0 && has(spec.backup, 'barmanObjectStore')) {
    issues.push(
      fieldInvalid(
        `spec.plugins[${walArchivers[0]}].isWALArchiver`,
        true,
        'a WAL archiver plugin cannot be used together with spec.backup.barmanObjectStore',
      ),
    );
  }
  return issues;
}

// ---- Profile 2: the stricter rules for the recovery manifests this package generates --------------------

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

/**
 * Checks a Cluster object against the CNPG webhook rules relevant to recovery.
 * @returns the problems found (empty when the manifest is acceptable).
 * @public
 */
export function checkClusterWebhookRules(
  cluster: KubernetesObject,
  options: CheckClusterWebhookRulesOptions = {},
): string[] {
  return checkClusterWebhookIssues(cluster, options).map(i => i.message);
}
