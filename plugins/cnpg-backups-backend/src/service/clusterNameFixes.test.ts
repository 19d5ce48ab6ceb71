/*
 * The bucket diagnoses' fixes name the CNPG Cluster of the status, not the serverName it
 * archives to: a Cluster `orders` writing serverName `orders-v2` is told
 * `kubectl cnpg backup orders`, never `kubectl cnpg backup orders-v2` (a Cluster that does not
 * exist). The scan stays one per archive folder when two Clusters share it.
 */
import type { Entity } from '@backstage/catalog-model';
import {
  buildCatalog,
  type DatabaseStatus,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { S3EndpointPolicy } from '../archive';
import { ScanCache } from '../archive/ScanCache';
import { KubernetesClientRegistry } from '../kubernetes';
import { DefaultCnpgBackupsService } from './DefaultCnpgBackupsService';
import {
  FakeArchiveReaderFactory,
  FakeKubernetesClient,
} from './__testUtils__/fakes';
import {
  ACCESS_KEY_ID,
  NOW,
  SECRET_ACCESS_KEY,
  objectStore,
  pluginCluster,
} from '@cnpg-backups/plugin-cnpg-backups-common/testUtils';

const logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
  child() {
    return logger;
  },
} as any;

const entity = (clusters: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: { 'cnpg.io/cluster': clusters },
  },
  spec: {},
});

/** A Cluster archiving to serverName `orders-v2` of the ObjectStore minio-store. */
const archivingToOrdersV2 = (name: string) =>
  pluginCluster(name, {
    plugins: [
      {
        name: 'barman-cloud.cloudnative-pg.io',
        isWALArchiver: true,
        parameters: {
          barmanObjectName: 'minio-store',
          serverName: 'orders-v2',
        },
      },
    ],
  });

/**
 * `s3://backups/cnpg/orders-v2/`: WAL, no base backup, as the real reader builds it (from
 * the bucket alone: the reader does not know which Cluster asks).
 */
function ordersV2Catalog() {
  const objects = [1, 2, 3].map(i => {
    const name = `0000000100000000${i.toString(16).padStart(8, '0')}`;
    return {
      key: `wals/${name.slice(0, 16)}/${name}.gz`,
      size: 1000,
      lastModified: '2025-06-10T11:00:00.000Z',
    };
  });
  return buildCatalog({
    destination: 's3://backups/cnpg',
    serverName: 'orders-v2',
    objects,
    backupInfos: {},
    scan: {
      complete: true,
      errors: [],
      requests: 2,
      durationMs: 1,
      scannedAt: NOW.toISOString(),
      walObjects: 3,
      incremental: false,
    },
    now: NOW.toISOString(),
  });
}

function setup(clusters: string[]) {
  const client = new FakeKubernetesClient('prod');
  client.clusters = clusters.map(archivingToOrdersV2);
  client.objectStores = [objectStore()];
  client.secrets = {
    'db/s3-creds': { ACCESS_KEY_ID, ACCESS_SECRET_KEY: SECRET_ACCESS_KEY },
  };
  const cached = ordersV2Catalog();
  const readers = new FakeArchiveReaderFactory({
    'http://minio.minio.svc:9000': {
      catalogs: { 's3://backups/cnpg|orders-v2': cached },
    },
  });
  const service = DefaultCnpgBackupsService.create({
    logger,
    kubernetes: KubernetesClientRegistry.create([client]),
    archiveReaders: readers,
    endpointPolicy: new S3EndpointPolicy({
      allowedEndpoints: ['minio.minio.svc:9000'],
    }),
    scanCache: ScanCache.create({ ttlSeconds: 60, now: () => NOW.getTime() }),
    now: () => NOW,
    scanTimeoutMs: 2000,
  });
  return { service, readers, cached };
}

/** The no-done-backup finding, from the catalog and from the status's diagnoses. */
function noDoneBackup(db: DatabaseStatus) {
  const inCatalog = db.catalog?.diagnoses.find(d => d.id === 'no-done-backup');
  const inStatus = db.diagnoses.find(d => d.id === 'no-done-backup');
  expect(inCatalog).toBeDefined();
  expect(inStatus).toEqual(inCatalog);
  return inStatus!;
}

describe('bucket fixes name the Cluster of the status, not its serverName', () => {
  it('a Cluster orders writing serverName orders-v2 with no base backup is told to back up orders', async () => {
    const { service } = setup(['orders']);
    const [db] = (
      await service.getEntityStatus({ entity: entity('db/orders') })
    ).databases;
    expect(db.errors).toEqual([]);
    expect(db.archive?.serverName).toBe('orders-v2');
    const d = noDoneBackup(db);
    expect(d.message).toContain('"orders-v2" has no base backup');
    expect(d.fix).toContain('kubectl cnpg backup orders --method=plugin');
    expect(d.fixSnippet).toContain(
      '# kubectl cnpg backup orders --method=plugin',
    );
    expect(d.fixSnippet).toContain('\n  name: orders-manual\n');
    expect(d.fixSnippet).toContain('\n    name: orders\n');
    const fixes = `${d.fix}\n${d.fixSnippet}`;
    expect(fixes).not.toContain('orders-v2');
    expect(fixes).not.toContain('<cluster>');

    // Same through the one-database route.
    const one = await service.getDatabaseStatus({
      kubernetesCluster: 'prod',
      namespace: 'db',
      name: 'orders',
      refresh: true,
    });
    expect(noDoneBackup(one).fix).toContain(
      'kubectl cnpg backup orders --method=plugin',
    );
  });

  it('two Clusters sharing the folder: one scan, each told its own name, the cached catalog untouched', async () => {
    const { service, readers, cached } = setup(['orders', 'orders-copy']);
    const before = JSON.stringify(cached);
    const res = await service.getEntityStatus({
      entity: entity('db/orders,db/orders-copy'),
    });
    expect(res.databases.map(db => db.id)).toEqual([
      'prod/db/orders',
      'prod/db/orders-copy',
    ]);
    expect(readers.scans).toHaveLength(1);
    const [orders, copy] = res.databases;
    expect(noDoneBackup(orders).fix).toContain(
      'kubectl cnpg backup orders --method=plugin',
    );
    expect(noDoneBackup(copy).fix).toContain(
      'kubectl cnpg backup orders-copy --method=plugin',
    );
    expect(noDoneBackup(copy).fixSnippet).toContain(
      '\n    name: orders-copy\n',
    );
    expect(JSON.stringify(cached)).toBe(before);
  });
});
