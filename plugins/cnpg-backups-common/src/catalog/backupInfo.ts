/*
 * Reader for barman's `backup.info` (a FieldListFile: `key=value` lines, Python reprs for
 * some values). The archive is untrusted input: every defect becomes an
 * `InvalidBackupInfoError` naming the line and key, never a crash.
 */
import { InvalidBackupInfoError, InvalidPythonLiteralError } from './errors';
import { parsePythonLiteral, PythonValue } from './pythonLiteral';
import {
  DEFAULT_WAL_SEGMENT_SIZE,
  isLsn,
  isValidSegmentSize,
  isWalName,
  normalizeLsn,
} from './wal';

/** Largest backup.info accepted; real ones are 1-3 KiB. @public */
export const MAX_BACKUP_INFO_LENGTH = 1024 * 1024;

/** Statuses barman writes into backup.info. @public */
export type BackupInfoStatus =
  | 'EMPTY'
  | 'STARTED'
  | 'WAITING_FOR_WALS'
  | 'DONE'
  | 'SYNCING'
  | 'FAILED';

const STATUSES: ReadonlySet<string> = new Set([
  'EMPTY',
  'STARTED',
  'WAITING_FOR_WALS',
  'DONE',
  'SYNCING',
  'FAILED',
]);

/** One entry of `tablespaces`: barman's `(name, oid, location)` tuple. @public */
export interface BackupInfoTablespace {
  name: string;
  oid: number;
  location: string;
}

/**
 * A parsed backup.info. Fields are `null` when absent or `None`.
 * `server_name` and `compression` are deliberately not exposed as typed fields: barman
 * cloud writes `cloud`/`None` there, so they say nothing about the archive.
 * @public
 */
export interface BackupInfo {
  status: BackupInfoStatus;
  backupName: string | null;
  /** ISO-8601 UTC (millisecond precision, rounded up). */
  beginTime: string | null;
  endTime: string | null;
  /** Upper-case 24-hex WAL names. */
  beginWal: string | null;
  endWal: string | null;
  /** Normalised LSNs (`0/C000028`). */
  beginXlog: string | null;
  endXlog: string | null;
  beginOffset: number | null;
  endOffset: number | null;
  timeline: number | null;
  error: string | null;
  /** Bytes; 16 MiB when absent. */
  xlogSegmentSize: number;
  clusterSize: number | null;
  size: number | null;
  deduplicatedSize: number | null;
  /** PostgreSQL `server_version_num`, e.g. 170005. */
  version: number | null;
  /** PostgreSQL system identifier (a 64-bit number, kept as a string). */
  systemId: string | null;
  tablespaces: BackupInfoTablespace[] | null;
  backupLabel: string | null;
  copyStats: { [key: string]: PythonValue } | null;
  includedFiles: string[] | null;
  pgdata: string | null;
  mode: string | null;
  dataChecksums: string | null;
  parentBackupId: string | null;
  /** Every key as written (after trimming), `None` as null. Unknown keys are kept here. */
  raw: Record<string, string | null>;
  /** Non-fatal findings, e.g. a time without a UTC offset. */
  warnings: string[];
}

/**
 * Control characters (tab excepted): barman writes them escaped, so raw ones mean binary
 * content. (U+FFFD is allowed: Python's repr() prints it as is.)
 */
/* eslint-disable no-control-regex */
const BINARY_CHARACTER =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MAX_LINE_LENGTH = 256 * 1024;

