import type { ArchiveTarget } from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  FakeArchiveReaderFactory,
  FakeKubernetesClient,
  type FakeArchiveBehaviour,
} from '../service/__testUtils__/fakes';
import {
  ACCESS_KEY_ID,
  SECRET_ACCESS_KEY,
  catalog,
  catalogBackup,
  objectStore,
  pluginCluster,
} from '@cnpg-backups/plugin-cnpg-backups-common/testUtils';
import { ArchiveAccess } from './ArchiveAccess';
import { ArchiveReaderPool } from './ArchiveReaderPool';
import { ArchiveTargetResolver } from './ArchiveTargetResolver';
import { S3EndpointPolicy } from './S3EndpointPolicy';
import { ScanCache } from './ScanCache';

const KEY = 's3://backups/cnpg|orders';

function setup(
  behaviour: FakeArchiveBehaviour,
  allowed = ['minio.minio.svc:9000'],
) {
  const client = new FakeKubernetesClient('k');
  client.secrets = {
    'db/s3-creds': { ACCESS_KEY_ID, ACCESS_SECRET_KEY: SECRET_ACCESS_KEY },
  };
  const archive = new ArchiveTargetResolver().resolve({
    kubernetesCluster: 'k',
    cluster: pluginCluster('orders'),
    objectStores: [objectStore()],
  }).archive as ArchiveTarget;
  const access = new ArchiveAccess({
    readers: new ArchiveReaderPool({
      factory: new FakeArchiveReaderFactory({ '*': behaviour }),
      endpointPolicy: new S3EndpointPolicy({ allowedEndpoints: allowed }),
    }),
    scanCache: ScanCache.create({ ttlSeconds: 60 }),
    timeoutMs: 50,
  });
  return {
    access,
    read: () =>
      access.readCatalog({
        client,
        namespace: 'db',
        clusterName: 'orders',
        archive,
      }),
    client,
    archive,
  };
}

describe('ArchiveAccess.readCatalog', () => {
  it('returns the catalog and the serverNames beside it', async () => {
    const scanned = catalog('orders', [
      catalogBackup('20250610T020000', '2025-06-10T02:00:10Z'),
    ]);
    const { read } = setup({
      catalogs: { [KEY]: scanned },
      serverNames: { 's3://backups/cnpg': [{ serverName: 'orders' } as any] },
    });
    const result = await read();
    expect(result.errors).toEqual([]);
    expect(result.catalog).toEqual(scanned);
    expect(result.serverNames).toEqual([{ serverName: 'orders' }]);
  });

  it('keeps the catalog when only the serverName listing fails, as a named s3 error', async () => {
    const { read } = setup({
      catalogs: { [KEY]: catalog('orders', []) },
      listError: Object.assign(new Error('listing refused'), {
        name: 'AccessDenied',
      }),
    });
    const result = await read();
    expect(result.catalog).toBeDefined();
    expect(result.serverNames).toBeUndefined();
    expect(result.errors).toMatchObject([
      {
        source: 's3',
        name: 'AccessDenied',
        target: 'http://minio.minio.svc:9000 s3://backups/cnpg',
      },
    ]);
  });

  it('drops a scan that read nothing at all, keeping its errors (with their keys)', async () => {
    const empty = catalog('orders', [], {
      scan: {
        complete: false,
        errors: [
          { name: 'AccessDenied', message: 'denied', key: 'cnpg/orders/base/' },
        ],
        requests: 1,
        durationMs: 1,
        scannedAt: '2025-06-10T12:00:00Z',
        walObjects: 0,
        incremental: false,
      },
    } as any);
    const { read } = setup({ catalogs: { [KEY]: empty } });
    const result = await read();
    expect(result.catalog).toBeUndefined();
    expect(result.errors).toMatchObject([
      {
        source: 's3',
        name: 'AccessDenied',
        message: 'denied (cnpg/orders/base/)',
      },
    ]);
  });

  it('turns a forbidden endpoint and a slow scan into s3 errors, never throws', async () => {
    const denied = await setup({ catalogs: {} }, []).read();
    expect(denied.catalog).toBeUndefined();
    expect(denied.errors.map(e => e.name)).toEqual(['EndpointNotAllowed']);
    const slow = await setup({
      catalogs: { [KEY]: catalog('orders', []) },
      delayMs: 200,
    }).read();
    expect(slow.catalog).toBeUndefined();
    expect(slow.errors.map(e => e.name)).toContain('ScanTimeout');
  });
});

describe('ArchiveAccess.isServerNameEmpty', () => {
  it('counts the WAL of a serverName and throws what stops it', async () => {
    const { access, client, archive } = setup({
      catalogs: { [KEY]: catalog('orders', []) },
    });
    await expect(
      access.isServerNameEmpty({
        client,
        namespace: 'db',
        archive,
        serverName: 'orders',
      }),
    ).resolves.toEqual({ empty: false, walObjects: 32 });
    await expect(
      access.isServerNameEmpty({
        client,
        namespace: 'db',
        archive,
        serverName: 'orders-v2',
      }),
    ).resolves.toEqual({ empty: true, walObjects: 0 });
    const denied = setup({ catalogs: {} }, []);
    await expect(
      denied.access.isServerNameEmpty({
        client,
        namespace: 'db',
        archive,
        serverName: 'x',
      }),
    ).rejects.toMatchObject({ name: 'EndpointNotAllowed' });
  });
});
