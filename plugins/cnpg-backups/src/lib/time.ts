import { DateTime, Duration } from 'luxon';

/**
 * Formats an ISO-8601 instant in the viewer's time zone, e.g. `2026-01-09 22:19:22 CET`.
 * Returns undefined for a missing or unparsable value.
 */
export function formatLocal(iso: string | undefined): string | undefined {
  const time = parse(iso);
  return time?.toLocal().toFormat('yyyy-MM-dd HH:mm:ss ZZZZ');
}

/** Local time to the minute, e.g. `2026-01-09 22:19`, for dense tables. */
export function formatLocalShort(iso: string | undefined): string | undefined {
  return parse(iso)?.toLocal().toFormat('yyyy-MM-dd HH:mm');
}

/** Formats an ISO-8601 instant in UTC, e.g. `2026-01-09 21:19:22 UTC`. */
export function formatUtc(iso: string | undefined): string | undefined {
  const time = parse(iso);
  return time?.toUTC().toFormat("yyyy-MM-dd HH:mm:ss 'UTC'");
}

/** Relative time from now, e.g. `3 hours ago` / `in 2 hours`. */
export function formatRelative(
  iso: string | undefined,
  now?: number,
): string | undefined {
  const time = parse(iso);
  if (!time) {
    return undefined;
  }
  const base = now !== undefined ? DateTime.fromMillis(now) : DateTime.now();
  // Seconds-level precision reads as noise on a card: anything under a minute is "just now".
  if (Math.abs(time.diff(base).as('seconds')) < 60) {
    return 'just now';
  }
  return time.toRelative({ base }) ?? undefined;
}

/** Duration between two instants, e.g. `4m 12s`, `2h 5m`, `3d 4h`. */
export function formatDuration(
  fromIso: string | undefined,
  toIso: string | undefined,
): string | undefined {
  const from = parse(fromIso);
  const to = parse(toIso);
  if (!from || !to) {
    return undefined;
  }
  return formatSeconds(to.diff(from).as('seconds'));
}

/** Human form of a number of seconds, two units at most. */
export function formatSeconds(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const parts = Duration.fromObject({ seconds })
    .shiftTo('days', 'hours', 'minutes', 'seconds')
    .toObject();
  const units: Array<[number | undefined, string]> = [
    [parts.days, 'd'],
    [parts.hours, 'h'],
    [parts.minutes, 'm'],
    [parts.seconds, 's'],
  ];
  const first = units.findIndex(([value]) => (value ?? 0) > 0);
  if (first < 0) {
    return '0s';
  }
  return units
    .slice(first, first + 2)
    .filter(([value]) => (value ?? 0) > 0)
    .map(([value, unit]) => `${value}${unit}`)
    .join(' ');
}

function parse(iso: string | undefined): DateTime | undefined {
  if (!iso) {
    return undefined;
  }
  const time = DateTime.fromISO(iso, { setZone: true });
  return time.isValid ? time : undefined;
}

/** Milliseconds since the epoch for an ISO instant, or undefined. */
export function toMillis(iso: string | undefined): number | undefined {
  return parse(iso)?.toMillis();
}
