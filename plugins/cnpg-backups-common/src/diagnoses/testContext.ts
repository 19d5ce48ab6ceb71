/* Test helpers: a healthy baseline context to mutate per test. Not exported from the package. */
import type { BarmanCatalog } from '../catalog/types';
import { catalogBackup as backup } from '../testUtils/statusFixtures';
import type { ArchiveTarget, ScheduleSummary } from '../status/types';
import type { DatabaseDiagnosisContext } from './types';

export const NOW = '2025-06-10T12:00:00.000Z';

export function archiveTarget(
  overrides: Partial<ArchiveTarget> = {},
): ArchiveTarget {
  return {
    form: 'plugin',
    objectStoreName: 'minio-store',
    destinationPath: 's3://backups/cnpg',
    bucket: 'backups',
    prefix: 'cnpg',
    endpointURL: 'http://minio.minio.svc:9000',
    provider: 'minio',
    serverName: 'orders',
    isWALArchiver: true,
    retentionPolicy: '7d',
    credentials: {
      accessKeyId: { name: 's3-creds', key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: 's3-creds', key: 'ACCESS_SECRET_KEY' },
    },
    sidecarEnv: [],
    ...overrides,
  };
}

/** A DONE, restorable catalog backup (the package's `catalogBackup` test fixture). */
export { backup };

export function catalog(overrides: Partial<BarmanCatalog> = {}): BarmanCatalog {
  return {
    schemaVersion: 1,
    destination: 's3://backups/cnpg',
    serverName: 'orders',
    backups: [backup('20250610T020000', '2025-06-10T02:00:10.000Z')],
    wal: {
      timelines: [
        {
          timeline: 1,
          firstSegment: '000000010000000000000001',
          lastSegment: '000000010000000000000010',
          segmentCount: 16,
          gaps: [],
          historyFile: true,
          partialSegments: [],
          lastModified: '2025-06-10T11:59:00.000Z',
        },
      ],
      compressions: ['gzip'],
      segmentSize: 16777216,
    },
    recoveryWindow: { ranges: [] },
    diagnoses: [],
    scan: {
      complete: true,
      errors: [],
      requests: 3,
      durationMs: 10,
      scannedAt: NOW,
      walObjects: 16,
      incremental: false,
    },
    ...overrides,
  };
}

export function schedule(
  overrides: Partial<ScheduleSummary> = {},
): ScheduleSummary {
  return {
    name: 'orders-daily',
    schedule: '0 0 2 * * *',
    fieldCount: 6,
    description: 'At 02:00 (UTC)',
    nextRun: '2025-06-11T02:00:00.000Z',
    lastScheduleTime: '2025-06-10T02:00:00Z',
    suspended: false,
    overdue: false,
    immediate: false,
    method: 'plugin',
    ...overrides,
  };
}

export function context(
  overrides: Partial<DatabaseDiagnosisContext> = {},
): DatabaseDiagnosisContext {
  return {
    now: NOW,
    cluster: {
      kubernetesCluster: 'prod',
      namespace: 'db',
      name: 'orders',
      creationTimestamp: '2025-01-01T00:00:00Z',
      phase: 'Cluster in healthy state',
      conditions: [
        {
          type: 'ContinuousArchiving',
          status: 'True',
          reason: 'ContinuousArchivingSuccess',
          message: 'Continuous archiving is working',
        },
      ],
      envNames: [],
    },
    archive: archiveTarget(),
    pluginEntry: {
      enabled: true,
      isWALArchiver: true,
      objectStoreName: 'minio-store',
      serverName: 'orders',
    },
    legacyArchive: false,
    recoverySources: [],
    schedules: [schedule()],
    catalog: catalog(),
    missingCrds: [],
    objectStoreCrdHasSidecarEnv: true,
    sharedArchiveWriters: [],
    failedBackupErrors: [],
    ...overrides,
  };
}

export function failingArchiving(
  message: string,
): DatabaseDiagnosisContext['cluster']['conditions'] {
  return [
    {
      type: 'ContinuousArchiving',
      status: 'False',
      reason: 'ContinuousArchivingFailing',
      message,
    },
  ];
}
