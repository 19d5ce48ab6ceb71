/*
 * Input checks shared by the planner, the builder and the webhook rules. Every value that
 * ends up in a manifest is checked against a strict pattern: the YAML library already
 * quotes data safely, but a name with a newline, `: ` or `#` is never a legitimate
 * Kubernetes name or Barman path segment, so we refuse it with a named error.
 */
import {
  InvalidRecoveryInputError,
  InvalidRecoveryTargetError,
  RecoveryTimeWithoutZoneError,
} from './errors';
import { isDns1123Label, isDns1123Subdomain } from '../kubernetes/names';
import { isLsn, parseLsn } from '../catalog/lsn';

// The serverName rule has one home: archive/serverName.ts (re-exported here, public API).
export { assertServerName } from '../archive/serverName';

/** CNPG's limit on Cluster names (its resources append suffixes such as `-rw`, `-1`). @public */
export const CNPG_CLUSTER_NAME_MAX_LENGTH = 50;

// DNS-1035 label: CNPG creates Services named after the Cluster, and Service names must be
// DNS-1035 labels (start with a letter).
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const BACKUP_ID = /^\d{8}T\d{6}$/;
const XID = /^\d{1,10}$/;
const RESTORE_POINT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function describe(value: unknown): string {
  return JSON.stringify(value);
}

function requireString(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidRecoveryInputError(
      field,
      'a non-empty string is required',
    );
  }
  return value;
}

/**
 * Checks a CNPG Cluster name: DNS-1035 label, at most 50 characters.
 * @public
 */
export function assertClusterName(
  value: unknown,
  field = 'clusterName',
): string {
  const name = requireString(field, value);
  if (name.length > CNPG_CLUSTER_NAME_MAX_LENGTH) {
    throw new InvalidRecoveryInputError(
      field,
      `${describe(name)} is ${
        name.length
      } characters long; CNPG allows at most ${CNPG_CLUSTER_NAME_MAX_LENGTH}`,
    );
  }
  if (!DNS_1035_LABEL.test(name)) {
    throw new InvalidRecoveryInputError(
      field,
      `${describe(
        name,
      )} is not a DNS-1035 label (lower-case letters, digits and "-", starting with a letter, ending with a letter or digit)`,
    );
  }
  return name;
}

/** Checks a Kubernetes namespace (DNS-1123 label, at most 63 characters). @public */
export function assertNamespace(value: unknown, field = 'namespace'): string {
  const name = requireString(field, value);
  if (!isDns1123Label(name)) {
    throw new InvalidRecoveryInputError(
      field,
      `${describe(name)} is not a DNS-1123 label of at most 63 characters`,
    );
  }
  return name;
}

/** Checks a Kubernetes object name (DNS-1123 subdomain), e.g. an ObjectStore. @public */
export function assertObjectName(value: unknown, field: string): string {
  const name = requireString(field, value);
  if (!isDns1123Subdomain(name)) {
    throw new InvalidRecoveryInputError(
      field,
      `${describe(
        name,
      )} is not a DNS-1123 subdomain (lower-case letters, digits, "-" and ".")`,
    );
  }
  return name;
}

/** Checks a Barman backup id (`YYYYMMDDTHHMMSS`). @public */
export function assertBackupId(value: unknown, field = 'backupId'): string {
  const id = requireString(field, value);
  if (!BACKUP_ID.test(id)) {
    throw new InvalidRecoveryTargetError(
      `${field} ${describe(
        id,
      )} is not a Barman backup id (YYYYMMDDTHHMMSS, e.g. 20250601T020002)`,
    );
  }
  return id;
}

/**
 * Parses an LSN (`X/X`) to a bigint, by the one LSN rule (catalog/wal.ts `parseLsn`).
 * @throws InvalidRecoveryTargetError naming targetLSN
 * @public
 */
export function lsnToBigInt(value: string): bigint {
  if (!isLsn(value)) {
    throw new InvalidRecoveryTargetError(
      `targetLSN ${describe(
        value,
      )} is not a PostgreSQL LSN (two hex numbers separated by "/", e.g. 0/3000060)`,
    );
  }
  return parseLsn(value);
}

