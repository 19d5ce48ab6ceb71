/*
 * CNPG ScheduledBackup schedules, read the way the operator reads them.
 *
 * CNPG parses `spec.schedule` with robfig/cron v1 `cron.Parse`, which is SECONDS FIRST:
 *   5 fields = `sec min hour dom month`       (day-of-week optional, defaults to `*`)
 *   6 fields = `sec min hour dom month dow`
 *   descriptors: @yearly @annually @monthly @weekly @daily @midnight @hourly @every <Go duration>
 * A classic 5-field crontab such as `0 0 * * *` is therefore accepted but runs HOURLY at
 * minute 0 second 0, not daily at midnight. Everything here is pure (no clock reads: callers
 * pass `now`).
 */
import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';
import type { ScheduleSummary } from '../status/types';
import { isScheduleOverdue } from '../status/freshness';

/** Thrown for a schedule CNPG would reject. @public */
export class InvalidScheduleError extends Error {
  readonly schedule: string;
  constructor(schedule: string, message: string) {
    super(`Invalid schedule "${schedule}": ${message}`);
    this.name = 'InvalidScheduleError';
    this.schedule = schedule;
  }
}

/** A schedule normalised to CNPG's reading. @public */
export type ParsedCnpgSchedule =
  | {
      kind: 'cron';
      /** The expression as given. */
      schedule: string;
      /** Number of whitespace-separated fields given (5 or 6). */
      fieldCount: number;
      /** The equivalent 6-field, seconds-first expression. */
      sixFields: string;
      /** The descriptor (e.g. `@daily`) when one was used. */
      descriptor?: string;
    }
  | {
      kind: 'every';
      schedule: string;
      fieldCount: number;
      descriptor: string;
      /** Interval in seconds (robfig rounds below one second up to one second). */
      everySeconds: number;
    };

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

const GO_DURATION_UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/**
 * Parses a Go `time.ParseDuration` string (as `@every` takes) into seconds.
 * @public
 */