// YYYY-MM-DD HH:MM:SS[.ffffff][±HH:MM[:SS[.ffffff]]]  (Python str(datetime)); 'T' accepted too.
const TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:(Z)|([+-])(\d{2}):?(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?$/;

/**
 * Converts a backup.info time to ISO-8601 UTC. Returns undefined when malformed.
 * Sub-millisecond digits round UP, so the result is never earlier than the real instant
 * (a recovery target at a backup's end time must not fall before consistency).
 * @internal
 */
export function parseBarmanTime(
  text: string,
): { iso: string; hadOffset: boolean } | undefined {
  const m = TIME_PATTERN.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om, os] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth || year < 1) return undefined;
  const micros = frac ? Number(frac.padEnd(6, '0')) : 0;
  let ms =
    Date.UTC(year, month - 1, day, hour, minute, second) +
    Math.ceil(micros / 1000);
  // Date.UTC maps years 0-99 to 1900-1999; fix it explicitly.
  if (year < 100) {
    const date = new Date(ms);
    date.setUTCFullYear(year);
    ms = date.getTime();
  }
  const hadOffset = Boolean(zulu || sign);
  if (sign) {
    const offHours = Number(oh);
    const offMinutes = Number(om);
    const offSeconds = os ? Number(os) : 0;
    if (offHours > 23 || offMinutes > 59 || offSeconds > 59) return undefined;
    const offset = (offHours * 3600 + offMinutes * 60 + offSeconds) * 1000;
    ms += sign === '+' ? -offset : offset;
  }
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return undefined;
  const iso = date.toISOString();
  // toISOString gives ±YYYYYY outside 0000-9999; such times are junk for a backup.
  if (!/^\d{4}-/.test(iso)) return undefined;
  return { iso, hadOffset };
}

interface FieldContext {
  line: number;
  key: string;
}

function fail(message: string, ctx: FieldContext): never {
  throw new InvalidBackupInfoError(message, { line: ctx.line, key: ctx.key });
}

function literal(value: string, ctx: FieldContext): PythonValue {
  try {
    return parsePythonLiteral(value);
  } catch (e) {
    if (e instanceof InvalidPythonLiteralError) {
      return fail(`malformed Python literal (${e.message})`, ctx);
    }
    throw e;
  }
}

function integer(
  value: string,
  ctx: FieldContext,
  limits: { min: number; max: number },
): number {
  if (!/^[-+]?\d{1,20}$/.test(value))
    fail(`expected an integer, got ${preview(value)}`, ctx);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < limits.min || n > limits.max) {
    fail(
      `integer ${preview(value)} is out of range ${limits.min}..${limits.max}`,
      ctx,
    );
  }
  return n;
}

function preview(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/** Strings barman writes with repr() start with a quote; plain str() values do not. */
function stringValue(value: string, ctx: FieldContext): string {
  if (value.startsWith("'") || value.startsWith('"')) {
    const parsed = literal(value, ctx);
    if (typeof parsed !== 'string') fail('expected a string', ctx);
    return parsed;
  }
  return value;
}

const INT_LIMIT = { min: 0, max: Number.MAX_SAFE_INTEGER };

/** The `key=value` lines of a file: value per key (`None` as null) and the line of each. */
interface FieldList {
  raw: Record<string, string | null>;
  lines: Record<string, number>;
}

/** Rejects a line that is too long or holds binary content. */
function checkLine(line: string, lineNo: number): void {
  if (line.length > MAX_LINE_LENGTH) {
    throw new InvalidBackupInfoError(
      `line is longer than ${MAX_LINE_LENGTH} characters`,
      {
        line: lineNo,
      },
    );
  }
  const control = BINARY_CHARACTER.exec(line);
  if (control) {
    throw new InvalidBackupInfoError(
      `binary content (character U+${control[0]
        .charCodeAt(0)
        .toString(16)
        .toUpperCase()
        .padStart(4, '0')})`,
      { line: lineNo },
    );
  }
}

/**
 * Splits the text into fields: the syntax layer (line limits, binary content, `key=value`,
 * valid and unique keys), before any value is interpreted.
 */
function readFieldList(text: string): FieldList {
  const raw: Record<string, string | null> = Object.create(null);
  const lines: Record<string, number> = Object.create(null);
  let lineNo = 0;
  let pos = 0;
  // A leading BOM is tolerated; other binary content is not.
  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(pos, end);
    pos = end + 1;
    checkLine(line, lineNo);
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) {
      throw new InvalidBackupInfoError(
        `expected key=value, got ${preview(trimmed)}`,
        {
          line: lineNo,
        },
      );
    }
    const key = trimmed.slice(0, eq).trim();
    const value = trimmed.slice(eq + 1).trim();
    if (!KEY_PATTERN.test(key)) {
      throw new InvalidBackupInfoError(`${preview(key)} is not a valid key`, {
        line: lineNo,
        key: key.slice(0, 60),
      });
    }
    if (key in raw) {
      throw new InvalidBackupInfoError(
        `duplicate key (first on line ${lines[key]})`,
        {
          line: lineNo,
          key,
        },
      );
    }
    raw[key] = value === 'None' ? null : value;
    lines[key] = lineNo;
  }
  return { raw, lines };
}

