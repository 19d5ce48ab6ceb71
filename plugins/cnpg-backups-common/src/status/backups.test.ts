import { backupDisplay, backupTime, lastBackup } from './backups';
import type { ReconciledBackup } from './types';
import { catalogBackup } from '../testUtils';

const cr = (
  phase: string | undefined,
  extra: Partial<NonNullable<ReconciledBackup['resource']>> = {},
): ReconciledBackup => ({
  id: extra.backupId ?? `b-${phase}`,
  presence: 'cr-only',
  resource: { name: `b-${phase}`, phase, ...extra },
});

describe('backup display', () => {
  it('takes the severity from the bucket first, else the CR phase', () => {
    const done = catalogBackup('20250610T020000', '2025-06-10T02:00:10Z');
    const cases: Array<[ReconciledBackup, string, string]> = [
      [{ id: 'a', presence: 'bucket-only', bucket: done }, 'DONE', 'ok'],
      [
        {
          id: 'a',
          presence: 'bucket-only',
          bucket: { ...done, status: 'FAILED' },
        },
        'FAILED',
        'error',
      ],
      [
        {
          id: 'a',
          presence: 'bucket-only',
          bucket: { ...done, status: 'STARTED' },
        },
        'STARTED',
        'running',
      ],
      [
        {
          id: 'a',
          presence: 'bucket-only',
          bucket: { ...done, status: 'INCOMPLETE' },
        },
        'INCOMPLETE',
        'unknown',
      ],
      // The bucket is the truth: a failed CR whose backup barman finished is ok.
      [{ ...cr('failed'), presence: 'both', bucket: done }, 'DONE', 'ok'],
      [cr('completed'), 'CR completed', 'ok'],
      [cr('failed'), 'CR failed', 'error'],
      [cr('finalizing'), 'CR finalizing', 'running'],
      [cr('Running'), 'CR Running', 'running'],
      [cr(undefined), 'unknown', 'running'],
      [cr('walArchivingFailing'), 'CR walArchivingFailing', 'unknown'],
    ];
    for (const [backup, status, severity] of cases) {
      expect([
        backupDisplay(backup).status,
        backupDisplay(backup).severity,
      ]).toEqual([status, severity]);
    }
  });

  it('dates a backup by the one chain, the id time before the CR creation', () => {
    expect(
      backupTime(
        cr('started', {
          backupId: '20250610T020000',
          creationTimestamp: '2025-06-10T01:59:00Z',
        }),
      ),
    ).toBe('2025-06-10T02:00:00Z');
    expect(
      backupTime(cr('pending', { creationTimestamp: '2025-06-10T01:59:00Z' })),
    ).toBe('2025-06-10T01:59:00Z');
    expect(
      backupTime(
        cr('running', {
          startedAt: '2025-06-10T02:00:03Z',
          backupId: '20250610T020000',
        }),
      ),
    ).toBe('2025-06-10T02:00:03Z');
    expect(backupTime(cr(undefined))).toBeUndefined();
  });

  it('shows the newest DONE backup as the last one, else the newest of any kind', () => {
    const older = {
      id: '20250609T020000',
      presence: 'bucket-only' as const,
      bucket: catalogBackup('20250609T020000', '2025-06-09T02:00:10Z'),
    };
    const failedNewer = {
      id: '20250610T020000',
      presence: 'bucket-only' as const,
      bucket: {
        ...catalogBackup('20250610T020000', '2025-06-10T02:00:10Z'),
        status: 'FAILED' as const,
      },
    };
    expect(lastBackup([failedNewer, older])?.id).toBe('20250609T020000');
    expect(
      lastBackup([
        failedNewer,
        cr('pending', { creationTimestamp: '2025-06-11T00:00:00Z' }),
      ])?.id,
    ).toBe('b-pending');
    expect(lastBackup([])).toBeUndefined();
  });
});
