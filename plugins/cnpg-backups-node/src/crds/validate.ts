import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  checkCnpgWebhookRules,
  fieldInvalid as invalid,
  fieldRequired as required,
  isDns1123Subdomain,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { applyCrdDefaults } from './prune';
import {
  checkImmutability,
  checkObjectStoreRules,
  CnpgValidationIssue,
} from './rules';
import { CnpgCrdDefinition, findCnpgCrd, listCnpgCrds } from './schemas';

/** Result of validating one manifest against the upstream CRD schema and the CEL/webhook rules. @public */
export type CnpgValidationResult = {
  valid: boolean;
  /** One Kubernetes-style message per problem, e.g. `spec.method: Unsupported value: "x": supported values: ...`. */
  errors: string[];
  /** The same problems with their field path and cause type (used to build a Kubernetes `Status` with causes). */
  issues: CnpgValidationIssue[];
};

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function getValidator(crd: CnpgCrdDefinition): ValidateFunction {
  const key = `${crd.group}/${crd.version}/${crd.kind}`;
  let fn = compiled.get(key);
  if (!fn) {
    if (!ajv) {
      // strict: false because the schemas carry x-kubernetes-* keywords that are not JSON Schema.
      ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
      addFormats(ajv);
    }
    fn = ajv.compile(crd.openAPIV3Schema);
    compiled.set(key, fn);
  }
  return fn;
}

/** Converts an ajv JSON pointer to the Kubernetes field notation (`spec.plugins[0].name`). */
function toFieldPath(pointer: string, root: unknown): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  let cur: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(cur)) {
      out += `[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      out += out ? `.${seg}` : seg;
      cur = (cur as Record<string, unknown> | undefined)?.[seg];
    }
  }
  return out;
}

function valueAt(pointer: string, root: unknown): unknown {
  let cur: unknown = root;
  for (const seg of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[
      seg.replace(/~1/g, '/').replace(/~0/g, '~')
    ];
  }
  return cur;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function toIssue(err: ErrorObject, root: unknown): CnpgValidationIssue {
  const field = toFieldPath(err.instancePath, root) || '<root>';
  const value = valueAt(err.instancePath, root);
  const quoted = JSON.stringify(value) ?? 'null';
  switch (err.keyword) {
    case 'required': {
      const missing = (err.params as { missingProperty: string })
        .missingProperty;
      return required(field === '<root>' ? missing : `${field}.${missing}`);
    }
    case 'type': {
      const actual = jsonType(value);
      return {
        field,
        reason: 'FieldValueTypeInvalid',
        message: `${field}: Invalid value: "${actual}": ${field} in body must be of type ${
          (err.params as { type: string }).type
        }: "${actual}"`,
      };
    }
    case 'enum': {
      const allowed = (err.params as { allowedValues: unknown[] }).allowedValues
        .map(v => JSON.stringify(v))
        .join(', ');
      return {
        field,
        reason: 'FieldValueNotSupported',
        message: `${field}: Unsupported value: ${quoted}: supported values: ${allowed}`,
      };
    }
    case 'pattern':
      return invalid(
        field,
        value,
        `${field} in body should match '${
          (err.params as { pattern: string }).pattern
        }'`,
      );
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const p = err.params as { comparison: string; limit: number };
      const word = p.comparison.startsWith('>') ? 'greater than' : 'less than';
      const orEqual = p.comparison.endsWith('=') ? ' or equal to' : '';
      return invalid(
        field,
        value,
        `${field} in body should be ${word}${orEqual} ${p.limit}`,
      );
    }
    case 'format':
      return invalid(
        field,
        value,
        `${field} in body must be of type ${
          (err.params as { format: string }).format
        }: ${quoted}`,
      );
    default:
      return invalid(field, value, `${field} ${err.message ?? 'is invalid'}`);
  }
}

/** Drops the per-branch noise of `anyOf` (int-or-string fields) and keeps one message per branch group. */
function collapseErrors(errors: ErrorObject[]): ErrorObject[] {
  const anyOfSchemaPaths = errors
    .filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map(e => e.schemaPath);
  return errors.filter(
    e =>
      !anyOfSchemaPaths.some(
        p => e.schemaPath !== p && e.schemaPath.startsWith(`${p}/`),
      ),
  );
}

