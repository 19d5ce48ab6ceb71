import { computeHealth } from './health';
import { reconcileBackups } from './reconcileBackups';
import { reconcileRecoveryWindow } from './recoveryWindow';
import {
  backupCr,
  catalog,
  catalogBackup,
  objectStore,
  pluginCluster,
} from '../testUtils';
import type { ArchiveTarget, ScheduleSummary } from './types';

const archive = (form: 'plugin' | 'legacy' = 'plugin'): ArchiveTarget => ({
  form,
  objectStoreName: 'minio-store',
  destinationPath: 's3://backups/cnpg',
  bucket: 'backups',
  prefix: 'cnpg',
  provider: 'minio',
  serverName: 'orders',
  credentials: {},
  sidecarEnv: [],
});

const bucket = catalog('orders', [
  catalogBackup('20250609T020000', '2025-06-09T02:00:10.431Z'),
  catalogBackup('20250610T020000', '2025-06-10T02:00:10.120Z'),
]);

describe('reconcileRecoveryWindow', () => {
  it("agrees within the operator's second precision", () => {
    const w = reconcileRecoveryWindow({
      archive: archive(),
      cluster: pluginCluster('orders'),
      objectStore: objectStore(),
      catalog: bucket,
    });
    expect(w).toMatchObject({
      agreement: 'agree',
      effective: { basis: 'bucket' },
    });
    expect(w.explanation).toBeUndefined();
  });

  it('explains an operator first point older than the bucket (retention ran since)', () => {
    const store = objectStore();
    store.status!.serverRecoveryWindow!.orders.firstRecoverabilityPoint =
      '2025-06-02T02:00:10Z';
    const w = reconcileRecoveryWindow({
      archive: archive(),
      cluster: pluginCluster('orders'),
      objectStore: store,
      catalog: bucket,
    });
    expect(w.agreement).toBe('disagree');
    expect(w.explanation).toMatch(
      /retention deleted it since the last maintenance cycle/,
    );
    expect(w.explanation).toMatch(/serverRecoveryWindow\["orders"\]/);
  });

  it('explains a bucket backup the operator has not seen yet, and one the bucket lost', () => {
    const store = objectStore();
    store.status!.serverRecoveryWindow!.orders.lastSuccessfulBackupTime =
      '2025-06-09T02:00:10Z';
    expect(
      reconcileRecoveryWindow({
        archive: archive(),
        cluster: pluginCluster('orders'),
        objectStore: store,
        catalog: bucket,
      }).explanation,
    ).toMatch(/newer DONE backup/);
    store.status!.serverRecoveryWindow!.orders.lastSuccessfulBackupTime =
      '2025-06-11T02:00:10Z';
    expect(
      reconcileRecoveryWindow({
        archive: archive(),
        cluster: pluginCluster('orders'),
        objectStore: store,
        catalog: bucket,
      }).explanation,
    ).toMatch(/gone from the bucket/);
  });

  it('uses the deprecated Cluster status fields for the legacy form', () => {
    const cluster = pluginCluster(
      'orders',
      {},
      {
        firstRecoverabilityPoint: '2025-06-09T02:00:10Z',
        lastSuccessfulBackup: '2025-06-10T02:00:10Z',
      },
    );
    expect(
      reconcileRecoveryWindow({
        archive: archive('legacy'),
        cluster,
        catalog: bucket,
      }),
    ).toMatchObject({
      operator: { source: 'cluster-status' },
      agreement: 'agree',
    });
  });

  it('falls back to the operator view without a scan, and says why nothing agrees', () => {
    const w = reconcileRecoveryWindow({
      archive: archive(),
      cluster: pluginCluster('orders'),
      objectStore: objectStore(),
    });
    expect(w).toMatchObject({
      agreement: 'unknown',
      effective: { basis: 'operator', from: '2025-06-09T02:00:10Z' },
    });
    const noStatus = reconcileRecoveryWindow({
      archive: archive(),
      cluster: pluginCluster('orders'),
      objectStore: { ...objectStore(), status: {} },
      catalog: bucket,
    });
    expect(noStatus.explanation).toMatch(
      /has no status.serverRecoveryWindow\["orders"\]/,
    );
  });
});

