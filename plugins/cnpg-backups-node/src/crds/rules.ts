/*
 * Checks a JSON-schema validator cannot do: the CRDs' CEL rules (x-kubernetes-validations) that matter to the
 * manifests this project reads and generates, and the validating-webhook rules of the CNPG operator for Cluster.
 * Messages follow the Kubernetes field-error style: `<field path>: <Type>: <detail>`.
 */
import { BARMAN_CLOUD_PLUGIN_NAME, isLsn } from '@cnpg-backups/plugin-cnpg-backups-common';

/** One rule violation, shaped like a Kubernetes StatusCause. */
export type CnpgValidationIssue = {
  /** Field path in Kubernetes notation, e.g. `spec.plugins[1].isWALArchiver`. */
  field: string;
  /** Kubernetes cause type, e.g. `FieldValueRequired`, `FieldValueInvalid`, `FieldValueForbidden`. */
  reason:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueForbidden'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueTypeInvalid';
  /** Full message, e.g. `spec.x: Invalid value: "a": must be b`. */
  message: string;
};

// The plugin name (-common archive/names.ts) and the LSN rule (-common catalog/wal.ts) have one home.
export { BARMAN_CLOUD_PLUGIN_NAME };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function get(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function has(obj: unknown, key: string): boolean {
  return isObj(obj) && obj[key] !== undefined && obj[key] !== null;
}

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null';
}

export function invalid(
  field: string,
  value: unknown,
  detail: string,
): CnpgValidationIssue {
  return {
    field,
    reason: 'FieldValueInvalid',
    message: `${field}: Invalid value: ${quote(value)}: ${detail}`,
  };
}

export function forbidden(field: string, detail: string): CnpgValidationIssue {
  return {
    field,
    reason: 'FieldValueForbidden',
    message: `${field}: Forbidden: ${detail}`,
  };
}

export function required(field: string, detail?: string): CnpgValidationIssue {
  return {
    field,
    reason: 'FieldValueRequired',
    message: detail
      ? `${field}: Required value: ${detail}`
      : `${field}: Required value`,
  };
}

function duplicate(field: string, value: unknown): CnpgValidationIssue {
  return {
    field,
    reason: 'FieldValueDuplicate',
    message: `${field}: Duplicate value: ${quote(value)}`,
  };
}

/** ObjectStore CEL rules (plugin-barman-cloud v0.14 CRD). */
export function checkObjectStoreRules(obj: Obj): CnpgValidationIssue[] {
  const issues: CnpgValidationIssue[] = [];
  const configuration = get(obj, 'spec', 'configuration');
  // rule: '!has(self.serverName)' with fieldPath .serverName
  if (has(configuration, 'serverName')) {
    issues.push(
      forbidden(
        'spec.configuration.serverName',
        "use the 'serverName' plugin parameter in the Cluster resource",
      ),
    );
  }
  // rule: "!self.exists(a, a.startsWith('--log-level'))"
  const args = get(obj, 'spec', 'instanceSidecarConfiguration', 'additionalContainerArgs');
  if (
    Array.isArray(args) &&
    args.some(a => typeof a === 'string' && a.startsWith('--log-level'))
  ) {
    issues.push(
      forbidden(
        'spec.instanceSidecarConfiguration.additionalContainerArgs',
        'do not set --log-level in additionalContainerArgs; use spec.instanceSidecarConfiguration.logLevel',
      ),
    );
  }
  return issues;
}

const RECOVERY_TARGET_KINDS = [
  'targetTime',
  'targetLSN',
  'targetXID',
  'targetName',
  'targetImmediate',
] as const;

function isSetTarget(target: Obj, key: string): boolean {
  const v = target[key];
  if (key === 'targetImmediate') return v === true;
  return typeof v === 'string' ? v !== '' : v !== undefined && v !== null;
}

// Formats the CNPG webhook accepts for targetTime (zone-less values are UTC).
const TARGET_TIME_FORMATS = [
  /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)?$/,
];