export function parseGoDuration(text: string): number {
  const input = text.trim();
  if (input === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let sign = 1;
  let body = input;
  if (body.startsWith('-') || body.startsWith('+')) {
    sign = body.startsWith('-') ? -1 : 1;
    body = body.slice(1);
  }
  if (body === '') throw new Error(`invalid duration "${text}"`);
  re.lastIndex = 0;
  for (let match = re.exec(body); match !== null; match = re.exec(body)) {
    total += parseFloat(match[1]) * GO_DURATION_UNITS[match[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== body.length) {
    throw new Error(
      `invalid duration "${text}" (expected e.g. 90s, 30m, 1h30m)`,
    );
  }
  return sign * total;
}

/**
 * Parses a ScheduledBackup `spec.schedule` exactly like robfig/cron v1 `cron.Parse`.
 * Throws {@link InvalidScheduleError} with a specific message.
 * @public
 */
export function parseCnpgSchedule(schedule: string): ParsedCnpgSchedule {
  if (typeof schedule !== 'string' || schedule.trim() === '') {
    throw new InvalidScheduleError(String(schedule), 'empty spec string');
  }
  const trimmed = schedule.trim();
  if (trimmed.startsWith('@')) {
    if (trimmed.startsWith('@every')) {
      const rest = trimmed.slice('@every'.length);
      if (!/^\s/.test(rest)) {
        throw new InvalidScheduleError(
          schedule,
          'unrecognized descriptor (did you mean "@every <duration>"?)',
        );
      }
      let seconds: number;
      try {
        seconds = parseGoDuration(rest);
      } catch (e) {
        throw new InvalidScheduleError(schedule, (e as Error).message);
      }
      if (seconds <= 0) {
        // robfig accepts non-positive durations and rounds them up to one second; CNPG would
        // then back up every second, which is never what anyone meant.
        throw new InvalidScheduleError(
          schedule,
          'the @every duration must be positive',
        );
      }
      return {
        kind: 'every',
        schedule,
        fieldCount: 1,
        descriptor: '@every',
        // robfig: "Delays of less than a second are not supported (will round up to 1 second)"
        // and sub-second parts are truncated.
        everySeconds: Math.max(1, Math.floor(seconds)),
      };
    }
    const sixFields = DESCRIPTORS[trimmed];
    if (!sixFields) {
      throw new InvalidScheduleError(
        schedule,
        `unrecognized descriptor "${trimmed}" (use @yearly, @monthly, @weekly, @daily, @hourly or @every <duration>)`,
      );
    }
    return {
      kind: 'cron',
      schedule,
      fieldCount: 1,
      sixFields,
      descriptor: trimmed,
    };
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length < 5 || fields.length > 6) {
    throw new InvalidScheduleError(
      schedule,
      `expected 5 to 6 fields (seconds first: sec min hour dom month [dow]), found ${fields.length}`,
    );
  }
  const six = fields.length === 5 ? [...fields, '*'] : fields;
  // robfig's day-of-week range is 0-6; cron-parser would silently accept 7 as Sunday.
  if (/(^|[,-])7(?=$|[,/-])/.test(six[5])) {
    throw new InvalidScheduleError(
      schedule,
      'day-of-week must be 0-6 (0 = Sunday); 7 is rejected by CNPG',
    );
  }
  const sixFields = six.join(' ');
  try {
    CronExpressionParser.parse(sixFields, {
      currentDate: new Date(0),
      tz: 'UTC',
    });
  } catch (e) {
    throw new InvalidScheduleError(schedule, (e as Error).message);
  }
  return { kind: 'cron', schedule, fieldCount: fields.length, sixFields };
}

/**
 * The next `count` run times after `after` (exclusive), in UTC, as the operator computes them.
 * @public
 */
export function nextCnpgRuns(
  parsed: ParsedCnpgSchedule,
  after: Date,
  count: number,
): Date[] {
  const runs: Date[] = [];
  if (parsed.kind === 'every') {
    // robfig: next = now + delay, truncated to whole seconds.
    let t = Math.floor(after.getTime() / 1000) * 1000;
    for (let i = 0; i < count; i++) {
      t += parsed.everySeconds * 1000;
      runs.push(new Date(t));
    }
    return runs;
  }
  const expr = CronExpressionParser.parse(parsed.sixFields, {
    currentDate: after,
    tz: 'UTC',
  });
  for (let i = 0; i < count; i++) {
    if (!expr.hasNext()) break;
    runs.push(expr.next().toDate());
  }
  return runs;
}

function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join(' ') || '0s';
}

/**
 * Describes, in words, what CNPG will actually do with the schedule (seconds-first reading).
 * @public
 */
export function describeCnpgSchedule(parsed: ParsedCnpgSchedule): string {
  if (parsed.kind === 'every') {
    return `Every ${formatDuration(parsed.everySeconds)}`;
  }
  const text = cronstrue.toString(parsed.sixFields, {
    use24HourTimeFormat: true,
    verbose: false,
  });
  return `${text} (UTC)`;
}

/**
 * The longest gap between consecutive runs over the next `sample` runs, in seconds: the
 * interval an operator should expect at worst.
 * @public
 */
export function expectedIntervalSeconds(
  parsed: ParsedCnpgSchedule,
  from: Date,
  sample = 8,
): number | undefined {
  if (parsed.kind === 'every') return parsed.everySeconds;
  const runs = nextCnpgRuns(parsed, from, sample);
  if (runs.length < 2) return undefined;
  let max = 0;
  for (let i = 1; i < runs.length; i++) {
    max = Math.max(max, (runs[i].getTime() - runs[i - 1].getTime()) / 1000);
  }
  return max;
}

/** Input for {@link summarizeScheduledBackup}: the fields of a ScheduledBackup CR. @public */
export interface ScheduledBackupLike {
  metadata: { name: string; creationTimestamp?: string };
  spec?: {
    schedule?: string;
    suspend?: boolean;
    immediate?: boolean;
    method?: string;
  };
  status?: { lastScheduleTime?: string; nextScheduleTime?: string };
}

/**
 * Explains a ScheduledBackup: CNPG's reading, next run, suspension, and overdue (the last run
 * is older than twice the expected interval; a never-run schedule is overdue once it has
 * existed that long).
 * @public
 */
export function summarizeScheduledBackup(
  scheduled: ScheduledBackupLike,
  now: Date,
): ScheduleSummary {
  const schedule = scheduled.spec?.schedule ?? '';
  const suspended = scheduled.spec?.suspend === true;
  const base: ScheduleSummary = {
    name: scheduled.metadata.name,
    schedule,
    fieldCount:
      schedule.trim() === '' ? 0 : schedule.trim().split(/\s+/).length,
    description: '',
    lastScheduleTime: scheduled.status?.lastScheduleTime,
    suspended,
    overdue: false,
    immediate: scheduled.spec?.immediate === true,
    method: scheduled.spec?.method,
  };
  let parsed: ParsedCnpgSchedule;
  try {
    parsed = parseCnpgSchedule(schedule);
  } catch (e) {
    return {
      ...base,
      description: 'Invalid schedule: CNPG will not run it',
      error: (e as Error).message,
    };
  }
  const description = describeCnpgSchedule(parsed);
  const nextRun = suspended ? undefined : nextCnpgRuns(parsed, now, 1)[0];
  const interval = expectedIntervalSeconds(parsed, now);
  const overdue =
    !suspended &&
    interval !== undefined &&
    isScheduleOverdue({
      now,
      reference:
        scheduled.status?.lastScheduleTime ??
        scheduled.metadata.creationTimestamp,
      intervalSeconds: interval,
    });
  return {
    ...base,
    fieldCount: parsed.fieldCount,
    description,
    nextRun: nextRun?.toISOString(),
    overdue,
  };
}
