/*
 * DEMO ONLY: the demo's single clock. `CNPG_DEMO_NOW` (an ISO-8601 instant) pins the instant the demo data is
 * dated against; the clock then advances in real time from there (an offset clock), so the simulated operator
 * and "Back up now" keep working. The backend's status computation uses the same clock in demo mode.
 */

/** The environment variable that pins the demo's "now". */
export const DEMO_NOW_ENV = 'CNPG_DEMO_NOW';

/** A clock: the current instant. */
export type DemoClock = () => Date;

/** `CNPG_DEMO_NOW` (or another "now" input) is not an ISO-8601 instant. */
export class InvalidDemoNowError extends Error {
  readonly name = 'InvalidDemoNowError';
  constructor(readonly value: string, reason: string) {
    super(
      `${DEMO_NOW_ENV}=${JSON.stringify(
        value,
      )} is not an ISO-8601 instant (${reason}); expected e.g. 2026-12-04T23:55:00Z or 2026-12-04T23:55:00+01:00`,
    );
  }
}

// Date and time, seconds optional, fraction optional, an explicit zone (Z or ±hh:mm) required: an instant,
// never a machine-local time.
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses a `CNPG_DEMO_NOW` value: undefined or empty → undefined (the real now); otherwise an ISO-8601 instant
 * with a zone, or {@link InvalidDemoNowError} naming the value.
 */
export function parseDemoNow(value: string | undefined): Date | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (text.length > 64)
    throw new InvalidDemoNowError(value.slice(0, 64), 'too long');
  const m = ISO_INSTANT.exec(text);
  if (!m)
    throw new InvalidDemoNowError(
      value,
      'the form is YYYY-MM-DDTHH:MM[:SS[.fff]] followed by Z or ±HH:MM',
    );
  const [, y, mo, d, h, mi, sec = '00', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    throw new InvalidDemoNowError(value, `there is no day ${y}-${mo}-${d}`);
  }
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59)
    throw new InvalidDemoNowError(value, 'the time of day is out of range');
  if (
    zone !== 'Z' &&
    (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)
  ) {
    throw new InvalidDemoNowError(value, 'the UTC offset is out of range');
  }
  const ms = Date.parse(text);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15)
    throw new InvalidDemoNowError(value, 'out of range');
  return new Date(ms);
}

/**
 * A clock that reads `start` now and advances with `wallClock` (default Date.now); without `start`, the real
 * clock.
 */
export function offsetClock(
  start: Date | undefined,
  wallClock: () => number = Date.now,
): DemoClock {
  if (!start) return () => new Date(wallClock());
  const startedAt = wallClock();
  const base = start.getTime();
  return () => new Date(base + (wallClock() - startedAt));
}