function checkRecoveryTarget(
  target: Obj,
  recovery: Obj,
  issues: CnpgValidationIssue[],
) {
  const base = 'spec.bootstrap.recovery.recoveryTarget';
  const set = RECOVERY_TARGET_KINDS.filter(k => isSetTarget(target, k));
  if (set.length > 1) {
    issues.push(
      invalid(
        base,
        set.join(', '),
        'Recovery target options are mutually exclusive: set at most one of targetTime, targetLSN, targetXID, targetName, targetImmediate',
      ),
    );
  }
  const needsBackupId = set.filter(k =>
    ['targetName', 'targetXID', 'targetImmediate'].includes(k),
  );
  const fromSnapshots = has(recovery, 'volumeSnapshots');
  if (
    needsBackupId.length > 0 &&
    !fromSnapshots &&
    !(typeof target.backupID === 'string' && target.backupID !== '')
  ) {
    issues.push(
      required(
        `${base}.backupID`,
        `backupID is required when using ${needsBackupId.join(', ')}`,
      ),
    );
  }
  if (typeof target.backupID === 'string' && target.backupID !== '') {
    if (!/^\d{8}T\d{6}$/.test(target.backupID)) {
      issues.push(
        invalid(
          `${base}.backupID`,
          target.backupID,
          'a Barman backup ID looks like YYYYMMDDTHHMMSS',
        ),
      );
    }
  }
  if (typeof target.targetTime === 'string' && target.targetTime !== '') {
    const text = target.targetTime as string;
    // Date.parse needs a 'T' and a full ±HH:MM offset; PostgreSQL also accepts '+00' and '+0000'.
    const normalised = text
      .replace(' ', 'T')
      .replace(/([+-]\d{2})$/, '$1:00')
      .replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    const ok =
      TARGET_TIME_FORMATS.some(re => re.test(text)) &&
      !Number.isNaN(Date.parse(normalised));
    if (!ok) {
      issues.push(
        invalid(
          `${base}.targetTime`,
          target.targetTime,
          'the format of targetTime is invalid: use RFC3339 (2006-01-02T15:04:05Z) or YYYY-MM-DD HH:MM:SS[.ffffff][±TZ]',
        ),
      );
    }
  }
  if (typeof target.targetLSN === 'string' && target.targetLSN !== '') {
    if (!isLsn(target.targetLSN)) {
      issues.push(
        invalid(
          `${base}.targetLSN`,
          target.targetLSN,
          'Invalid LSN: expected the form X/X, e.g. 0/3000060',
        ),
      );
    }
  }
  if (typeof target.targetXID === 'string' && target.targetXID !== '') {
    const n = Number(target.targetXID);
    if (!/^\d+$/.test(target.targetXID) || n > 0xffffffff) {
      issues.push(
        invalid(
          `${base}.targetXID`,
          target.targetXID,
          'targetXID must be a non-negative 32-bit integer',
        ),
      );
    }
  }
  if (typeof target.targetName === 'string' && target.targetName !== '') {
    // eslint-disable-next-line no-control-regex
    if (Buffer.byteLength(target.targetName) >= 64 || /[\x00-\x1f\x7f]/.test(target.targetName)) {
      issues.push(
        invalid(
          `${base}.targetName`,
          target.targetName,
          'targetName must be shorter than 64 bytes and contain no control characters',
        ),
      );
    }
  }
  if (typeof target.targetTLI === 'string' && target.targetTLI !== '') {
    if (target.targetTLI !== 'latest' && !/^[1-9]\d*$/.test(target.targetTLI)) {
      issues.push(
        invalid(
          `${base}.targetTLI`,
          target.targetTLI,
          'targetTLI must be "latest" or a positive integer',
        ),
      );
    }
  }
}

