/*
 * Rule primitives shared by both webhook-rule profiles (../webhookRules.ts).
 */
import type { CnpgValidationIssue } from '../validationIssue';

export type Json = Record<string, unknown>;
export type Issues = CnpgValidationIssue[];

export const BOOTSTRAP_METHODS = [
  'initdb',
  'recovery',
  'pg_basebackup',
] as const;
export const RECOVERY_TARGET_KINDS = [
  'targetTime',
  'targetLSN',
  'targetXID',
  'targetName',
  'targetImmediate',
] as const;
/** Target kinds CNPG can only resolve from a named base backup. */
export const BACKUP_ID_TARGET_KINDS: readonly string[] = [
  'targetName',
  'targetXID',
  'targetImmediate',
];
export const TARGET_TLI = /^(latest|[1-9]\d*)$/;
export const TARGET_BASE = 'spec.bootstrap.recovery.recoveryTarget';

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function has(obj: unknown, key: string): boolean {
  return isObject(obj) && obj[key] !== undefined && obj[key] !== null;
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function passes(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/** The bootstrap methods present (CNPG allows one at a time). */
export function bootstrapMethods(bootstrap: unknown): string[] {
  return BOOTSTRAP_METHODS.filter(m => has(bootstrap, m));
}

/** Indexes of the enabled WAL-archiver plugins (CNPG allows one). */
export function walArchiverIndexes(plugins: unknown[]): number[] {
  return plugins.flatMap((p, i) =>
    isObject(p) && p.isWALArchiver === true && p.enabled !== false ? [i] : [],
  );
}

export function needsBackupId(kinds: readonly string[]): string[] {
  return kinds.filter(k => BACKUP_ID_TARGET_KINDS.includes(k));
}
