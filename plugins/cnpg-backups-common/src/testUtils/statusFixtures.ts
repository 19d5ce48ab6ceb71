/*
 * Realistic CNPG objects and a Barman catalog for status tests, shared by -common's own tests and the
 * backend's service tests through the `testUtils` entry point.
 */
// Types through the package's main entry (a self-reference), so this entry point re-declares none of them.
import type {
  BarmanCatalog,
  CatalogBackup,
  CnpgBackup,
  CnpgCluster,
  CnpgObjectStore,
  CnpgScheduledBackup,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Test fixture `NOW`. @public */
export const NOW = new Date('2025-06-10T12:00:00Z');
/** Test fixture `SECRET_ACCESS_KEY`. @public */
export const SECRET_ACCESS_KEY = 'SUPER-SECRET-zq8JfX2-never-leaks';
/** Test fixture `ACCESS_KEY_ID`. @public */
export const ACCESS_KEY_ID = 'AKIA-DISTINCTIVE-4711';

/** Test fixture `pluginCluster`. @public */
export function pluginCluster(
  name: string,
  overrides: Partial<CnpgCluster['spec']> = {},
  status: CnpgCluster['status'] = {},
): CnpgCluster {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: {
      name,
      namespace: 'db',
      uid: `uid-${name}`,
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: { 'backstage.io/kubernetes-id': 'shop' },
    },
    spec: {
      instances: 3,
      plugins: [
        {
          name: 'barman-cloud.cloudnative-pg.io',
          isWALArchiver: true,
          parameters: { barmanObjectName: 'minio-store' },
        },
      ],
      ...overrides,
    },
    status: {
      phase: 'Cluster in healthy state',
      readyInstances: 3,
      currentPrimary: `${name}-1`,
      timelineID: 1,
      conditions: [
        {
          type: 'ContinuousArchiving',
          status: 'True',
          reason: 'ContinuousArchivingSuccess',
          message: 'Continuous archiving is working',
        },
        {
          type: 'LastBackupSucceeded',
          status: 'True',
          reason: 'LastBackupSucceeded',
          message: 'Backup was successful',
        },
      ],
      ...status,
    },
  };
}

/** Test fixture `objectStore`. @public */
export function objectStore(
  overrides: Partial<CnpgObjectStore> = {},
): CnpgObjectStore {
  return {
    metadata: { name: 'minio-store', namespace: 'db' },
    spec: {
      retentionPolicy: '7d',
      configuration: {
        destinationPath: 's3://backups/cnpg',
        endpointURL: 'http://minio.minio.svc:9000',
        s3Credentials: {
          accessKeyId: { name: 's3-creds', key: 'ACCESS_KEY_ID' },
          secretAccessKey: { name: 's3-creds', key: 'ACCESS_SECRET_KEY' },
        },
        wal: { compression: 'gzip' },
      },
    },
    status: {
      serverRecoveryWindow: {
        orders: {
          firstRecoverabilityPoint: '2025-06-09T02:00:10Z',
          lastSuccessfulBackupTime: '2025-06-10T02:00:10Z',
        },
        billing: {
          firstRecoverabilityPoint: '2025-06-09T03:00:10Z',
          lastSuccessfulBackupTime: '2025-06-10T03:00:10Z',
        },
      },
    },
    ...overrides,
  };
}

/** Test fixture `scheduled`. @public */
export function scheduled(
  cluster: string,
  schedule = '0 0 2 * * *',
): CnpgScheduledBackup {
  return {
    metadata: {
      name: `${cluster}-daily`,
      namespace: 'db',
      creationTimestamp: '2025-01-01T00:00:00Z',
    },
    spec: { cluster: { name: cluster }, schedule, method: 'plugin' },
    status: { lastScheduleTime: '2025-06-10T02:00:00Z' },
  };
}

/** Test fixture `backupCr`. @public */
export function backupCr(
  cluster: string,
  backupId: string | undefined,
  phase: string,
  extra: Partial<NonNullable<CnpgBackup['status']>> = {},
): CnpgBackup {
  return {
    metadata: {
      name: `${cluster}-${backupId ?? phase}`,
      namespace: 'db',
      creationTimestamp: '2025-06-10T02:00:00Z',
      labels: { 'cnpg.io/cluster': cluster },
    },
    spec: { cluster: { name: cluster }, method: 'plugin' },
    status: { phase, backupId, method: 'plugin', ...extra },
  };
}

/** Test fixture `catalogBackup`. @public */
export function catalogBackup(
  id: string,
  endTime: string,
  overrides: Partial<CatalogBackup> = {},
): CatalogBackup {
  return {
    id,
    status: 'DONE',
    beginTime: endTime,
    endTime,
    storedBytes: 1000,
    objectCount: 2,
    walSegmentSize: 16777216,
    restorable: true,
    ...overrides,
  };
}

/** Test fixture `catalog`. @public */
export function catalog(
  serverName: string,
  backups: CatalogBackup[],
  overrides: Partial<BarmanCatalog> = {},
): BarmanCatalog {
  const done = backups.filter(b => b.status === 'DONE');
  return {
    schemaVersion: 1,
    destination: 's3://backups/cnpg',
    serverName,
    backups,
    wal: {
      timelines: [
        {
          timeline: 1,
          firstSegment: '000000010000000000000001',
          lastSegment: '000000010000000000000020',
          segmentCount: 32,
          gaps: [],
          historyFile: true,
          partialSegments: [],
          lastModified: '2025-06-10T11:55:00Z',
        },
      ],
      compressions: ['gzip'],
      segmentSize: 16777216,
    },
    recoveryWindow: {
      firstRecoverabilityPoint: done[0]?.endTime,
      lastSuccessfulBackupTime: done[done.length - 1]?.endTime,
      lastRecoverableWal: '000000010000000000000020',
      lastRecoverablePoint: '2025-06-10T11:55:00Z',
      ranges: [],
    },
    diagnoses: [],
    scan: {
      complete: true,
      errors: [],
      requests: 4,
      durationMs: 5,
      scannedAt: NOW.toISOString(),
      walObjects: 32,
      incremental: false,
    },
    ...overrides,
  };
}