/**
 * Typed readers over a field list: each returns null for an absent or `None` field and
 * fails with the field's line and key when the value has the wrong type.
 */
class FieldReader {
  /** Non-fatal findings, e.g. a time without a UTC offset. */
  readonly warnings: string[] = [];

  constructor(private readonly fields: FieldList) {}

  ctx(key: string): FieldContext {
    return { line: this.fields.lines[key] ?? 0, key };
  }

  get(key: string): string | null {
    return key in this.fields.raw ? this.fields.raw[key] : null;
  }

  time(key: string): string | null {
    const v = this.get(key);
    if (v === null) return null;
    const parsed = parseBarmanTime(v);
    if (!parsed)
      fail(
        `expected a time like 2025-06-01 02:00:08.552103+00:00, got ${preview(
          v,
        )}`,
        this.ctx(key),
      );
    if (!parsed.hadOffset) {
      this.warnings.push(`${key} ${preview(v)} has no UTC offset; read as UTC`);
    }
    return parsed.iso;
  }

  wal(key: string): string | null {
    const v = this.get(key);
    if (v === null) return null;
    if (!isWalName(v))
      fail(`expected a 24-hex WAL name, got ${preview(v)}`, this.ctx(key));
    return v.toUpperCase();
  }

  lsn(key: string): string | null {
    const v = this.get(key);
    if (v === null) return null;
    if (!isLsn(v))
      fail(`expected an LSN like 0/C000028, got ${preview(v)}`, this.ctx(key));
    return normalizeLsn(v);
  }

  int(key: string, limits = INT_LIMIT): number | null {
    const v = this.get(key);
    return v === null ? null : integer(v, this.ctx(key), limits);
  }

  str(key: string): string | null {
    const v = this.get(key);
    return v === null ? null : stringValue(v, this.ctx(key));
  }
}

/** `status` is what makes a file a backup.info: missing means truncated. */
function readStatus(fields: FieldList, r: FieldReader): BackupInfoStatus {
  const statusText = r.get('status');
  if (statusText === null) {
    throw new InvalidBackupInfoError(
      'no status: the file is truncated or not a backup.info',
      'status' in fields.raw
        ? { line: fields.lines.status, key: 'status' }
        : {},
    );
  }
  if (!STATUSES.has(statusText)) {
    fail(`unknown status ${preview(statusText)}`, r.ctx('status'));
  }
  return statusText as BackupInfoStatus;
}

/** `xlog_segment_size`: a power of two from 1 MiB to 1 GiB, 16 MiB when absent. */
function readSegmentSize(r: FieldReader): number {
  const segmentSizeValue = r.int('xlog_segment_size');
  if (segmentSizeValue === null) return DEFAULT_WAL_SEGMENT_SIZE;
  if (!isValidSegmentSize(segmentSizeValue)) {
    fail(
      `${segmentSizeValue} is not a WAL segment size (a power of two from 1 MiB to 1 GiB)`,
      r.ctx('xlog_segment_size'),
    );
  }
  return segmentSizeValue;
}

function readSystemId(r: FieldReader): string | null {
  const systemId = r.get('systemid');
  if (systemId !== null && !/^\d{1,20}$/.test(systemId)) {
    fail(
      `expected a numeric system identifier, got ${preview(systemId)}`,
      r.ctx('systemid'),
    );
  }
  return systemId;
}

