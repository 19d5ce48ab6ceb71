import {
  formatDuration,
  formatLocal,
  formatRelative,
  formatSeconds,
  formatUtc,
  toMillis,
} from './time';

describe('time formatting', () => {
  it('formats UTC with an explicit zone label', () => {
    expect(formatUtc('2026-01-09T21:19:22.861Z')).toBe(
      '2026-01-09 21:19:22 UTC',
    );
    expect(formatUtc('2026-01-09T22:19:22+01:00')).toBe(
      '2026-01-09 21:19:22 UTC',
    );
  });

  it('formats local time in the process zone', () => {
    // Jest runs with TZ unset (UTC on CI); the zone abbreviation is always appended.
    expect(formatLocal('2026-01-09T21:19:22Z')).toMatch(
      /^2026-01-0\d \d\d:19:22 \S+/,
    );
  });

  it('returns undefined for missing or invalid instants', () => {
    expect(formatLocal(undefined)).toBeUndefined();
    expect(formatUtc('not a date')).toBeUndefined();
    expect(formatRelative('')).toBeUndefined();
    expect(toMillis('garbage')).toBeUndefined();
  });

  it('describes relative times', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(formatRelative('2026-01-10T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelative('2026-01-10T14:00:00Z', now)).toBe('in 2 hours');
    expect(formatRelative('2026-01-10T11:59:30Z', now)).toBe('just now');
  });

  it('formats durations with at most two units', () => {
    expect(formatDuration('2026-01-10T09:00:00Z', '2026-01-10T09:04:12Z')).toBe(
      '4m 12s',
    );
    expect(formatSeconds(2 * 3600 + 5 * 60 + 7)).toBe('2h 5m');
    expect(formatSeconds(3 * 86400 + 4 * 3600)).toBe('3d 4h');
    expect(formatSeconds(0)).toBe('0s');
    expect(formatSeconds(3600)).toBe('1h');
    expect(formatDuration(undefined, '2026-01-10T09:00:00Z')).toBeUndefined();
  });
});
