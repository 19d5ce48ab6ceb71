import type {
  DatabaseStatus,
  ScheduleSummary,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { toDatabaseSnapshot } from './snapshot';

// Pinned: the snapshot's instant; nothing here reads the machine's clock.
const TAKEN_AT = new Date('2026-12-04T23:55:00Z');

const schedule = (
  lastScheduleTime: string,
  nextRun: string,
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
});

function status(options: {
  schedules: ScheduleSummary[];
  retentionPolicy?: string;
  archive?: boolean;
}): DatabaseStatus {
  return {
    id: 'prod/db/orders',
    cluster: {
      kubernetesCluster: 'prod',
      namespace: 'db',
      name: 'orders',
      conditions: [],
    },
    health: {
      level: 'ok',
      summary: 'fine',
      archiving: { level: 'ok', text: '' },
      lastBackup: { level: 'ok', text: '' },
      schedule: { level: 'ok', text: '' },
    },
    ...(options.archive === false
      ? {}
      : {
          archive: {
            form: 'plugin',
            destinationPath: 's3://bucket/x',
            bucket: 'bucket',
            prefix: 'x',
            provider: 'aws',
            serverName: 'orders',
            retentionPolicy: options.retentionPolicy,
            credentials: {},
            sidecarEnv: [],
          },
        }),
    recoverySources: [],
    recoveryWindow: {
      effective: {
        basis: 'bucket',
        from: '2026-11-20T00:00:00.000Z',
        to: '2026-12-04T23:50:00.000Z',
      },
      agreement: 'agree',
    },
    backups: [],
    schedules: options.schedules,
    lineage: [],
    diagnoses: [],
    errors: [],
    actions: {},
  } as DatabaseStatus;
}

describe('toDatabaseSnapshot: the exposure bound', () => {
  const daily = schedule('2026-12-04T02:00:00Z', '2026-12-05T02:00:00Z');
  const hourly = schedule('2026-12-04T23:00:00Z', '2026-12-05T00:00:00Z');

  it('is 2x the scheduled interval, capped by the retention policy, next to the exposure', () => {
    const cases: Array<
      [string, Parameters<typeof status>[0], number | undefined]
    > = [
      ['daily + 14d', { schedules: [daily], retentionPolicy: '14d' }, 172800],
      ['hourly, no retention', { schedules: [hourly] }, 7200],
      [
        'daily + 1d: retention caps',
        { schedules: [daily], retentionPolicy: '1d' },
        86400,
      ],
      [
        'no schedule + 30d',
        { schedules: [], retentionPolicy: '30d' },
        30 * 86400,
      ],
      ['neither', { schedules: [] }, undefined],
      [
        'no archive at all',
        { schedules: [daily], retentionPolicy: '14d', archive: false },
        undefined,
      ],
    ];
    for (const [name, input, bound] of cases) {
      const snapshot = toDatabaseSnapshot({
        status: status(input),
        takenAt: TAKEN_AT,
      });
      expect({
        name,
        bound: snapshot.expectedMaxExposureSeconds,
        exposure: snapshot.exposureSeconds,
      }).toEqual({
        name,
        bound,
        exposure: 300,
      });
      // Stored JSON carries no undefined key.
      expect('expectedMaxExposureSeconds' in snapshot).toBe(
        bound !== undefined,
      );
    }
  });
});
