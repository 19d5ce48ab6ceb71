/*
 * Test fixtures: source Clusters in both archive forms and a catalog with a WAL gap.
 */
import type { BarmanCatalog, CatalogBackup } from '../../catalog/types';
import type { DatabaseStatus } from '../../status/types';
import type { SourceCluster } from '../types';

/** A plugin-form source (seed 002 style), with extras that must be copied or dropped. */
export const pluginSource: SourceCluster = {
  name: 'postgres-cluster',
  namespace: 'postgres',
  spec: {
    instances: 3,
    imageName: 'ghcr.io/cloudnative-pg/postgresql:17.2',
    postgresql: { parameters: { max_connections: '200', timezone: 'UTC' } },
    resources: { requests: { cpu: '500m', memory: '1Gi' } },
    affinity: {
      enablePodAntiAffinity: true,
      topologyKey: 'kubernetes.io/hostname',
    },
    storage: { size: '10Gi', storageClass: 'hcloud-volumes' },
    walStorage: { size: '2Gi', storageClass: 'hcloud-volumes' },
    bootstrap: {
      initdb: {
        database: 'awx',
        owner: 'awx',
        secret: { name: 'postgres-awx-owner' },
      },
    },
    managed: {
      roles: [
        {
          name: 'awx',
          ensure: 'present',
          login: true,
          passwordSecret: { name: 'postgres-awx-owner' },
        },
      ],
    },
    plugins: [
      {
        name: 'barman-cloud.cloudnative-pg.io',
        isWALArchiver: true,
        parameters: { barmanObjectName: 'hetzner-s3-store' },
      },
    ],
  },
};

/** A legacy-form source (seed 004 style: immich, versioned serverName). */
export const legacySource: SourceCluster = {
  name: 'immich-database',
  namespace: 'cloudnative-pg',
  spec: {
    instances: 1,
    imageName: 'ghcr.io/tensorchord/cloudnative-vectorchord:16-0.3.0',
    postgresql: { shared_preload_libraries: ['vchord.so'] },
    storage: { size: '8Gi' },
    bootstrap: { initdb: { database: 'immich', owner: 'immich' } },
    backup: {
      retentionPolicy: '30d',
      barmanObjectStore: {
        destinationPath: 's3://postgres-backups/cnpg/immich',
        endpointURL: 'http://minio.storage:9000',
        serverName: 'immich-database-v1',
        s3Credentials: {
          accessKeyId: {
            name: 'cnpg-s3-credentials',
            key: 'AWS_ACCESS_KEY_ID',
          },
          secretAccessKey: {
            name: 'cnpg-s3-credentials',
            key: 'AWS_SECRET_ACCESS_KEY',
          },
        },
        wal: { compression: 'gzip' },
        data: { compression: 'gzip' },
      },
    },
  },
};

export function backup(
  id: string,
  overrides: Partial<CatalogBackup> = {},
): CatalogBackup {
  return {
    id,
    status: 'DONE',
    storedBytes: 1000,
    objectCount: 2,
    walSegmentSize: 16777216,
    restorable: true,
    timeline: 1,
    ...overrides,
  };
}

/**
 * Two backups on timeline 1, WAL 01..0F archived, with a gap 08..09: so two ranges,
 * [b1.end, WAL 07] and [b2.end, WAL 0F].
 */
export function catalogWithGap(): BarmanCatalog {
  return {
    schemaVersion: 1,
    destination: 's3://pg-backups/cnpg',
    serverName: 'orders-db',
    backups: [
      backup('20250601T020000', {
        beginTime: '2025-06-01T02:00:00Z',
        endTime: '2025-06-01T02:00:10Z',
        beginWal: '000000010000000000000002',
        endWal: '000000010000000000000002',
        beginLsn: '0/2000028',
        endLsn: '0/2000138',
      }),
      backup('20250601T030000', {
        status: 'FAILED',
        beginTime: '2025-06-01T03:00:00Z',
        error: 'failure uploading data (boom)',
      }),
      backup('20250602T020000', {
        beginTime: '2025-06-02T02:00:00Z',
        endTime: '2025-06-02T02:00:10Z',
        beginWal: '00000001000000000000000A',
        endWal: '00000001000000000000000A',
        beginLsn: '0/A000028',
        endLsn: '0/A000138',
      }),
    ],
    wal: {
      timelines: [
        {
          timeline: 1,
          firstSegment: '000000010000000000000001',
          lastSegment: '00000001000000000000000F',
          segmentCount: 13,
          gaps: [
            {
              firstMissing: '000000010000000000000008',
              lastMissing: '000000010000000000000009',
              count: 2,
            },
          ],
          historyFile: true,
          partialSegments: [],
        },
      ],
      compressions: ['gzip'],
      segmentSize: 16777216,
    },
    recoveryWindow: {
      firstRecoverabilityPoint: '2025-06-01T02:00:10Z',
      lastRecoverableWal: '00000001000000000000000F',
      lastRecoverablePoint: '2025-06-02T12:00:00Z',
      lastSuccessfulBackupTime: '2025-06-02T02:00:10Z',
      ranges: [
        {
          timeline: 1,
          from: '2025-06-01T02:00:10Z',
          to: '2025-06-01T18:00:00Z',
          baseBackupId: '20250601T020000',
          fromWal: '000000010000000000000002',
          toWal: '000000010000000000000007',
        },
        {
          timeline: 1,
          from: '2025-06-02T02:00:10Z',
          to: '2025-06-02T12:00:00Z',
          baseBackupId: '20250602T020000',
          fromWal: '00000001000000000000000A',
          toWal: '00000001000000000000000F',
        },
      ],
    },
    diagnoses: [],
    scan: {
      complete: true,
      errors: [],
      requests: 10,
      durationMs: 5,
      scannedAt: '2025-06-02T12:01:00Z',
      walObjects: 13,
      incremental: false,
    },
  };
}

export function statusFor(
  catalog: BarmanCatalog = catalogWithGap(),
): Pick<
  DatabaseStatus,
  'cluster' | 'archive' | 'recoverySources' | 'catalog' | 'lineage'
> {
  return {
    cluster: {
      kubernetesCluster: 'prod',
      namespace: 'shop',
      name: 'orders-db',
      conditions: [],
    },
    archive: {
      form: 'plugin',
      objectStoreName: 's3-store',
      destinationPath: 's3://pg-backups/cnpg',
      bucket: 'pg-backups',
      prefix: 'cnpg',
      provider: 'generic',
      serverName: 'orders-db',
      isWALArchiver: true,
      credentials: {},
      sidecarEnv: [],
    },
    recoverySources: [],
    catalog,
    lineage: [
      { serverName: 'orders-db', current: true, recoverySource: false },
    ],
  };
}