/** CNPG validating-webhook rules for a Cluster that matter to backup/recovery manifests. */
export function checkClusterRules(obj: Obj): CnpgValidationIssue[] {
  const issues: CnpgValidationIssue[] = [];
  const spec = get(obj, 'spec');
  if (!isObj(spec)) return issues;

  // Bootstrap: at most one method. An absent method is fine: the mutating webhook defaults `initdb`.
  const bootstrap = spec.bootstrap;
  if (isObj(bootstrap)) {
    const methods = ['initdb', 'recovery', 'pg_basebackup'].filter(m =>
      has(bootstrap, m),
    );
    if (methods.length > 1) {
      issues.push(
        invalid(
          'spec.bootstrap',
          methods.join(', '),
          'Only one bootstrap method can be specified at a time',
        ),
      );
    }
  }

  const externalClusters = Array.isArray(spec.externalClusters)
    ? (spec.externalClusters as unknown[])
    : [];
  const externalNames = new Set<string>();
  externalClusters.forEach((ec, i) => {
    const name = get(ec, 'name');
    if (typeof name === 'string') {
      if (externalNames.has(name)) {
        issues.push(duplicate(`spec.externalClusters[${i}].name`, name));
      }
      externalNames.add(name);
    }
  });

  const recovery = get(spec, 'bootstrap', 'recovery');
  if (isObj(recovery)) {
    const sources = ['source', 'backup', 'volumeSnapshots'].filter(k =>
      k === 'source' ? typeof recovery.source === 'string' && recovery.source !== '' : has(recovery, k),
    );
    if (sources.includes('source') && sources.includes('backup')) {
      issues.push(
        invalid(
          'spec.bootstrap.recovery',
          'source, backup',
          'Recovery from an external cluster (source) and from a Backup object (backup) are mutually exclusive',
        ),
      );
    }
    if (typeof recovery.source === 'string' && recovery.source !== '') {
      if (!externalNames.has(recovery.source)) {
        issues.push(
          invalid(
            'spec.bootstrap.recovery.source',
            recovery.source,
            `External cluster "${recovery.source}" not found: it must name an entry of spec.externalClusters`,
          ),
        );
      }
    }
    if (isObj(recovery.recoveryTarget)) {
      checkRecoveryTarget(recovery.recoveryTarget, recovery, issues);
    }
  }

  // Plugins: no duplicated names, at most one WAL archiver, not together with the in-tree barmanObjectStore.
  const plugins = Array.isArray(spec.plugins) ? (spec.plugins as unknown[]) : [];
  const pluginNames = new Set<string>();
  const walArchivers: number[] = [];
  plugins.forEach((p, i) => {
    const name = get(p, 'name');
    if (typeof name === 'string') {
      if (pluginNames.has(name)) {
        issues.push(duplicate(`spec.plugins[${i}].name`, name));
      }
      pluginNames.add(name);
    }
    if (get(p, 'isWALArchiver') === true && get(p, 'enabled') !== false) {
      walArchivers.push(i);
    }
  });
  if (walArchivers.length > 1) {
    issues.push(
      invalid(
        `spec.plugins[${walArchivers[1]}].isWALArchiver`,
        true,
        'only one enabled plugin can be the WAL archiver',
      ),
    );
  }
  if (walArchivers.length > 0 && has(get(spec, 'backup'), 'barmanObjectStore')) {
    issues.push(
      invalid(
        `spec.plugins[${walArchivers[0]}].isWALArchiver`,
        true,
        'a WAL archiver plugin cannot be used together with spec.backup.barmanObjectStore',
      ),
    );
  }
  return issues;
}

/**
 * CEL `oldSelf == self` rules checked on updates: Backup.spec is immutable; ScheduledBackup.spec.cluster is
 * immutable. Both objects must already have CRD defaults applied.
 */
export function checkImmutability(oldObj: Obj, newObj: Obj): CnpgValidationIssue[] {
  const issues: CnpgValidationIssue[] = [];
  if (newObj.kind === 'Backup' && !deepEqual(get(oldObj, 'spec'), get(newObj, 'spec'))) {
    issues.push(invalid('spec', 'object', 'BackupSpec is immutable once set'));
  }
  if (
    newObj.kind === 'ScheduledBackup' &&
    !deepEqual(get(oldObj, 'spec', 'cluster'), get(newObj, 'spec', 'cluster'))
  ) {
    issues.push(
      invalid('spec.cluster', 'object', 'cluster reference is immutable after creation'),
    );
  }
  return issues;
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter(k => a[k] !== undefined);
    const kb = Object.keys(b).filter(k => b[k] !== undefined);
    return ka.length === kb.length && ka.every(k => deepEqual(a[k], b[k]));
  }
  return false;
}
