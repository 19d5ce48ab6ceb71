/*
 * Shared parts of the recovery-only Cluster rules: the allow-lists, the violation list, archive-folder
 * comparison.
 */
import { BARMAN_CLOUD_PLUGIN_NAME } from '../../archive/names';
import { withoutTrailingSlashes } from '../../archive/destination';
import type { ArchiveFolderRef, RecoveryRequestViolation } from './types';

export type Json = Record<string, any>;

/** Spec fields a recovery manifest copies from the source (the backend's clusterSpec). @public */
export const RECOVERY_COPIED_SPEC_FIELDS = [
  'instances',
  'imageName',
  'imageCatalogRef',
  'storage',
  'walStorage',
  'postgresql',
  'resources',
  'affinity',
  'plugins',
  'backup',
  'primaryUpdateStrategy',
  'enableSuperuserAccess',
  'monitoring',
] as const;

/** Copied fields that decide what runs: they must equal the source's when it is known. */
export const MUST_MATCH_SOURCE = [
  'imageName',
  'imageCatalogRef',
  'postgresql',
  'enableSuperuserAccess',
  'monitoring',
];

export const ALLOWED_SPEC_FIELDS = new Set<string>([
  ...RECOVERY_COPIED_SPEC_FIELDS,
  'bootstrap',
  'externalClusters',
]);
export const ALLOWED_METADATA_FIELDS = new Set([
  'name',
  'namespace',
  'annotations',
]);
/** The annotations buildRecoveryManifests writes. */
export const ALLOWED_ANNOTATIONS = new Set([
  'cnpg-backups.io/recovered-from',
  'cnpg-backups.io/recovery-target',
]);
export const ALLOWED_RECOVERY_FIELDS = new Set([
  'source',
  'recoveryTarget',
  'database',
  'owner',
  'secret',
]);
export const ALLOWED_RECOVERY_TARGET_FIELDS = new Set([
  'backupID',
  'targetTime',
  'targetLSN',
  'targetName',
  'targetXID',
  'targetImmediate',
  'exclusive',
]);
export const SKIP_WAL_CHECK_ANNOTATION = 'cnpg.io/skipEmptyWalArchiveCheck';

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The violations found so far, in order. */
export class ViolationList {
  readonly violations: RecoveryRequestViolation[] = [];

  add(violation: RecoveryRequestViolation): void {
    this.violations.push(violation);
  }

  forbid(path: string, why: string): void {
    this.add({
      code: 'ForbiddenField',
      path,
      message: `${path} is not allowed in a recovery Cluster: ${why}`,
    });
  }
}

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map(k => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function normalizeDestination(path: string): string {
  return withoutTrailingSlashes(path);
}

/** Where a folder is, as a comparable key; undefined when unknown. */
export function destinationOf(
  ref: ArchiveFolderRef,
  objectStores: Record<string, string> | undefined,
): string | undefined {
  if (ref.destinationPath) return normalizeDestination(ref.destinationPath);
  if (ref.objectStoreName && objectStores?.[ref.objectStoreName]) {
    return normalizeDestination(objectStores[ref.objectStoreName]);
  }
  return ref.objectStoreName ? `objectstore:${ref.objectStoreName}` : undefined;
}

export function sameFolder(
  a: ArchiveFolderRef,
  b: ArchiveFolderRef,
  objectStores: Record<string, string> | undefined,
): boolean {
  if (a.serverName !== b.serverName) return false;
  const da = destinationOf(a, objectStores);
  const db = destinationOf(b, objectStores);
  return da !== undefined && da === db;
}

/** The barman-cloud entries of spec.plugins that are enabled (the last one wins). */
export function barmanPluginEntries(spec: Json): Json[] {
  const plugins: unknown[] = Array.isArray(spec.plugins) ? spec.plugins : [];
  return plugins.filter(
    (p): p is Json => isObject(p) && p.name === BARMAN_CLOUD_PLUGIN_NAME,
  );
}
