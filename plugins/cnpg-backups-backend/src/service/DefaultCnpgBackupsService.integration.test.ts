/*
 * The service end to end over real sockets: the Kubernetes stand-in (real REST conventions,
 * fault injection) + the real HTTP Kubernetes client, and s3rver + the real Barman scanner,
 * plus a small S3 fault server. Each fault must become a NAMED SourceError in the affected
 * database's status while the other database keeps its full status.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { KubernetesStandin } from '@cnpg-backups/plugin-cnpg-backups-backend-module-demo/testUtils';
import {
  startS3rver,
  type RunningS3rver,
} from '@cnpg-backups/plugin-cnpg-backups-node/testUtils';
import { S3EndpointPolicy, ScannerArchiveReaderFactory } from '../archive';
import { HttpCnpgKubernetesClient } from '../kubernetes';
import { DefaultCnpgBackupsService } from './DefaultCnpgBackupsService';
import { KubernetesClientRegistry } from '../kubernetes/KubernetesClientRegistry';
import { ScanCache } from '../archive/ScanCache';

jest.setTimeout(60_000);

const SECRET_KEY = 'S3RVER';
const DISTINCTIVE_SECRET = 'zz-TOP-SECRET-value-9f3a';

const logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return logger;
  },
} as any;

function backupInfo(id: string, beginWal: string, endTime: string): string {
  return [
    `backup_label='START WAL LOCATION: 0/5000028 (file ${beginWal})'`,
    `backup_name=backup-${id.replace('T', '')}`,
    'begin_offset=40',
    `begin_time=${endTime.replace('T', ' ').replace('Z', '')}+00:00`,
    `begin_wal=${beginWal}`,
    'begin_xlog=0/5000028',
    'cluster_size=31785631',
    'compression=None',
    'end_offset=256',
    `end_time=${endTime.replace('T', ' ').replace('Z', '')}+00:00`,
    `end_wal=${beginWal}`,
    'end_xlog=0/5000100',
    'error=None',
    'server_name=cloud',
    'size=None',
    'status=DONE',
    'systemid=7710768199136714818',
    'timeline=1',
    'version=150020',
    'xlog_segment_size=16777216',
    '',
  ].join('\n');
}

type S3Fault =
  | 'none'
  | '500'
  | '503'
  | '403'
  | 'nosuchbucket'
  | 'truncated'
  | 'hang';

describe('DefaultCnpgBackupsService against the Kubernetes stand-in and S3', () => {
  let s3rver: RunningS3rver | undefined;
  let s3Port: number;
  let s3Dir: string;
  let faultServer: http.Server;
  let faultPort: number;
  let s3Fault: S3Fault = 'none';
  let standin: KubernetesStandin;

  beforeAll(async () => {
    s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-svc-s3-'));
    s3rver = await startS3rver({ directory: s3Dir, buckets: ['backups'] });
    s3Port = s3rver.port;
    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${s3Port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: SECRET_KEY, secretAccessKey: SECRET_KEY },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const put = (Key: string, Body: string) =>
      s3.send(new PutObjectCommand({ Bucket: 'backups', Key, Body }));
    await put(
      'cnpg/orders/base/20250610T020000/backup.info',
      backupInfo(
        '20250610T020000',
        '000000010000000000000003',
        '2025-06-10T02:00:10Z',
      ),
    );
    await put('cnpg/orders/base/20250610T020000/data.tar.gz', 'x'.repeat(100));
    for (const seg of ['01', '02', '03', '04', '05']) {
      await put(
        `cnpg/orders/wals/0000000100000000/0000000100000000000000${seg}.gz`,
        'wal',
      );
    }
    await put(
      'cnpg/orders-old/wals/0000000100000000/000000010000000000000001.gz',
      'wal',
    );
    s3.destroy();

    faultServer = http.createServer((_req, res) => {
      const xml = (status: number, code: string, message: string) => {
        res.writeHead(status, { 'content-type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
        );
      };
      switch (s3Fault) {
        case '500':
          return xml(500, 'InternalError', 'We encountered an internal error');
        case '503':
          return xml(503, 'SlowDown', 'Please reduce your request rate');
        case '403':
          return xml(403, 'AccessDenied', 'Access Denied');
        case 'nosuchbucket':
          return xml(
            404,
            'NoSuchBucket',
            'The specified bucket does not exist',
          );
        case 'truncated':
          res.writeHead(200, { 'content-type': 'application/xml' });
          return res.end(
            '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>backups</Na',
          );
        case 'hang':
          return undefined;
        default:
          return xml(
            404,
            'NoSuchBucket',
            'The specified bucket does not exist',
          );
      }
    });
    await new Promise<void>(r => faultServer.listen(0, '127.0.0.1', r));
    faultPort = (faultServer.address() as AddressInfo).port;

    standin = await KubernetesStandin.start({ token: 'good-token' });
    const seed = (o: any) => standin.store.seed(o);
    for (const ns of ['db', 'bad']) {
      seed({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's3-creds', namespace: ns },
        data: {
          ACCESS_KEY_ID: Buffer.from(SECRET_KEY).toString('base64'),
          ACCESS_SECRET_KEY: Buffer.from(SECRET_KEY).toString('base64'),
          UNUSED: Buffer.from(DISTINCTIVE_SECRET).toString('base64'),
        },
      });
    }
    const store = (name: string, ns: string, port: number) => ({
      apiVersion: 'barmancloud.cnpg.io/v1',
      kind: 'ObjectStore',
      metadata: { name, namespace: ns },
      spec: {
        retentionPolicy: '30d',
        configuration: {
          destinationPath: 's3://backups/cnpg',
          endpointURL: `http://127.0.0.1:${port}`,
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
            firstRecoverabilityPoint: '2025-06-10T02:00:10Z',
            lastSuccessfulBackupTime: '2025-06-10T02:00:10Z',
          },
        },
      },
    });
    seed(store('good-store', 'db', s3Port));
    seed(store('faulty-store', 'bad', faultPort));
    const cluster = (name: string, ns: string, storeName: string) => ({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: {
        name,
        namespace: ns,
        creationTimestamp: '2025-01-01T00:00:00Z',
      },
      spec: {
        instances: 1,
        storage: { size: '1Gi' },
        plugins: [
          {
            name: 'barman-cloud.cloudnative-pg.io',
            isWALArchiver: true,
            parameters: { barmanObjectName: storeName, serverName: 'orders' },
          },
        ],
      },
      status: {
        phase: 'Cluster in healthy state',
        conditions: [
          {
            type: 'ContinuousArchiving',
            status: 'True',
            reason: 'ContinuousArchivingSuccess',
            message: 'Continuous archiving is working',
            lastTransitionTime: '2025-06-10T00:00:00Z',
          },
        ],
      },
    });
    seed(cluster('orders', 'db', 'good-store'));
    seed(cluster('billing', 'bad', 'faulty-store'));
    seed({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: { name: 'orders-daily', namespace: 'db' },
      spec: {
        cluster: { name: 'orders' },
        schedule: '0 0 2 * * *',
        method: 'plugin',
        pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      },
      status: { lastScheduleTime: '2025-06-10T02:00:00Z' },
    });
    seed({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Backup',
      metadata: {
        name: 'orders-daily-20250610020000',
        namespace: 'db',
        labels: { 'cnpg.io/cluster': 'orders' },
      },
      spec: {
        cluster: { name: 'orders' },
        method: 'plugin',
        pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      },
      status: {
        phase: 'completed',
        backupId: '20250610T020000',
        method: 'plugin',
      },
    });
  });

  afterAll(async () => {
    await standin?.stop();
    faultServer?.closeAllConnections();
    await new Promise(r => faultServer?.close(r));
    await s3rver?.close();
    fs.rmSync(s3Dir, { recursive: true, force: true });
  });

  afterEach(() => {
    standin.clearFaults();
    s3Fault = 'none';
    standin.store.setCrdInstalled('objectstores.barmancloud.cnpg.io', true);
  });

  const now = () => new Date('2025-06-10T12:00:00Z');

  function service(
    options: {
      extraClients?: HttpCnpgKubernetesClient[];
      /** S3 budget per call incl. retries: generous, except where the test is about timeouts. */
      requestTimeoutMs?: number;
    } = {},
  ) {
    const demo = HttpCnpgKubernetesClient.create({
      connection: {
        name: 'demo',
        url: standin.url,
        token: 'good-token',
        authProvider: 'serviceAccount',
      },
      timeoutMs: 1000,
    });
    return DefaultCnpgBackupsService.create({
      logger,
      kubernetes: KubernetesClientRegistry.create([
        demo,
        ...(options.extraClients ?? []),
      ]),
      archiveReaders: ScannerArchiveReaderFactory.create({
        requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
        now,
      }),
      endpointPolicy: new S3EndpointPolicy({
        allowedEndpoints: [`127.0.0.1:${s3Port}`, `127.0.0.1:${faultPort}`],
      }),
      scanCache: ScanCache.create({ ttlSeconds: 0 }),
      scanTimeoutMs: 15_000,
      now,
    });
  }

  const entity = (value: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'shop',
      namespace: 'default',
      annotations: { 'cnpg.io/cluster': value },
    },
    spec: {},
  });

  it('reads the real archive through the stand-in and s3rver', async () => {
    const res = await service().getEntityStatus({
      entity: entity('db/orders'),
    });
    expect(res.errors).toEqual([]);
    const [db] = res.databases;
    expect(db.errors).toEqual([]);
    expect(db.archive).toMatchObject({
      objectStoreName: 'good-store',
      serverName: 'orders',
      bucket: 'backups',
      prefix: 'cnpg',
    });
    expect(db.catalog?.backups.map(b => [b.id, b.status])).toEqual([
      ['20250610T020000', 'DONE'],
    ]);
    expect(db.backups).toEqual([
      expect.objectContaining({ id: '20250610T020000', presence: 'both' }),
    ]);
    // s3rver 3.7 returns no CommonPrefixes for "directories" holding only sub-directories, so
    // listServerNames finds nothing here; the current serverName is always part of the lineage.
    expect(db.lineage).toContainEqual(
      expect.objectContaining({
        serverName: 'orders',
        current: true,
        backupCount: 1,
      }),
    );
    expect(db.recoveryWindow.agreement).toBe('agree');
    expect(db.schedules[0]).toMatchObject({
      name: 'orders-daily',
      fieldCount: 6,
    });
    const json = JSON.stringify(res);
    expect(json).not.toContain(DISTINCTIVE_SECRET);
    expect(json).not.toContain('good-token');
  });

  it.each([
    [401, 'KubernetesUnauthorized'],
    [403, 'KubernetesForbidden'],
    [500, 'KubernetesUnavailable'],
  ])(
    'Kubernetes %d on one database → %s there, the other keeps its status',
    async (status, name) => {
      standin.injectFault({
        path: '/apis/postgresql.cnpg.io/v1/namespaces/bad/clusters/billing',
        status,
      });
      const res = await service().getEntityStatus({
        entity: entity('demo:db/orders,demo:bad/billing'),
      });
      const bad = res.databases.find(d => d.id === 'demo/bad/billing')!;
      expect(bad.errors).toEqual([
        expect.objectContaining({ source: 'kubernetes', name, target: 'demo' }),
      ]);
      const good = res.databases.find(d => d.id === 'demo/db/orders')!;
      expect(good.errors).toEqual([]);
      expect(good.catalog?.backups).toHaveLength(1);
    },
  );

  it('a wrong token → KubernetesUnauthorized for that Kubernetes cluster only', async () => {
    const wrong = HttpCnpgKubernetesClient.create({
      connection: {
        name: 'other',
        url: standin.url,
        token: 'wrong',
        authProvider: 'serviceAccount',
      },
    });
    const res = await service({ extraClients: [wrong] }).getEntityStatus({
      entity: entity('other:db/orders,demo:db/orders'),
    });
    expect(res.databases.find(d => d.id === 'other/db/orders')!.errors).toEqual(
      [expect.objectContaining({ name: 'KubernetesUnauthorized' })],
    );
    expect(res.databases.find(d => d.id === 'demo/db/orders')!.errors).toEqual(
      [],
    );
  });

  it('a malformed body and a hanging API server are named too', async () => {
    standin.injectFault({
      path: '/apis/postgresql.cnpg.io/v1/namespaces/bad/clusters/billing',
      malformedBody: true,
    });
    let res = await service().getEntityStatus({
      entity: entity('demo:db/orders,demo:bad/billing'),
    });
    expect(
      res.databases.find(d => d.id === 'demo/bad/billing')!.errors[0].name,
    ).toBe('KubernetesInvalidResponse');
    standin.clearFaults();
    standin.injectFault({
      path: '/apis/postgresql.cnpg.io/v1/namespaces/bad/clusters/billing',
      hang: true,
    });
    res = await service().getEntityStatus({
      entity: entity('demo:db/orders,demo:bad/billing'),
    });
    expect(
      res.databases.find(d => d.id === 'demo/bad/billing')!.errors[0].name,
    ).toBe('KubernetesTimeout');
    expect(res.databases.find(d => d.id === 'demo/db/orders')!.errors).toEqual(
      [],
    );
  });

  it('an uninstalled ObjectStore CRD → CrdNotInstalled + plugin-not-installed', async () => {
    standin.store.setCrdInstalled('objectstores.barmancloud.cnpg.io', false);
    const res = await service().getEntityStatus({
      entity: entity('db/orders'),
    });
    const [db] = res.databases;
    expect(db.errors).toEqual([
      expect.objectContaining({
        source: 'kubernetes',
        name: 'CrdNotInstalled',
      }),
    ]);
    expect(db.diagnoses.map(d => d.id)).toContain('plugin-not-installed');
  });

  it.each([
    ['500', 'S3Unavailable'],
    ['503', 'S3Unavailable'],
    ['403', 'AccessDenied'],
    ['nosuchbucket', 'NoSuchBucket'],
    ['truncated', 'S3InvalidResponse'],
    ['hang', 'S3Timeout'],
  ] as const)(
    'S3 fault %s on one bucket → %s there, the other keeps its catalog',
    async (fault, name) => {
      s3Fault = fault;
      // The hanging server is the timeout case: a short budget keeps it quick.
      const res = await service(
        fault === 'hang' ? { requestTimeoutMs: 800 } : {},
      ).getEntityStatus({
        entity: entity('demo:db/orders,demo:bad/billing'),
      });
      const bad = res.databases.find(d => d.id === 'demo/bad/billing')!;
      expect(bad.errors.map(e => e.name)).toContain(name);
      expect(bad.errors.every(e => e.source === 's3')).toBe(true);
      expect(bad.catalog).toBeUndefined();
      const good = res.databases.find(d => d.id === 'demo/db/orders')!;
      expect(good.errors).toEqual([]);
      expect(good.catalog?.backups).toHaveLength(1);
    },
  );

  it('creates a Backup CR with create semantics and refuses a duplicate Cluster', async () => {
    const svc = service();
    const created = await svc.createBackup({
      entity: entity('db/orders'),
      kubernetesCluster: 'demo',
      namespace: 'db',
      cluster: 'orders',
    });
    expect(created.backup.name).toBe('orders-manual-20250610120000');
    expect(standin.requests).toContainEqual({
      method: 'POST',
      url: '/apis/postgresql.cnpg.io/v1/namespaces/db/backups',
    });
    // The first one is still pending (no operator picked it up): 409 naming it.
    await expect(
      svc.createBackup({
        entity: entity('db/orders'),
        kubernetesCluster: 'demo',
        namespace: 'db',
        cluster: 'orders',
      }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'Backup orders-manual-20250610120000 of db/orders is still pending',
      ),
    });
    // Not a recovery Cluster: refused with a named reason before anything is sent.
    await expect(
      svc.createCluster({
        entity: entity('db/orders'),
        kubernetesCluster: 'demo',
        namespace: 'db',
        manifest: {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Cluster',
          metadata: { name: 'orders' },
          spec: { instances: 1, storage: { size: '1Gi' } },
        },
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^NotARecoveryCluster spec.bootstrap/),
    });
  });

  it('tells whether a serverName is free', async () => {
    const svc = service();
    await expect(
      svc.getServerNameEmptiness({
        kubernetesCluster: 'demo',
        namespace: 'db',
        name: 'orders',
        serverName: 'orders-old',
      }),
    ).resolves.toMatchObject({ empty: false, walObjects: 1 });
    await expect(
      svc.getServerNameEmptiness({
        kubernetesCluster: 'demo',
        namespace: 'db',
        name: 'orders',
        serverName: 'orders-v2',
      }),
    ).resolves.toMatchObject({ empty: true, walObjects: 0 });
  });
});
