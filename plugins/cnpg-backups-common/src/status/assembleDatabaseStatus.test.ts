import {
  assembleDatabaseStatus,
  type DatabaseStatusInputs,
} from './assembleDatabaseStatus';
import { computeHealth } from './health';
import {
  backupCr,
  catalog,
  catalogBackup,
  NOW,
  objectStore,
  pluginCluster,
  scheduled,
} from '../testUtils';
import type { ArchiveTarget } from './types';

const archive = (serverName = 'orders'): ArchiveTarget => ({
  form: 'plugin',
  objectStoreName: 'minio-store',
  destinationPath: 's3://backups/cnpg',
  bucket: 'backups',
  prefix: 'cnpg',
  endpointURL: 'http://minio.minio.svc:9000',
  provider: 'minio',
  serverName,
  isWALArchiver: true,
  credentials: {},
  sidecarEnv: [],
});

const bucket = catalog('orders', [
  catalogBackup('20250609T020000', '2025-06-09T02:00:10Z'),
  catalogBackup('20250610T020000', '2025-06-10T02:00:10Z'),
]);

/** Another Cluster of the namespace writing to orders' folder (serverName orders). */
const copy = pluginCluster('orders-copy', {
  plugins: [
    {
      name: 'barman-cloud.cloudnative-pg.io',
      isWALArchiver: true,
      parameters: { barmanObjectName: 'minio-store', serverName: 'orders' },
    },
  ],
});

function inputs(
  overrides: Partial<DatabaseStatusInputs> = {},
): DatabaseStatusInputs {
  const cluster = pluginCluster('orders');
  return {
    now: NOW,
    kubernetesCluster: 'prod',
    cluster,
    archive: archive(),
    objectStore: objectStore(),
    objectStores: [objectStore()],
    backups: [
      backupCr('orders', '20250610T020000', 'completed'),
      backupCr('billing', '20250610T030000', 'completed'),
    ],
    scheduledBackups: [scheduled('orders'), scheduled('billing')],
    siblings: [cluster],
    catalog: bucket,
    ...overrides,
  };
}

const shared = (status: ReturnType<typeof assembleDatabaseStatus>) =>
  status.diagnoses.find(d => d.id === 'shared-server-name');

/** The health computeHealth gives for the status's own final facts. */
function healthOf(
  status: ReturnType<typeof assembleDatabaseStatus>,
  now = NOW,
) {
  return computeHealth({
    now,
    conditions: status.cluster.conditions,
    archive: status.archive,
    archiveDeclared: true,
    catalog: status.catalog,
    operatorLastSuccessfulBackup:
      status.recoveryWindow.operator?.lastSuccessfulBackupTime,
    schedules: status.schedules,
    diagnoses: status.diagnoses,
    errors: status.errors,
  });
}

describe('assembleDatabaseStatus', () => {
  it('assembles a healthy database: its own CRs only, display facts and the last backup', () => {
    const status = assembleDatabaseStatus(inputs());
    expect(status.id).toBe('prod/db/orders');
    expect(status.health.level).toBe('ok');
    expect(status.schedules.map(s => s.name)).toEqual(['orders-daily']);
    expect(status.backups.map(b => [b.id, b.presence])).toEqual([
      ['20250610T020000', 'both'],
      ['20250609T020000', 'bucket-only'],
    ]);
    expect(status.backups[0].display).toEqual({
      status: 'DONE',
      severity: 'ok',
      time: '2025-06-10T02:00:10Z',
    });
    expect(status.lastBackupId).toBe('20250610T020000');
    expect(status.actions).toEqual({ backupMethod: 'plugin' });
    expect(status.clusterSpec).toMatchObject({ instances: 3 });
  });

  it('decides health once: a database already in error that shares its folder gets the shared diagnosis and the health of all its diagnoses', () => {
    const failing = pluginCluster(
      'orders',
      {},
      {
        conditions: [
          {
            type: 'ContinuousArchiving',
            status: 'False',
            reason: 'ContinuousArchivingFailing',
            message: 'unexpected error: boto3 checksum',
          },
        ],
      },
    );
    const status = assembleDatabaseStatus(
      inputs({
        cluster: failing,
        siblings: [failing],
        otherWriters: [{ namespace: 'west/db', name: 'orders' }],
      }),
    );
    expect(shared(status)?.message).toBe(
      "Clusters db/orders, west/db/orders all archive to s3://backups/cnpg/orders: their WAL and backups collide, and retention of one deletes the other's.",
    );
    expect(status.health.level).toBe('error');
    // The one health of the final diagnoses: the most severe diagnosis is the summary.
    expect(status.health).toEqual(healthOf(status));
    // The patch-afterwards (markSharedArchivesAcrossDatabases) kept the earlier summary
    // ("Archiving failing: …") next to a new error diagnosis; decided once, the most severe
    // diagnosis says it, as for a folder shared within one namespace.
    expect(status.health.summary).toBe(shared(status)!.message);
    expect(status.health.summary).toBe(
      status.diagnoses.find(d => d.severity === 'error')!.message,
    );
  });

  it("prefers the namespace's own writers over the other databases of the response", () => {
    const cluster = pluginCluster('orders');
    const status = assembleDatabaseStatus(
      inputs({
        cluster,
        siblings: [cluster, copy],
        otherWriters: [{ namespace: 'west/db', name: 'orders' }],
      }),
    );
    expect(shared(status)?.message).toContain(
      'Clusters db/orders, db/orders-copy all archive',
    );
    expect(shared(status)?.message).not.toContain('west/db/orders');
  });

  it('uses the other databases of the response when the namespace shows no other writer', () => {
    const status = assembleDatabaseStatus(
      inputs({ otherWriters: [{ namespace: 'west/db', name: 'orders' }] }),
    );
    expect(shared(status)?.message).toContain(
      'Clusters db/orders, west/db/orders all archive',
    );
    expect(status.health.level).toBe('error');
    expect(status.health.summary).toBe(shared(status)!.message);
    const alone = assembleDatabaseStatus(inputs());
    expect(shared(alone)).toBeUndefined();
  });

  it('is pure: the same inputs give the same status, whatever the system clock says', () => {
    const first = JSON.stringify(assembleDatabaseStatus(inputs()));
    jest.useFakeTimers({ now: new Date('2031-02-03T04:05:06Z') });
    try {
      expect(JSON.stringify(assembleDatabaseStatus(inputs()))).toBe(first);
    } finally {
      jest.useRealTimers();
    }
  });

  it('judges the last backup against the injected now (swept over two days)', () => {
    // Newest DONE backup ended 2025-06-10T02:00:10Z; no schedule: a day expected, fresh for 2.
    const levels = [0, 12, 24, 47, 48, 49, 72].map(hours => {
      const now = new Date(Date.parse('2025-06-10T02:00:10Z') + hours * 3600e3);
      const status = assembleDatabaseStatus(
        inputs({ now, scheduledBackups: [] }),
      );
      return [hours, status.health.lastBackup.level];
    });
    expect(levels).toEqual([
      [0, 'ok'],
      [12, 'ok'],
      [24, 'ok'],
      [47, 'ok'],
      [48, 'ok'],
      [49, 'warning'],
      [72, 'warning'],
    ]);
  });

  it('drops duplicate errors once and keeps them as data', () => {
    const error = {
      source: 's3' as const,
      name: 'AccessDenied',
      message: 'no',
    };
    const status = assembleDatabaseStatus(inputs({ errors: [error, error] }));
    expect(status.errors).toEqual([error]);
    expect(status.health.level).toBe('warning');
  });
});
