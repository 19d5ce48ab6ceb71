/*
 * Checks a JSON-schema validator cannot do, that belong to the CRDs: their CEL rules (x-kubernetes-validations)
 * that matter to the manifests this project reads and generates, and the update-only immutability rules.
 * The CNPG operator's validating-webhook rules have one home: -common recovery/webhookRules.ts
 * (`checkCnpgWebhookRules`), like the issue type and its constructors (recovery/validationIssue.ts).
 * Messages follow the Kubernetes field-error style: `<field path>: <Type>: <detail>`.
 */
import {
  type CnpgValidationIssue,
  fieldForbidden,
  fieldInvalid,
} from '@cnpg-backups/plugin-cnpg-backups-common';

export type { CnpgValidationIssue };

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

/** ObjectStore CEL rules (plugin-barman-cloud v0.14 CRD). */
export function checkObjectStoreRules(obj: Obj): CnpgValidationIssue[] {
  const issues: CnpgValidationIssue[] = [];
  const configuration = get(obj, 'spec', 'configuration');
  // rule: '!has(self.serverName)' with fieldPath .serverName
  if (has(configuration, 'serverName')) {
    issues.push(
      fieldForbidden(
        'spec.configuration.serverName',
        "use the 'serverName' plugin parameter in the Cluster resource",
      ),
    );
  }
  // rule: "!self.exists(a, a.startsWith('--log-level'))"
  const args = get(
    obj,
    'spec',
    'instanceSidecarConfiguration',
    'additionalContainerArgs',
  );
  if (
    Array.isArray(args) &&
    args.some(a => typeof a === 'string' && a.startsWith('--log-level'))
  ) {
    issues.push(
      fieldForbidden(
        'spec.instanceSidecarConfiguration.additionalContainerArgs',
        'do not set --log-level in additionalContainerArgs; use spec.instanceSidecarConfiguration.logLevel',
      ),
    );
  }
  return issues;
}

/**
 * CEL `oldSelf == self` rules checked on updates: Backup.spec is immutable; ScheduledBackup.spec.cluster is
 * immutable. Both objects must already have CRD defaults applied.
 */
export function checkImmutability(
  oldObj: Obj,
  newObj: Obj,
): CnpgValidationIssue[] {
  const issues: CnpgValidationIssue[] = [];
  if (
    newObj.kind === 'Backup' &&
    !deepEqual(get(oldObj, 'spec'), get(newObj, 'spec'))
  ) {
    issues.push(
      fieldInvalid('spec', 'object', 'BackupSpec is immutable once set'),
    );
  }
  if (
    newObj.kind === 'ScheduledBackup' &&
    !deepEqual(get(oldObj, 'spec', 'cluster'), get(newObj, 'spec', 'cluster'))
  ) {
    issues.push(
      fieldInvalid(
        'spec.cluster',
        'object',
        'cluster reference is immutable after creation',
      ),
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
