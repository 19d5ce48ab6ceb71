/*
 * Webhook-rule profile 1: what the CNPG operator's validating webhook admits for a Cluster, as Kubernetes
 * field errors (`<field>: <Type>: <detail>`). -node's validateCnpgResource runs it after the CRD checks.
 */
import { assertBackupId } from '../validation';
import { isLsn } from '../../catalog/lsn';
import {
  type CnpgValidationIssue,
  fieldDuplicate,
  fieldInvalid,
  fieldRequired,
} from '../validationIssue';
import {
  bootstrapMethods,
  has,
  type Issues,
  isObject,
  type Json,
  needsBackupId,
  passes,
  RECOVERY_TARGET_KINDS,
  TARGET_BASE,
  TARGET_TLI,
  walArchiverIndexes,
} from './primitives';

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