/** Checks and normalises an LSN to upper-case hex without leading zeros. @public */
export function normalizeTargetLsn(value: unknown): string {
  const text = requireString('targetLSN', value);
  const numeric = lsnToBigInt(text);
  return `${(numeric >> 32n).toString(16).toUpperCase()}/${(
    numeric & 0xffffffffn
  )
    .toString(16)
    .toUpperCase()}`;
}

/** Checks a transaction id (non-negative 32-bit integer, as a string). @public */
export function assertTargetXid(value: unknown): string {
  const text = requireString('targetXID', value);
  if (!XID.test(text) || Number(text) > 0xffffffff) {
    throw new InvalidRecoveryTargetError(
      `targetXID ${describe(text)} is not a non-negative 32-bit transaction id`,
    );
  }
  return String(Number(text));
}

/** Checks a restore point name (`pg_create_restore_point`), e.g. `barman_20250601T020002`. @public */
export function assertTargetName(value: unknown): string {
  const text = requireString('targetName', value);
  if (
    new TextEncoder().encode(text).length >= 64 ||
    !RESTORE_POINT_NAME.test(text)
  ) {
    throw new InvalidRecoveryTargetError(
      `targetName ${describe(
        text,
      )} is not a usable restore point name (under 64 bytes; letters, digits, "_", "." and "-")`,
    );
  }
  return text;
}

// `YYYY-MM-DD[T ]HH:MM:SS[.f{1,6}]` followed by an optional zone.
const TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A parsed, zone-qualified instant. @public */
export interface ParsedInstant {
  /** RFC 3339 in UTC, keeping up to microseconds: `2025-06-01T09:15:00.5Z`. */
  rfc3339: string;
  /** Milliseconds since the epoch (sub-millisecond digits are dropped here only). */
  epochMs: number;
}

/**
 * Parses a target time. Accepts RFC 3339 and PostgreSQL's `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM]`,
 * and REFUSES values without a zone (CNPG would silently read them as UTC).
 * @public
 */
export function parseTargetTime(value: unknown): ParsedInstant {
  const text = requireString('targetTime', value);
  const match = TIME.exec(text);
  if (!match) {
    if (/[\r\n]/.test(text)) {
      throw new InvalidRecoveryTargetError('targetTime must be a single line');
    }
    throw new InvalidRecoveryTargetError(
      `targetTime ${describe(
        text,
      )} is not a timestamp (use RFC 3339, e.g. 2025-06-01T09:15:00Z)`,
    );
  }
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  if (!zone) {
    throw new RecoveryTimeWithoutZoneError(text);
  }
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(
    Number,
  );
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new InvalidRecoveryTargetError(
      `targetTime ${describe(text)} is not a valid calendar time`,
    );
  }
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2));
    const zm = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (zh > 23 || zm > 59) {
      throw new InvalidRecoveryTargetError(
        `targetTime ${describe(text)} has an invalid zone offset`,
      );
    }
    offsetMinutes = sign * (zh * 60 + zm);
  }
  const epochSeconds = wall - offsetMinutes * 60_000;
  const utc = new Date(epochSeconds).toISOString().slice(0, 19);
  const frac = fraction ? fraction.replace(/0+$/, '') : '';
  const epochMs =
    epochSeconds + (fraction ? Number(`0.${fraction}`) * 1000 : 0);
  return { rfc3339: `${utc}${frac ? `.${frac}` : ''}Z`, epochMs };
}

/**
 * The form PostgreSQL's `recovery_target_time` reliably accepts: `YYYY-MM-DD HH:MM:SS[.ffffff]+00:00`.
 * PostgreSQL checks that setting at postmaster start, before time zone abbreviations are loaded,
 * so RFC 3339's `Z` is rejected there ("invalid value for parameter") while a numeric offset
 * works; CNPG converts the manifest's RFC 3339 value the same way before writing the setting.
 * @public
 */
export function toPostgresRecoveryTargetTime(value: string): string {
  const { rfc3339 } = parseTargetTime(value);
  return `${rfc3339.slice(0, -1).replace('T', ' ')}+00:00`;
}

/**
 * The warning for a recovery Cluster that reuses the source's name (shared by the planner and
 * the builder so the two never show it twice in different words).
 * @public
 */
export function sameNameWarning(name: string): string {
  return `The new Cluster has the source's name "${name}": kubectl create fails with AlreadyExists until the old Cluster and its PVCs are completely gone`;
}
