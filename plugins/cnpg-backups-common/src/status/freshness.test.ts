import {
  expectedBackupIntervalSeconds,
  exposureBoundSeconds,
  FRESHNESS_FACTOR,
  isLastBackupFresh,
  isScheduleOverdue,
  isWithinRetention,
} from './freshness';
import type { ScheduleSummary } from './types';

const schedule = (
  lastScheduleTime: string,
  nextRun: string,
  extra: Partial<ScheduleSummary> = {},
): ScheduleSummary => ({
  name: 'daily',
  schedule: '0 0 2 * * *',
  fieldCount: 6,
  description: 'At 02:00',
  lastScheduleTime,
  nextRun,
  suspended: false,
  overdue: false,
  immediate: false,
  ...extra,
});

describe('freshness', () => {
  it('expects the shortest active interval, else a day; unparseable times are ignored', () => {
    const hourly = schedule('2025-06-10T11:00:00Z', '2025-06-10T12:00:00Z');
    const daily = schedule('2025-06-10T02:00:00Z', '2025-06-11T02:00:00Z');
    expect(expectedBackupIntervalSeconds([daily, hourly])).toBe(3600);
    expect(
      expectedBackupIntervalSeconds([{ ...hourly, suspended: true }, daily]),
    ).toBe(86400);
    expect(expectedBackupIntervalSeconds([])).toBe(86400);
    expect(
      expectedBackupIntervalSeconds([
        schedule('garbage', '2025-06-11T02:00:00Z'),
      ]),
    ).toBe(86400);
  });

  it('calls a last backup fresh up to FRESHNESS_FACTOR intervals, never under an hour', () => {
    const daily = [schedule('2025-06-10T02:00:00Z', '2025-06-11T02:00:00Z')];
    expect(FRESHNESS_FACTOR).toBe(2);
    expect(isLastBackupFresh({ ageSeconds: 2 * 86400, schedules: daily })).toBe(
      true,
    );
    expect(
      isLastBackupFresh({ ageSeconds: 2 * 86400 + 1, schedules: daily }),
    ).toBe(false);
    const everyMinute = [
      schedule('2025-06-10T02:00:00Z', '2025-06-10T02:01:00Z'),
    ];
    expect(
      isLastBackupFresh({ ageSeconds: 7200, schedules: everyMinute }),
    ).toBe(true);
    expect(
      isLastBackupFresh({ ageSeconds: 7201, schedules: everyMinute }),
    ).toBe(false);
  });

  it('sweeps a schedule past FRESHNESS_FACTOR intervals into overdue', () => {
    const reference = '2025-06-10T02:00:00Z';
    const overdueAt = (hours: number) =>
      isScheduleOverdue({
        now: new Date(Date.parse(reference) + hours * 3600e3),
        reference,
        intervalSeconds: 86400,
      });
    expect([0, 24, 48, 49].map(overdueAt)).toEqual([false, false, false, true]);
    expect(
      isScheduleOverdue({
        now: new Date(),
        reference: 'nope',
        intervalSeconds: 60,
      }),
    ).toBe(false);
  });

  it('keeps a backup within the retention window (7 days by default)', () => {
    const endTime = '2025-06-01T00:00:00Z';
    const at = (days: number) => new Date(Date.parse(endTime) + days * 86400e3);
    expect(isWithinRetention({ now: at(7), endTime })).toBe(true);
    expect(isWithinRetention({ now: at(7.01), endTime })).toBe(false);
    expect(
      isWithinRetention({ now: at(10), endTime, windowSeconds: 30 * 86400 }),
    ).toBe(true);
    expect(isWithinRetention({ now: at(1), endTime: undefined })).toBe(false);
  });

  it('bounds the exposure by 2x the scheduled interval (at least an hour), capped by the retention policy', () => {
    const daily = schedule('2025-06-10T02:00:00Z', '2025-06-11T02:00:00Z');
    const weekly = schedule('2025-06-03T02:00:00Z', '2025-06-10T02:00:00Z');
    const every5min = schedule('2025-06-10T11:00:00Z', '2025-06-10T11:05:00Z');
    const day = 86400;
    const cases: Array<
      [string, Parameters<typeof exposureBoundSeconds>[0], number | undefined]
    > = [
      [
        'daily, 14d retention',
        { schedules: [daily], retentionPolicy: '14d' },
        2 * day,
      ],
      ['daily, no retention', { schedules: [daily] }, 2 * day],
      [
        'weekly, 7d retention: the retention caps',
        { schedules: [weekly], retentionPolicy: '7d' },
        7 * day,
      ],
      [
        'weekly, 1w retention',
        { schedules: [weekly], retentionPolicy: '1w' },
        7 * day,
      ],
      [
        'weekly, 1m retention (31 days)',
        { schedules: [weekly], retentionPolicy: '1m' },
        14 * day,
      ],
      [
        'daily, 1d retention: the retention caps',
        { schedules: [daily], retentionPolicy: '1d' },
        day,
      ],
      ['every 5 min: judged hourly', { schedules: [every5min] }, 2 * 3600],
      [
        'shortest schedule wins',
        { schedules: [weekly, daily], retentionPolicy: '30d' },
        2 * day,
      ],
      [
        'no schedule, 30d retention',
        { schedules: [], retentionPolicy: '30d' },
        30 * day,
      ],
      [
        'suspended schedule, no retention',
        { schedules: [{ ...daily, suspended: true }] },
        undefined,
      ],
      [
        'invalid schedule, invalid retention',
        { schedules: [{ ...daily, error: 'bad' }], retentionPolicy: '14x' },
        undefined,
      ],
      [
        'never ran, zero retention',
        {
          schedules: [schedule('', '2025-06-11T02:00:00Z')],
          retentionPolicy: '0d',
        },
        undefined,
      ],
      ['nothing', { schedules: [] }, undefined],
    ];
    for (const [name, input, expected] of cases) {
      expect({ name, bound: exposureBoundSeconds(input) }).toEqual({
        name,
        bound: expected,
      });
    }
  });
});