function readTablespaces(r: FieldReader): BackupInfoTablespace[] | null {
  const tablespacesText = r.get('tablespaces');
  if (tablespacesText === null) return null;
  const value = literal(tablespacesText, r.ctx('tablespaces'));
  if (!Array.isArray(value))
    fail('expected a list of (name, oid, location)', r.ctx('tablespaces'));
  return value.map(item => {
    if (
      !Array.isArray(item) ||
      item.length < 3 ||
      typeof item[0] !== 'string' ||
      typeof item[1] !== 'number' ||
      typeof item[2] !== 'string'
    ) {
      return fail(
        'expected a list of (name, oid, location)',
        r.ctx('tablespaces'),
      );
    }
    return { name: item[0], oid: item[1], location: item[2] };
  });
}

function readCopyStats(r: FieldReader): BackupInfo['copyStats'] {
  const copyStatsText = r.get('copy_stats');
  if (copyStatsText === null) return null;
  const value = literal(copyStatsText, r.ctx('copy_stats'));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('expected a dict', r.ctx('copy_stats'));
  }
  return value;
}

function readIncludedFiles(r: FieldReader): string[] | null {
  const includedText = r.get('included_files');
  if (includedText === null) return null;
  const value = literal(includedText, r.ctx('included_files'));
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) {
    fail('expected a list of paths', r.ctx('included_files'));
  }
  return value as string[];
}

/**
 * Parses the text of a backup.info file.
 * Throws `InvalidBackupInfoError` (with line and key) for anything malformed: binary junk,
 * NUL bytes, lines without `=`, keys that are not identifiers (`../x`, `a b`, non-ASCII),
 * duplicate keys, wrongly typed values (`timeline=abc`), out-of-range numbers, a missing
 * `status` (a truncated file), or a file over 1 MiB.
 * @public
 */
export function parseBackupInfo(text: string): BackupInfo {
  if (typeof text !== 'string') {
    throw new InvalidBackupInfoError('content is not text');
  }
  if (text.length > MAX_BACKUP_INFO_LENGTH) {
    throw new InvalidBackupInfoError(
      `file is ${text.length} characters, over the ${MAX_BACKUP_INFO_LENGTH} limit`,
    );
  }
  const fields = readFieldList(text);
  const r = new FieldReader(fields);
  // The fields are checked in this order, so a file with several defects always names
  // the same one.
  const status = readStatus(fields, r);
  const timeline = r.int('timeline', { min: 1, max: 0xffffffff });
  const xlogSegmentSize = readSegmentSize(r);
  const systemId = readSystemId(r);
  const tablespaces = readTablespaces(r);
  const copyStats = readCopyStats(r);
  const includedFiles = readIncludedFiles(r);
  const backupLabelText = r.get('backup_label');
  const backupLabel =
    backupLabelText === null
      ? null
      : stringValue(backupLabelText, r.ctx('backup_label'));

  return {
    status,
    backupName: r.str('backup_name'),
    beginTime: r.time('begin_time'),
    endTime: r.time('end_time'),
    beginWal: r.wal('begin_wal'),
    endWal: r.wal('end_wal'),
    beginXlog: r.lsn('begin_xlog'),
    endXlog: r.lsn('end_xlog'),
    beginOffset: r.int('begin_offset'),
    endOffset: r.int('end_offset'),
    timeline,
    error: r.str('error'),
    xlogSegmentSize,
    clusterSize: r.int('cluster_size'),
    size: r.int('size'),
    deduplicatedSize: r.int('deduplicated_size'),
    version: r.int('version', { min: 0, max: 99999999 }),
    systemId,
    tablespaces,
    backupLabel,
    copyStats,
    includedFiles,
    pgdata: r.str('pgdata'),
    mode: r.str('mode'),
    dataChecksums: r.str('data_checksums'),
    parentBackupId: r.str('parent_backup_id'),
    raw: { ...fields.raw },
    warnings: r.warnings,
  };
}