function checkMetadata(obj: Record<string, unknown>): CnpgValidationIssue[] {
  const issues: CnpgValidationIssue[] = [];
  const metadata = obj.metadata as Record<string, unknown> | undefined;
  const name = metadata?.name;
  if (name === undefined || name === '') {
    if (!metadata?.generateName) {
      issues.push(
        required('metadata.name', 'name or generateName is required'),
      );
    }
  } else if (typeof name !== 'string' || !isDns1123Subdomain(name)) {
    issues.push(
      invalid(
        'metadata.name',
        name,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      ),
    );
  }
  return issues;
}

function result(issues: CnpgValidationIssue[]): CnpgValidationResult {
  return {
    valid: issues.length === 0,
    errors: issues.map(i => i.message),
    issues,
  };
}

/**
 * Validates a CNPG manifest (Cluster, Backup, ScheduledBackup in postgresql.cnpg.io/v1, or ObjectStore in
 * barmancloud.cnpg.io/v1) the way a real cluster would on create:
 * - the upstream CRD `openAPIV3Schema` (ajv, after the API server's structural defaulting);
 * - the CEL rules that matter (ObjectStore `configuration.serverName` forbidden, no `--log-level` in
 *   `additionalContainerArgs`);
 * - CNPG's validating-webhook rules for Cluster (their one home is -common `checkCnpgWebhookRules`: one
 *   bootstrap method, recovery target rules, recovery source
 *   present in externalClusters, no duplicated plugins, at most one WAL archiver and not with the in-tree store);
 * - `metadata.name` present and a DNS-1123 subdomain.
 *
 * Unknown fields are NOT errors (the API server prunes them): call {@link pruneUnknownFields} to see what survives.
 * Never throws: any problem, including a non-object or an unsupported kind, is reported in `errors`.
 * @public
 */
export function validateCnpgResource(obj: unknown): CnpgValidationResult {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return result([
      invalid('<root>', jsonType(obj), 'a manifest must be a JSON/YAML object'),
    ]);
  }
  const o = obj as Record<string, unknown>;
  const crd = findCnpgCrd(o.apiVersion as string, o.kind as string);
  if (!crd) {
    const known = listCnpgCrds()
      .map(c => `${c.group}/${c.version} ${c.kind}`)
      .join(', ');
    return result([
      invalid(
        'kind',
        `${String(o.apiVersion)} ${String(o.kind)}`,
        `not a supported CNPG resource (supported: ${known})`,
      ),
    ]);
  }
  const defaulted = applyCrdDefaults(o);
  const validator = getValidator(crd);
  const issues: CnpgValidationIssue[] = [...checkMetadata(o)];
  if (!validator(defaulted)) {
    issues.push(
      ...collapseErrors(validator.errors ?? []).map(e => toIssue(e, defaulted)),
    );
  }
  if (crd.kind === 'ObjectStore')
    issues.push(...checkObjectStoreRules(defaulted));
  if (crd.kind === 'Cluster') issues.push(...checkCnpgWebhookRules(defaulted));
  return result(issues);
}

/**
 * Validates an update of `oldObj` to `newObj`: everything {@link validateCnpgResource} checks on `newObj`, plus
 * the update-only CEL rules (Backup `spec` is immutable; ScheduledBackup `spec.cluster` is immutable) and that
 * apiVersion, kind, name and namespace do not change.
 * @public
 */
export function validateCnpgUpdate(
  oldObj: unknown,
  newObj: unknown,
): CnpgValidationResult {
  const base = validateCnpgResource(newObj);
  if (
    typeof oldObj !== 'object' ||
    oldObj === null ||
    typeof newObj !== 'object' ||
    newObj === null
  ) {
    return base;
  }
  const o = applyCrdDefaults(oldObj as Record<string, unknown>);
  const n = applyCrdDefaults(newObj as Record<string, unknown>);
  const issues = [...base.issues];
  for (const key of ['apiVersion', 'kind'] as const) {
    if (o[key] !== n[key])
      issues.push(invalid(key, n[key], 'field is immutable'));
  }
  for (const key of ['name', 'namespace'] as const) {
    const ov = (o.metadata as Record<string, unknown> | undefined)?.[key];
    const nv = (n.metadata as Record<string, unknown> | undefined)?.[key];
    if (ov !== nv && nv !== undefined) {
      issues.push(invalid(`metadata.${key}`, nv, 'field is immutable'));
    }
  }
  issues.push(...checkImmutability(o, n));
  return result(issues);
}
