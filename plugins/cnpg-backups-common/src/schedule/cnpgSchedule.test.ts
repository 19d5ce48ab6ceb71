import {
  InvalidScheduleError,
  describeCnpgSchedule,
  expectedIntervalSeconds,
  nextCnpgRuns,
  parseCnpgSchedule,
  parseGoDuration,
  summarizeScheduledBackup,
} from './cnpgSchedule';

const NOW = new Date('2025-06-01T10:30:15Z');

describe('parseCnpgSchedule (robfig/cron v1 seconds-first)', () => {
  it('reads 6 fields as sec min hour dom month dow', () => {
    const parsed = parseCnpgSchedule('0 0 2 * * *');
    expect(parsed).toMatchObject({
      kind: 'cron',
      fieldCount: 6,
      sixFields: '0 0 2 * * *',
    });
    expect(nextCnpgRuns(parsed, NOW, 2).map(d => d.toISOString())).toEqual([
      '2025-06-02T02:00:00.000Z',
      '2025-06-03T02:00:00.000Z',
    ]);
  });

  it('reads a classic 5-field crontab seconds-first: "0 0 * * *" runs hourly', () => {
    const parsed = parseCnpgSchedule('0 0 * * *');
    expect(parsed).toMatchObject({
      kind: 'cron',
      fieldCount: 5,
      sixFields: '0 0 * * * *',
    });
    expect(nextCnpgRuns(parsed, NOW, 2).map(d => d.toISOString())).toEqual([
      '2025-06-01T11:00:00.000Z',
      '2025-06-01T12:00:00.000Z',
    ]);
    expect(expectedIntervalSeconds(parsed, NOW)).toBe(3600);
    expect(describeCnpgSchedule(parsed)).toMatch(/every hour/i);
  });

  it('reads "30 2 * * *" as second 30 of minute 2 of every hour', () => {
    const runs = nextCnpgRuns(parseCnpgSchedule('30 2 * * *'), NOW, 1);
    expect(runs[0].toISOString()).toBe('2025-06-01T11:02:30.000Z');
  });

  it.each([
    ['@daily', '2025-06-02T00:00:00.000Z', 86400],
    ['@midnight', '2025-06-02T00:00:00.000Z', 86400],
    ['@hourly', '2025-06-01T11:00:00.000Z', 3600],
    ['@weekly', '2025-06-08T00:00:00.000Z', 7 * 86400],
  ])('accepts descriptor %s', (schedule, next, interval) => {
    const parsed = parseCnpgSchedule(schedule);
    expect(nextCnpgRuns(parsed, NOW, 1)[0].toISOString()).toBe(next);
    expect(expectedIntervalSeconds(parsed, NOW)).toBe(interval);
  });

  it('accepts @every with a Go duration', () => {
    const parsed = parseCnpgSchedule('@every 1h30m');
    expect(parsed).toMatchObject({ kind: 'every', everySeconds: 5400 });
    expect(nextCnpgRuns(parsed, NOW, 1)[0].toISOString()).toBe(
      '2025-06-01T12:00:15.000Z',
    );
    expect(describeCnpgSchedule(parsed)).toBe('Every 1h 30m');
  });

  it.each([
    ['', /empty/],
    ['0 0 *', /expected 5 to 6 fields.*found 3/],
    ['0 0 0 * * * *', /expected 5 to 6 fields.*found 7/],
    ['0 0 25 * * *', /23/],
    ['0 0 0 * * 7', /0-6/],
    ['@fortnightly', /unrecognized descriptor/],
    ['@every banana', /invalid duration/],
    ['@every 0s', /positive/],
  ])('rejects %j', (schedule, message) => {
    expect(() => parseCnpgSchedule(schedule)).toThrow(InvalidScheduleError);
    expect(() => parseCnpgSchedule(schedule)).toThrow(message);
  });

  it('allows a day-of-week step of 7', () => {
    expect(() => parseCnpgSchedule('0 0 0 * * */7')).not.toThrow();
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['90s', 90],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['500ms', 0.5],
  ])('%s = %d s', (text, seconds) => {
    expect(parseGoDuration(text)).toBeCloseTo(seconds);
  });
  it('rejects text without a unit', () => {
    expect(() => parseGoDuration('10')).toThrow(/invalid duration/);
  });
});

describe('summarizeScheduledBackup', () => {
  const scheduled = (
    spec: object,
    status?: object,
    creationTimestamp?: string,
  ) => ({
    metadata: { name: 'nightly', creationTimestamp },
    spec: { schedule: '0 0 2 * * *', ...spec },
    status,
  });

  it('explains a healthy 6-field schedule', () => {
    const summary = summarizeScheduledBackup(
      scheduled(
        { method: 'plugin' },
        { lastScheduleTime: '2025-06-01T02:00:00Z' },
      ),
      NOW,
    );
    expect(summary).toMatchObject({
      name: 'nightly',
      fieldCount: 6,
      nextRun: '2025-06-02T02:00:00.000Z',
      suspended: false,
      overdue: false,
      method: 'plugin',
    });
    expect(summary.description).toMatch(/02:00/);
    expect(summary.error).toBeUndefined();
  });

  it('flags overdue when the last run is older than twice the interval', () => {
    const summary = summarizeScheduledBackup(
      scheduled({}, { lastScheduleTime: '2025-05-29T02:00:00Z' }),
      NOW,
    );
    expect(summary.overdue).toBe(true);
  });

  it('is not overdue within twice the interval', () => {
    const summary = summarizeScheduledBackup(
      scheduled({}, { lastScheduleTime: '2025-05-30T11:00:00Z' }),
      NOW,
    );
    expect(summary.overdue).toBe(false);
  });

  it('flags a never-run schedule as overdue once it is old enough', () => {
    expect(
      summarizeScheduledBackup(
        scheduled({}, undefined, '2025-05-01T00:00:00Z'),
        NOW,
      ).overdue,
    ).toBe(true);
    expect(
      summarizeScheduledBackup(
        scheduled({}, undefined, '2025-06-01T00:00:00Z'),
        NOW,
      ).overdue,
    ).toBe(false);
  });

  it('never flags a suspended schedule as overdue and gives no next run', () => {
    const summary = summarizeScheduledBackup(
      scheduled(
        { suspend: true },
        { lastScheduleTime: '2025-01-01T00:00:00Z' },
      ),
      NOW,
    );
    expect(summary).toMatchObject({
      suspended: true,
      overdue: false,
      nextRun: undefined,
    });
  });

  it('reports an invalid schedule as an error', () => {
    const summary = summarizeScheduledBackup(
      scheduled({ schedule: '0 0 *' }),
      NOW,
    );
    expect(summary.error).toMatch(/expected 5 to 6 fields/);
    expect(summary.nextRun).toBeUndefined();
    expect(summary.fieldCount).toBe(3);
  });
});
