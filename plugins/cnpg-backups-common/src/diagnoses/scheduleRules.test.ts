import YAML from 'yaml';
import {
  cronFiveFieldsRule,
  noScheduledBackupRule,
  scheduleInvalidRule,
  scheduleOverdueRule,
  scheduleSuspendedRule,
} from './scheduleRules';
import { summarizeScheduledBackup } from '../schedule';
import { context, NOW, schedule } from './testContext';

describe('cronFiveFieldsRule', () => {
  it('says what "0 0 * * *" actually does and gives the 6-field fix', () => {
    const summary = summarizeScheduledBackup(
      { metadata: { name: 'nightly' }, spec: { schedule: '0 0 * * *' } },
      new Date(NOW),
    );
    const [d] = cronFiveFieldsRule(context({ schedules: [summary] }));
    expect(d).toMatchObject({ id: 'cron-five-fields', severity: 'warning' });
    expect(d.message).toMatch(/Every hour/i);
    expect(d.fix).toContain('"0 0 0 * * *"');
    expect(YAML.parse(d.fixSnippet!).spec.schedule).toBe('0 0 0 * * *');
  });
  it('does not fire for 6 fields or descriptors', () => {
    expect(cronFiveFieldsRule(context())).toEqual([]);
    expect(
      cronFiveFieldsRule(
        context({
          schedules: [schedule({ schedule: '@daily', fieldCount: 1 })],
        }),
      ),
    ).toEqual([]);
  });
});

describe('scheduleInvalidRule', () => {
  it('fires for an unparseable schedule', () => {
    const [d] = scheduleInvalidRule(
      context({
        schedules: [
          schedule({
            schedule: '0 0 *',
            fieldCount: 3,
            error: 'expected 5 to 6 fields',
          }),
        ],
      }),
    );
    expect(d).toMatchObject({ id: 'schedule-invalid', severity: 'error' });
  });
  it('does not fire for a valid one', () => {
    expect(scheduleInvalidRule(context())).toEqual([]);
  });
});

describe('scheduleSuspendedRule', () => {
  it('fires for a suspended schedule', () => {
    expect(
      scheduleSuspendedRule(
        context({ schedules: [schedule({ suspended: true })] }),
      )[0],
    ).toMatchObject({ id: 'schedule-suspended' });
  });
  it('does not fire otherwise', () => {
    expect(scheduleSuspendedRule(context())).toEqual([]);
  });
});

describe('scheduleOverdueRule', () => {
  it('fires for an overdue schedule', () => {
    const [d] = scheduleOverdueRule(
      context({
        schedules: [
          schedule({ overdue: true, lastScheduleTime: '2025-06-01T02:00:00Z' }),
        ],
      }),
    );
    expect(d).toMatchObject({ id: 'schedule-overdue', severity: 'warning' });
    expect(d.message).toContain('2025-06-01T02:00:00Z');
  });
  it('does not fire for on-time or suspended schedules', () => {
    expect(scheduleOverdueRule(context())).toEqual([]);
    expect(
      scheduleOverdueRule(
        context({ schedules: [schedule({ overdue: true, suspended: true })] }),
      ),
    ).toEqual([]);
  });
});

describe('noScheduledBackupRule', () => {
  it('fires without schedules and offers a plugin ScheduledBackup', () => {
    const [d] = noScheduledBackupRule(context({ schedules: [] }));
    const manifest = YAML.parse(d.fixSnippet!);
    expect(manifest).toMatchObject({
      kind: 'ScheduledBackup',
      spec: {
        schedule: '0 0 2 * * *',
        method: 'plugin',
        cluster: { name: 'orders' },
      },
    });
  });
  it('leaves a missing ScheduledBackup CRD to crd-not-installed', () => {
    expect(
      noScheduledBackupRule(
        context({
          schedules: [],
          missingCrds: ['scheduledbackups.postgresql.cnpg.io'],
        }),
      ),
    ).toEqual([]);
  });
  it('does not fire with a schedule or without archive', () => {
    expect(noScheduledBackupRule(context())).toEqual([]);
    expect(
      noScheduledBackupRule(context({ schedules: [], archive: undefined })),
    ).toEqual([]);
  });
});