describe('reconcileBackups', () => {
  it('flags a failed CR whose backup barman finished', () => {
    const [b] = reconcileBackups({
      backups: [backupCr('orders', '20250610T020000', 'failed')],
      catalog: catalog('orders', [
        catalogBackup('20250610T020000', '2025-06-10T02:00:10Z'),
      ]),
    });
    expect(b).toMatchObject({
      presence: 'both',
      note: expect.stringMatching(/failed but barman finished/),
    });
  });
  it('notes that nothing could be checked without a scan', () => {
    const [b] = reconcileBackups({
      backups: [backupCr('orders', '20250610T020000', 'completed')],
    });
    expect(b).toMatchObject({
      presence: 'cr-only',
      note: expect.stringMatching(/not scanned/),
    });
  });
});

describe('computeHealth', () => {
  const schedule: ScheduleSummary = {
    name: 's',
    schedule: '0 0 2 * * *',
    fieldCount: 6,
    description: 'At 02:00 (UTC)',
    nextRun: '2025-06-11T02:00:00Z',
    lastScheduleTime: '2025-06-10T02:00:00Z',
    suspended: false,
    overdue: false,
    immediate: false,
  };
  const base = {
    now: new Date('2025-06-10T12:00:00Z'),
    conditions: [
      {
        type: 'ContinuousArchiving',
        status: 'True' as const,
        message: 'Continuous archiving is working',
      },
    ],
    archive: archive(),
    archiveDeclared: true,
    catalog: bucket,
    schedules: [schedule],
    diagnoses: [],
    errors: [],
  };

  it('is ok when archiving works and the last backup is recent', () => {
    expect(computeHealth(base)).toMatchObject({
      level: 'ok',
      summary: 'Backups healthy',
      lastBackup: { ageSeconds: 35990 },
    });
  });

  it('reports failing archiving with the condition message', () => {
    const h = computeHealth({
      ...base,
      conditions: [
        {
          type: 'ContinuousArchiving',
          status: 'False',
          message: 'Expected empty archive',
        },
      ],
    });
    expect(h).toMatchObject({
      level: 'error',
      archiving: {
        level: 'error',
        text: 'Archiving failing: Expected empty archive',
      },
    });
  });

  it('does not call a running backup a failure', () => {
    const h = computeHealth({
      ...base,
      conditions: [
        ...base.conditions,
        {
          type: 'LastBackupSucceeded',
          status: 'False',
          reason: 'BackupStarted',
        },
      ],
    });
    expect(h.lastBackup.level).toBe('ok');
    expect(h.lastBackup.text).toMatch(/running now/);
  });

  it('warns on a real last-backup failure and on a stale backup', () => {
    expect(
      computeHealth({
        ...base,
        conditions: [
          ...base.conditions,
          {
            type: 'LastBackupSucceeded',
            status: 'False',
            reason: 'LastBackupFailed',
            message: 'boom',
          },
        ],
      }).lastBackup,
    ).toMatchObject({
      level: 'warning',
      text: expect.stringContaining('boom'),
    });
    expect(
      computeHealth({ ...base, now: new Date('2025-06-20T12:00:00Z') })
        .lastBackup.level,
    ).toBe('warning');
  });

  it('is an error without archiving and unknown when nothing could be read', () => {
    expect(
      computeHealth({ ...base, archiveDeclared: false }).archiving.level,
    ).toBe('error');
    expect(
      computeHealth({ ...base, catalog: undefined, conditions: [] }),
    ).toMatchObject({
      archiving: { level: 'unknown' },
      lastBackup: { level: 'unknown' },
    });
  });

  it('uses the top warning diagnosis as the summary when nothing is worse', () => {
    const h = computeHealth({
      ...base,
      diagnoses: [
        {
          id: 'legacy-barman-object-store',
          severity: 'warning',
          message: 'Deprecated in-tree Barman',
          evidence: [],
          fix: '',
        },
      ],
    });
    expect(h).toMatchObject({
      level: 'warning',
      summary: 'Deprecated in-tree Barman',
    });
  });

  it('uses the top error diagnosis as the summary', () => {
    const h = computeHealth({
      ...base,
      diagnoses: [
        {
          id: 'wal-gap',
          severity: 'error',
          message: 'WAL gap in orders',
          evidence: [],
          fix: '',
        },
      ],
    });
    expect(h).toMatchObject({ level: 'error', summary: 'WAL gap in orders' });
  });
});
