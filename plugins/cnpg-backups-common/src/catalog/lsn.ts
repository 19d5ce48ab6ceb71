/*
 * PostgreSQL LSNs (`X/X`, two 32-bit halves in hex) as text and as bigint. Parsing works on
 * char codes, like the WAL-name parser in ./wal, which builds on these.
 */
import { InvalidLsnError } from './errors';

/** @internal value of one hex digit, or -1. */
export function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 70) return code - 55; // A-F
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/** @internal The largest 64-bit LSN. */
export const MAX_LSN = (1n << 64n) - 1n;

/**
 * @internal Splits `X/X` into its two 32-bit halves, or returns undefined.
 */
function splitLsn(text: string): { hi: number; lo: number } | undefined {
  const slash = text.indexOf('/');
  if (slash < 1 || slash > 8) return undefined;
  const loLen = text.length - slash - 1;
  if (loLen < 1 || loLen > 8) return undefined;
  let hi = 0;
  for (let i = 0; i < slash; i++) {
    const d = hexDigit(text.charCodeAt(i));
    if (d < 0) return undefined;
    hi = hi * 16 + d;
  }
  let lo = 0;
  for (let i = slash + 1; i < text.length; i++) {
    const d = hexDigit(text.charCodeAt(i));
    if (d < 0) return undefined;
    lo = lo * 16 + d;
  }
  return { hi, lo };
}

/** Parses a PostgreSQL LSN (`16/B374D848`, case-insensitive) to a bigint. Throws `InvalidLsnError`. @public */
export function parseLsn(text: string): bigint {
  const parts = typeof text === 'string' ? splitLsn(text) : undefined;
  if (!parts) {
    throw new InvalidLsnError(
      `"${String(text).slice(
        0,
        64,
      )}" is not an LSN: expected X/X with 1-8 hex digits on each side`,
    );
  }
  return (BigInt(parts.hi) << 32n) | BigInt(parts.lo);
}

/** Whether `text` is an LSN in `X/X` form. @public */
export function isLsn(text: unknown): text is string {
  return typeof text === 'string' && splitLsn(text) !== undefined;
}

/** Formats a bigint LSN the way PostgreSQL prints it (`%X/%X`, upper case, no padding). @public */
export function formatLsn(value: bigint): string {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_LSN) {
    throw new InvalidLsnError(`${String(value)} is not a 64-bit unsigned LSN`);
  }
  const hi = value >> 32n;
  const lo = value & 0xffffffffn;
  return `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase()}`;
}

/** Upper-cases and strips leading zeros of an LSN (`0/0C000028` → `0/C000028`). @public */
export function normalizeLsn(text: string): string {
  return formatLsn(parseLsn(text));
}

/** Compares two LSNs numerically (negative, 0, positive). @public */
export function compareLsn(a: string, b: string): number {
  const x = parseLsn(a);
  const y = parseLsn(b);
  if (x < y) return -1;
  return x > y ? 1 : 0;
}
