import type { Entity } from '@backstage/catalog-model';
import { S3EndpointPolicy } from '../archive';
import {
  CrdNotInstalledError,
  KubernetesForbiddenError,
  KubernetesUnauthorizedError,
  KubernetesUnavailableError,
} from '../kubernetes';
import { DefaultCnpgBackupsService } from './DefaultCnpgBackupsService';
import { KubernetesClientRegistry, KubernetesReadCache } from '../kubernetes';
import { ScanCache } from '../archive/ScanCache';
import { StatusCache } from './StatusCache';
import {
  buildRecoveryManifests,
  validateRecoveryTarget,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  FakeArchiveReaderFactory,
  FakeKubernetesClient,
} from './__testUtils__/fakes';
import {
  ACCESS_KEY_ID,
  NOW,
  SECRET_ACCESS_KEY,
  backupCr,
  catalog,
  catalogBackup,
  objectStore,
  pluginCluster,
  scheduled,
} from '@cnpg-backups/plugin-cnpg-backups-common/testUtils';

const logger = {
  info: jest.fn(),
  warn: jest.fn(),
  error: jest.fn(),
  debug: jest.fn(),
  child: jest.fn(),
} as any;

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'shop', namespace: 'default', annotations },
    spec: {},
  };
}

function seededClient(name: string): FakeKubernetesClient {
  const client = new FakeKubernetesClient(name);
  client.clusters = [pluginCluster('orders'), pluginCluster('billing')];
  client.objectStores = [objectStore()];
  client.secrets = {
    'db/s3-creds': { ACCESS_KEY_ID, ACCESS_SECRET_KEY: SECRET_ACCESS_KEY },
  };
  client.scheduledBackups = [scheduled('orders'), scheduled('billing')];
  client.backups = [
    backupCr('orders', '20250610T020000', 'completed'),
    backupCr('orders', '20250601T020000', 'completed'),
    {
      ...backupCr('orders', undefined, 'started'),
      metadata: {
        ...backupCr('orders', undefined, 'started').metadata,
        creationTimestamp: '2025-06-10T11:00:00Z',
      },
    },
  ];
  return client;
}

function catalogs() {
  return {
    's3://backups/cnpg|orders': catalog('orders', [
      catalogBackup('20250609T020000', '2025-06-09T02:00:10Z'),
      catalogBackup('20250610T020000', '2025-06-10T02:00:10Z'),
    ]),
    's3://backups/cnpg|billing': catalog('billing', [
      catalogBackup('20250609T030000', '2025-06-09T03:00:10Z'),
      catalogBackup('20250610T030000', '2025-06-10T03:00:10Z'),
    ]),
  };
}

function setup(
  options: {
    clients?: FakeKubernetesClient[];
    readers?: FakeArchiveReaderFactory;
    allowed?: string[];
    statusCache?: StatusCache;
    kubernetesReads?: KubernetesReadCache;
  } = {},
) {
  const clients = options.clients ?? [seededClient('prod')];
  const readers =
    options.readers ??
    new FakeArchiveReaderFactory({
      'http://minio.minio.svc:9000': {
        catalogs: catalogs(),
        serverNames: {
          's3://backups/cnpg': [
            { serverName: 'orders', hasBase: true, hasWals: true },
            { serverName: 'orders-old', hasBase: true, hasWals: true },
            { serverName: 'billing', hasBase: true, hasWals: true },
          ],
        },
      },
    });
  const service = DefaultCnpgBackupsService.create({
    logger,
    kubernetes: KubernetesClientRegistry.create(clients),
    archiveReaders: readers,
    endpointPolicy: new S3EndpointPolicy({
      allowedEndpoints: options.allowed ?? ['minio.minio.svc:9000'],
    }),
    scanCache: ScanCache.create({ ttlSeconds: 60 }),
    statusCache: options.statusCache,
    kubernetesReads: options.kubernetesReads,
    now: () => NOW,
    scanTimeoutMs: 200,
  });
  return { service, clients, readers };
}

/** What the recovery template produces for `orders` (plugin form, ObjectStore minio-store). */
function recoveryManifest(
  name = 'orders-restore',
  targetServerName = 'orders-v2',
): any {
  return JSON.parse(
    JSON.stringify(
      buildRecoveryManifests({
        source: {
          name: 'orders',
          namespace: 'db',
          spec: pluginCluster('orders').spec as any,
        },
        newClusterName: name,
        target: validateRecoveryTarget({ kind: 'latest' }),
        sourceServerName: 'orders',
        targetServerName,
      }).recoveryCluster,
    ),
  );
}
const ordersOwner = entity({ 'cnpg.io/cluster': 'db/orders' });

describe('DefaultCnpgBackupsService.getEntityStatus', () => {
  it('builds a reconciled status per database', async () => {
    const { service, readers } = setup();
    const res = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
    });
    expect(res.errors).toEqual([]);
    expect(res.entityRef).toBe('component:default/shop');
    expect(res.generatedAt).toBe(NOW.toISOString());
    const [db] = res.databases;
    expect(db.id).toBe('prod/db/orders');
    expect(db.errors).toEqual([]);
    expect(db.archive).toMatchObject({
      form: 'plugin',
      objectStoreName: 'minio-store',
      bucket: 'backups',
      prefix: 'cnpg',
      serverName: 'orders',
      provider: 'minio',
      retentionPolicy: '7d',
    });
    expect(readers.connections[0]).toEqual({
      endpoint: 'http://minio.minio.svc:9000',
      provider: 'minio',
      region: undefined,
      credentials: {
        accessKeyId: ACCESS_KEY_ID,
        secretAccessKey: SECRET_ACCESS_KEY,
        sessionToken: undefined,
      },
      caBundle: undefined,
    });
    expect(db.catalog?.serverName).toBe('orders');
    expect(db.backups.map(b => [b.id, b.presence])).toEqual([
      ['orders-started', 'cr-only'],
      ['20250610T020000', 'both'],
      ['20250609T020000', 'bucket-only'],
      ['20250601T020000', 'cr-only'],
    ]);
    expect(db.backups.find(b => b.id === '20250601T020000')?.note).toMatch(
      /deleted by retention/,
    );
    expect(db.backups.find(b => b.id === 'orders-started')?.note).toMatch(
      /In progress/,
    );
    expect(db.schedules).toEqual([
      expect.objectContaining({
        name: 'orders-daily',
        fieldCount: 6,
        overdue: false,
      }),
    ]);
    expect(db.recoveryWindow).toMatchObject({
      agreement: 'agree',
      effective: {
        basis: 'bucket',
        from: '2025-06-09T02:00:10Z',
        to: '2025-06-10T11:55:00Z',
      },
      operator: { source: 'objectstore' },
    });
    expect(db.lineage).toEqual([
      { serverName: 'billing', current: false, recoverySource: false },
      expect.objectContaining({
        serverName: 'orders',
        current: true,
        backupCount: 2,
        lastActivity: '2025-06-10T11:55:00Z',
      }),
      { serverName: 'orders-old', current: false, recoverySource: false },
    ]);
    expect(db.health).toMatchObject({
      level: 'ok',
      archiving: { level: 'ok' },
      lastBackup: { level: 'ok' },
      schedule: { level: 'ok' },
    });
    expect(db.actions).toEqual({ backupMethod: 'plugin' });
    expect(db.diagnoses).toEqual([]);
    expect(db.clusterSpec).toMatchObject({ instances: 3 });
  });

  it('returns MissingAnnotation / InvalidAnnotation as top-level errors, not exceptions', async () => {
    const { service } = setup();
    await expect(
      service.getEntityStatus({ entity: entity({}) }),
    ).resolves.toMatchObject({
      databases: [],
      errors: [{ name: 'MissingAnnotation' }],
    });
    const invalid = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'db/Orders_DB' }),
    });
    expect(invalid.errors).toEqual([
      {
        source: 'config',
        name: 'InvalidAnnotation',
        message: expect.stringMatching(/not a valid DNS-1123 subdomain/),
      },
    ]);
  });

  it('finds clusters by the backstage.io/kubernetes-id label', async () => {
    const { service } = setup();
    const res = await service.getEntityStatus({
      entity: entity({ 'backstage.io/kubernetes-id': 'shop' }),
    });
    expect(res.databases.map(d => d.id)).toEqual([
      'prod/db/billing',
      'prod/db/orders',
    ]);
  });

  it('reports a cluster found nowhere as ClusterNotFound', async () => {
    const { service } = setup();
    const res = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'db/nope' }),
    });
    expect(res.errors).toEqual([
      expect.objectContaining({
        name: 'ClusterNotFound',
        message: expect.stringContaining('db/nope'),
      }),
    ]);
  });

  it.each([
    [
      'KubernetesUnauthorized',
      new KubernetesUnauthorizedError({
        message: 'token rejected (401)',
        kubernetesCluster: 'broken',
      }),
    ],
    [
      'KubernetesForbidden',
      new KubernetesForbiddenError({
        message: 'forbidden (403)',
        kubernetesCluster: 'broken',
      }),
    ],
    [
      'KubernetesUnavailable',
      new KubernetesUnavailableError({
        message: 'answered 500',
        kubernetesCluster: 'broken',
        statusCode: 500,
      }),
    ],
  ])(
    'a Kubernetes cluster failing with %s does not blank the others',
    async (name, fault) => {
      const good = seededClient('prod');
      const broken = seededClient('broken');
      broken.faults.getCluster = fault;
      const { service } = setup({ clients: [good, broken] });
      const res = await service.getEntityStatus({
        entity: entity({
          'cnpg.io/cluster': 'broken:db/billing,prod:db/orders',
        }),
      });
      const byId = Object.fromEntries(res.databases.map(d => [d.id, d]));
      expect(byId['broken/db/billing'].errors).toEqual([
        {
          source: 'kubernetes',
          name,
          message: fault.message,
          target: 'broken',
        },
      ]);
      expect(byId['broken/db/billing'].health.level).toBe('unknown');
      expect(byId['prod/db/orders'].errors).toEqual([]);
      expect(byId['prod/db/orders'].catalog).toBeDefined();
    },
  );

  it('turns a missing ObjectStore CRD into CrdNotInstalled + plugin-not-installed for that database only', async () => {
    const good = seededClient('prod');
    const noPlugin = seededClient('noplugin');
    noPlugin.faults.listObjectStores = new CrdNotInstalledError({
      message:
        'ObjectStore not served: the Barman Cloud plugin is not installed',
      kubernetesCluster: 'noplugin',
      crd: 'objectstores.barmancloud.cnpg.io',
    });
    const { service } = setup({ clients: [good, noPlugin] });
    const res = await service.getEntityStatus({
      entity: entity({
        'cnpg.io/cluster': 'noplugin:db/orders,prod:db/billing',
      }),
    });
    const broken = res.databases.find(d => d.id === 'noplugin/db/orders')!;
    expect(broken.errors).toEqual([
      expect.objectContaining({
        source: 'kubernetes',
        name: 'CrdNotInstalled',
      }),
    ]);
    expect(broken.diagnoses.map(d => d.id)).toContain('plugin-not-installed');
    expect(broken.archive).toBeUndefined();
    expect(res.databases.find(d => d.id === 'prod/db/billing')!.errors).toEqual(
      [],
    );
  });

  it('an S3 failure of one bucket is a named error in that database, the other keeps its catalog', async () => {
    const client = seededClient('prod');
    client.objectStores.push({
      ...objectStore(),
      metadata: { name: 'r2-store', namespace: 'db' },
      spec: {
        ...objectStore().spec,
        configuration: {
          ...objectStore().spec!.configuration,
          endpointURL: 'https://acc.r2.cloudflarestorage.com',
          destinationPath: 's3://gone',
        },
      },
    });
    client.clusters[1].spec!.plugins![0].parameters!.barmanObjectName =
      'r2-store';
    const readers = new FakeArchiveReaderFactory({
      'http://minio.minio.svc:9000': { catalogs: catalogs() },
      'https://acc.r2.cloudflarestorage.com': {
        catalogs: {},
        scanError: Object.assign(
          new Error('The specified bucket does not exist'),
          { name: 'NoSuchBucket' },
        ),
      },
    });
    const { service } = setup({
      clients: [client],
      readers,
      allowed: ['minio.minio.svc:9000', '*.r2.cloudflarestorage.com'],
    });
    const res = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'db/orders,db/billing' }),
    });
    const billing = res.databases.find(d => d.id === 'prod/db/billing')!;
    expect(billing.errors).toContainEqual({
      source: 's3',
      name: 'NoSuchBucket',
      message: 'The specified bucket does not exist',
      target: 'https://acc.r2.cloudflarestorage.com s3://gone',
    });
    expect(billing.catalog).toBeUndefined();
    expect(billing.recoveryWindow.effective.basis).toBe('operator');
    const orders = res.databases.find(d => d.id === 'prod/db/orders')!;
    expect(orders.errors).toEqual([]);
    expect(orders.catalog).toBeDefined();
  });

  it('reports partial scans: scan.errors become SourceErrors', async () => {
    const c = catalogs();
    c['s3://backups/cnpg|orders'].scan = {
      ...c['s3://backups/cnpg|orders'].scan,
      complete: false,
      errors: [
        {
          name: 'AccessDenied',
          message: 'Access Denied',
          key: 'cnpg/orders/wals/',
        },
      ],
    };
    const readers = new FakeArchiveReaderFactory({
      'http://minio.minio.svc:9000': { catalogs: c },
    });
    const { service } = setup({ readers });
    const res = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
    });
    expect(res.databases[0].errors).toEqual([
      expect.objectContaining({
        source: 's3',
        name: 'AccessDenied',
        message: 'Access Denied (cnpg/orders/wals/)',
      }),
    ]);
    expect(res.databases[0].health.level).not.toBe('ok');
  });

  it('times out a hanging scan as ScanTimeout', async () => {
    const readers = new FakeArchiveReaderFactory({
      'http://minio.minio.svc:9000': { catalogs: catalogs(), delayMs: 1000 },
    });
    const { service } = setup({ readers });
    const res = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
    });
    expect(res.databases[0].errors).toContainEqual(
      expect.objectContaining({ source: 's3', name: 'ScanTimeout' }),
    );
  });

  it('never contacts an endpoint the config does not allow', async () => {
    const { service, readers } = setup({ allowed: [] });
    const res = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
    });
    expect(res.databases[0].errors).toEqual([
      expect.objectContaining({ source: 'config', name: 'EndpointNotAllowed' }),
    ]);
    expect(readers.connections).toEqual([]);
  });

  it('names a missing Secret key without revealing values', async () => {
    const client = seededClient('prod');
    client.secrets['db/s3-creds'] = { ACCESS_KEY_ID };
    const { service } = setup({ clients: [client] });
    const res = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
    });
    expect(res.databases[0].errors).toEqual([
      expect.objectContaining({
        source: 'config',
        name: 'SecretKeyNotFound',
        message: expect.stringContaining('"ACCESS_SECRET_KEY"'),
      }),
    ]);
    expect(JSON.stringify(res)).not.toContain(ACCESS_KEY_ID);
  });

  it('never returns secret values', async () => {
    const { service } = setup();
    const res = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'db/orders,db/billing' }),
    });
    const json = JSON.stringify(res);
    expect(json).not.toContain(SECRET_ACCESS_KEY);
    expect(json).not.toContain(ACCESS_KEY_ID);
    expect(json).toContain('s3-creds'); // references are fine
  });

  it('scans once for concurrent requests and refreshes incrementally on demand', async () => {
    const { service, readers } = setup();
    const e = entity({ 'cnpg.io/cluster': 'db/orders' });
    await Promise.all(
      Array.from({ length: 5 }, () => service.getEntityStatus({ entity: e })),
    );
    expect(readers.scans).toHaveLength(1);
    await service.getEntityStatus({ entity: e, refresh: true });
    expect(readers.scans).toHaveLength(2);
    expect(readers.scans[1].previous).toEqual({ scanned: 1 });
  });

  it('explains an operator/bucket disagreement on the recovery window', async () => {
    const client = seededClient('prod');
    client.objectStores[0].status!.serverRecoveryWindow!.orders.firstRecoverabilityPoint =
      '2025-06-01T02:00:10Z';
    const { service } = setup({ clients: [client] });
    const res = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
    });
    expect(res.databases[0].recoveryWindow).toMatchObject({
      agreement: 'disagree',
      explanation: expect.stringMatching(
        /older than the oldest DONE backup in the bucket.*retention deleted it since the last maintenance cycle/,
      ),
    });
  });

  it('treats LastBackupSucceeded=False/BackupStarted as a running backup, not a failure', async () => {
    const client = seededClient('prod');
    client.clusters[0].status!.conditions![1] = {
      type: 'LastBackupSucceeded',
      status: 'False',
      reason: 'BackupStarted',
      message: 'New Backup starting up',
    };
    const { service } = setup({ clients: [client] });
    const [db] = (
      await service.getEntityStatus({
        entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
      })
    ).databases;
    expect(db.health.lastBackup).toMatchObject({
      level: 'ok',
      text: expect.stringContaining('a backup is running now'),
    });
  });

  it('diagnoses a 5-field schedule and the checksum problem from CR state', async () => {
    const client = seededClient('prod');
    client.scheduledBackups = [scheduled('orders', '0 0 * * *')];
    client.clusters[0].status!.conditions![0] = {
      type: 'ContinuousArchiving',
      status: 'False',
      reason: 'ContinuousArchivingFailing',
      message:
        'An error occurred (InvalidArgument) when calling the PutObject operation: x-amz-content-sha256 must be UNSIGNED-PAYLOAD',
    };
    const { service } = setup({ clients: [client] });
    const [db] = (
      await service.getEntityStatus({
        entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
      })
    ).databases;
    // Hourly (seconds-first) and last run at 02:00 → also overdue at 12:00.
    expect(db.diagnoses.map(d => d.id)).toEqual([
      'checksum-incompatibility',
      'cron-five-fields',
      'schedule-overdue',
    ]);
    expect(db.health.level).toBe('error');
    expect(db.health.archiving.level).toBe('error');
  });

  it('detects another cluster writing the same folder', async () => {
    const client = seededClient('prod');
    client.clusters.push(
      pluginCluster('orders-copy', {
        plugins: [
          {
            name: 'barman-cloud.cloudnative-pg.io',
            isWALArchiver: true,
            parameters: {
              barmanObjectName: 'minio-store',
              serverName: 'orders',
            },
          },
        ],
      }),
    );
    const { service } = setup({ clients: [client] });
    const [db] = (
      await service.getEntityStatus({
        entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
      })
    ).databases;
    expect(db.diagnoses.map(d => d.id)).toContain('shared-server-name');
  });

  it('detects databases of one entity writing the same folder from different Kubernetes clusters', async () => {
    const a = seededClient('east');
    const b = seededClient('west');
    const { service } = setup({ clients: [a, b] });
    const res = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'east:db/orders,west:db/orders' }),
    });
    for (const db of res.databases) {
      const shared = db.diagnoses.find(d => d.id === 'shared-server-name');
      expect(shared?.message).toContain(
        db.id.startsWith('east') ? 'west/db/orders' : 'east/db/orders',
      );
      expect(db.health.level).toBe('error');
    }
  });

  it('reads the ObjectStore CRD to flag a schema without sidecar env', async () => {
    const client = seededClient('prod');
    client.crd = {
      metadata: { name: 'objectstores.barmancloud.cnpg.io' },
      spec: {
        versions: [
          {
            name: 'v1',
            storage: true,
            schema: {
              openAPIV3Schema: {
                properties: {
                  spec: {
                    properties: {
                      instanceSidecarConfiguration: { properties: {} },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    const { service } = setup({ clients: [client] });
    const [db] = (
      await service.getEntityStatus({
        entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
      })
    ).databases;
    expect(db.diagnoses.map(d => d.id)).toContain('objectstore-crd-lacks-env');
  });
});

/** The seeded client without its in-flight Backup (`orders-started`), so "Back up now" may run. */
function idleClient(name: string): FakeKubernetesClient {
  const client = seededClient(name);
  client.backups = client.backups.filter(b => b.status?.phase !== 'started');
  return client;
}

describe('DefaultCnpgBackupsService: an endpointURL that is not a URL', () => {
  it.each([
    ['not allowed by the policy', ['minio.minio.svc:9000'], 'not a url'],
    ['allowed by a wildcard', ['*'], 'not a url'],
    ['a non-http scheme', ['*'], 'ftp://minio.minio.svc:9000'],
    ['a host-less URL', ['*'], 'http://'],
  ])(
    'is a named InvalidEndpointURL SourceError in the status (%s)',
    async (_case, allowed, endpointURL) => {
      const client = seededClient('prod');
      const store = objectStore();
      store.spec!.configuration!.endpointURL = endpointURL;
      client.objectStores = [store];
      const { service } = setup({ clients: [client], allowed });
      const res = await service.getEntityStatus({
        entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
      });
      expect(res.errors).toEqual([]);
      const [db] = res.databases;
      expect(db.errors).toEqual([
        expect.objectContaining({
          source: 'config',
          name: 'InvalidEndpointURL',
          message: expect.stringContaining(
            `Invalid S3 endpoint URL ${JSON.stringify(endpointURL)}`,
          ),
        }),
      ]);
      expect(db.errors.map(e => e.message).join()).not.toMatch(
        /TypeError|Invalid URL$/,
      );
    },
  );

  it('is named for the legacy barmanObjectStore form too', async () => {
    const client = seededClient('prod');
    client.clusters.push(
      pluginCluster('legacy', {
        plugins: [],
        backup: {
          barmanObjectStore: {
            destinationPath: 's3://x',
            endpointURL: 'minio:9000 ',
            s3Credentials: { inheritFromIAMRole: true },
          },
        },
      } as any),
    );
    const { service } = setup({ clients: [client] });
    const res = await service.getEntityStatus({
      entity: entity({ 'cnpg.io/cluster': 'db/legacy' }),
    });
    expect(res.databases[0].errors).toEqual([
      expect.objectContaining({ source: 'config', name: 'InvalidEndpointURL' }),
    ]);
  });
});

describe('DefaultCnpgBackupsService clusterSpec for the recovery builder', () => {
  it('carries the application database/owner/secret of the bootstrap, nothing else of it', async () => {
    const client = seededClient('prod');
    client.clusters = [
      pluginCluster('orders', {
        bootstrap: {
          initdb: {
            database: 'shop',
            owner: 'shop_owner',
            secret: { name: 'shop-credentials' },
            postInitSQL: ['CREATE EXTENSION pg_stat_statements'],
          },
        },
      } as any),
    ];
    const { service } = setup({ clients: [client] });
    const db = await service.getDatabaseStatus({
      kubernetesCluster: 'prod',
      namespace: 'db',
      name: 'orders',
    });
    expect(db.clusterSpec?.bootstrap).toEqual({
      initdb: {
        database: 'shop',
        owner: 'shop_owner',
        secret: { name: 'shop-credentials' },
      },
    });
  });
});

describe('DefaultCnpgBackupsService actions', () => {
  it('creates a plugin Backup named <cluster>-manual-<YYYYMMDDHHMMSS> for an owned cluster', async () => {
    const { service, clients } = setup({ clients: [idleClient('prod')] });
    const res = await service.createBackup({
      entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
      kubernetesCluster: 'prod',
      namespace: 'db',
      cluster: 'orders',
      requestedBy: 'user:default/alice',
    });
    expect(res).toMatchObject({
      kubernetesCluster: 'prod',
      namespace: 'db',
      backup: { name: 'orders-manual-20250610120000', method: 'plugin' },
    });
    const created = clients[0].backups.at(-1)!;
    expect(created.spec).toEqual({
      cluster: { name: 'orders' },
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
    });
    expect(created.metadata.annotations).toEqual({
      'cnpg-backups.backstage.io/requested-by': 'user:default/alice',
    });
  });

  it.each(['pending', 'started', 'running', 'finalizing', undefined])(
    'answers 409 naming the pending Backup while one of that database is %s, instead of queueing another',
    async phase => {
      const client = idleClient('prod');
      const pending = backupCr('orders', undefined, phase ?? 'new');
      if (phase === undefined) delete pending.status;
      client.backups.push(pending);
      const { service } = setup({ clients: [client] });
      const before = client.backups.length;
      const attempt = service.createBackup({
        entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
        kubernetesCluster: 'prod',
        namespace: 'db',
        cluster: 'orders',
      });
      await expect(attempt).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(
          `Backup ${pending.metadata.name} of db/orders is still ${
            phase ?? 'pending'
          }`,
        ),
      });
      expect(client.backups).toHaveLength(before);
    },
  );

  it('creates a Backup when the other Backups are finished or belong to another database', async () => {
    const client = idleClient('prod');
    client.backups.push(
      backupCr('orders', '20250610T030000', 'failed'),
      backupCr('orders', '20250610T040000', 'walArchivingFailing'),
      backupCr('billing', undefined, 'running'),
    );
    const { service } = setup({ clients: [client] });
    await expect(
      service.createBackup({
        entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
        kubernetesCluster: 'prod',
        namespace: 'db',
        cluster: 'orders',
      }),
    ).resolves.toMatchObject({
      backup: { name: 'orders-manual-20250610120000' },
    });
  });

  it('uses method barmanObjectStore for legacy clusters', async () => {
    const client = seededClient('prod');
    client.clusters.push(
      pluginCluster('legacy', {
        plugins: [],
        backup: { barmanObjectStore: { destinationPath: 's3://x' } },
      }),
    );
    const { service } = setup({ clients: [client] });
    const res = await service.createBackup({
      entity: entity({ 'cnpg.io/cluster': 'db/legacy' }),
      kubernetesCluster: 'prod',
      namespace: 'db',
      cluster: 'legacy',
    });
    expect(res.backup.method).toBe('barmanObjectStore');
  });

  it('refuses a cluster the entity does not own', async () => {
    const { service } = setup();
    await expect(
      service.createBackup({
        entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
        kubernetesCluster: 'prod',
        namespace: 'db',
        cluster: 'billing',
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      service.createBackup({
        entity: entity({ 'cnpg.io/cluster': 'other:db/orders' }),
        kubernetesCluster: 'prod',
        namespace: 'db',
        cluster: 'orders',
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('checks label ownership for kubernetes-id entities', async () => {
    const client = idleClient('prod');
    client.clusters.push({
      ...pluginCluster('foreign'),
      metadata: { ...pluginCluster('foreign').metadata, labels: {} },
    });
    const { service } = setup({ clients: [client] });
    const e = entity({ 'backstage.io/kubernetes-id': 'shop' });
    await expect(
      service.createBackup({
        entity: e,
        kubernetesCluster: 'prod',
        namespace: 'db',
        cluster: 'orders',
      }),
    ).resolves.toBeDefined();
    await expect(
      service.createBackup({
        entity: e,
        kubernetesCluster: 'prod',
        namespace: 'db',
        cluster: 'foreign',
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('maps a Kubernetes 403 on create to NotAllowedError and an unknown cluster to NotFoundError', async () => {
    const client = idleClient('prod');
    client.faults.createBackup = new KubernetesForbiddenError({
      message: 'may not create Backup',
      kubernetesCluster: 'prod',
    });
    const { service } = setup({ clients: [client] });
    await expect(
      service.createBackup({
        entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
        kubernetesCluster: 'prod',
        namespace: 'db',
        cluster: 'orders',
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      service.createBackup({
        entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
        kubernetesCluster: 'nope',
        namespace: 'db',
        cluster: 'orders',
      }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('creates a recovery Cluster of an owned database and refuses an existing name with ConflictError', async () => {
    const { service } = setup();
    await expect(
      service.createCluster({
        entity: ordersOwner,
        kubernetesCluster: 'prod',
        namespace: 'db',
        manifest: recoveryManifest(),
      }),
    ).resolves.toEqual({
      kubernetesCluster: 'prod',
      namespace: 'db',
      name: 'orders-restore',
      uid: 'uid-c',
    });
    await expect(
      service.createCluster({
        entity: ordersOwner,
        kubernetesCluster: 'prod',
        namespace: 'db',
        manifest: recoveryManifest('orders', 'orders-v3'),
      }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /use a new name; recovery must create a new cluster/,
      ),
    });
  });

  it('rejects manifests that are not Clusters', async () => {
    const { service } = setup();
    await expect(
      service.createCluster({
        entity: ordersOwner,
        kubernetesCluster: 'prod',
        namespace: 'db',
        manifest: { kind: 'Secret' },
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^NotACluster/),
    });
    await expect(
      service.createCluster({
        entity: ordersOwner,
        kubernetesCluster: 'prod',
        namespace: 'db',
        manifest: {
          ...recoveryManifest(),
          metadata: { name: 'x', namespace: 'other' },
        },
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/NamespaceMismatch/),
    });
  });

  describe('recovery-only rules with live facts', () => {
    it.each([
      [
        'initdb with superuser SQL',
        (m: any) =>
          (m.spec.bootstrap = {
            initdb: { postInitSQL: ['ALTER ROLE app SUPERUSER'] },
          }),
        /NotARecoveryCluster spec.bootstrap.initdb/,
      ],
      [
        'no bootstrap',
        (m: any) => delete m.spec.bootstrap,
        /NotARecoveryCluster spec.bootstrap/,
      ],
      [
        'skipEmptyWalArchiveCheck',
        (m: any) =>
          (m.metadata.annotations['cnpg.io/skipEmptyWalArchiveCheck'] =
            'enabled'),
        /SkipEmptyWalArchiveCheck/,
      ],
      [
        'an extra volume',
        (m: any) =>
          (m.spec.projectedVolumeTemplate = {
            sources: [{ secret: { name: 'payments-s3' } }],
          }),
        /ForbiddenField spec.projectedVolumeTemplate/,
      ],
      [
        'another image',
        (m: any) => (m.spec.imageName = 'evil.example/pg:17'),
        /SourceFieldChanged spec.imageName/,
      ],
      [
        'managed roles',
        (m: any) =>
          (m.spec.managed = { roles: [{ name: 'root', superuser: true }] }),
        /ForbiddenField spec.managed/,
      ],
      [
        'a label of another team',
        (m: any) =>
          (m.metadata.labels = { 'backstage.io/kubernetes-id': 'payments' }),
        /ForbiddenField metadata.labels/,
      ],
    ])('400 for %s, nothing created', async (_what, mutate, message) => {
      const { service, clients } = setup();
      const m = recoveryManifest();
      mutate(m);
      await expect(
        service.createCluster({
          entity: ordersOwner,
          kubernetesCluster: 'prod',
          namespace: 'db',
          manifest: m,
        }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(message),
      });
      expect(
        clients[0].calls.filter(c => c.method === 'createCluster'),
      ).toEqual([]);
    });

    it("409 for archiving into another cluster's serverName", async () => {
      const { service, clients } = setup();
      await expect(
        service.createCluster({
          entity: ordersOwner,
          kubernetesCluster: 'prod',
          namespace: 'db',
          manifest: recoveryManifest('orders-restore', 'billing'),
        }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(
          /ServerNameTaken: serverName "billing" is taken \(archived to by Cluster db\/billing\)/,
        ),
      });
      expect(
        clients[0].calls.filter(c => c.method === 'createCluster'),
      ).toEqual([]);
    });

    it('409 when the bucket folder already holds WAL although no Cluster declares it', async () => {
      const readers = new FakeArchiveReaderFactory({
        'http://minio.minio.svc:9000': {
          catalogs: {
            ...catalogs(),
            's3://backups/cnpg|orders-v2': catalog('orders-v2', [
              catalogBackup('20250609T020000', '2025-06-09T02:00:10Z'),
            ]),
          },
        },
      });
      const { service } = setup({ readers });
      await expect(
        service.createCluster({
          entity: ordersOwner,
          kubernetesCluster: 'prod',
          namespace: 'db',
          manifest: recoveryManifest(),
        }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(
          /serverName "orders-v2" is taken \(\d+ WAL object/,
        ),
      });
    });

    it("403 when the entity does not declare the source database (permission on entity A does not restore B's data)", async () => {
      const { service } = setup();
      await expect(
        service.createCluster({
          entity: entity({ 'cnpg.io/cluster': 'db/billing' }),
          kubernetesCluster: 'prod',
          namespace: 'db',
          manifest: recoveryManifest(),
        }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringMatching(/^RecoverySourceNotOwned/),
      });
    });

    it('concurrent restores choosing the same serverName: exactly one is created, the others get 409 naming it', async () => {
      const { service, clients } = setup();
      const results = await Promise.allSettled(
        ['a', 'b', 'c', 'd'].map(suffix =>
          service.createCluster({
            entity: ordersOwner,
            kubernetesCluster: 'prod',
            namespace: 'db',
            manifest: recoveryManifest(`orders-restore-${suffix}`, 'orders-v2'),
          }),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(rejected).toHaveLength(3);
      for (const r of rejected) {
        expect(r.reason).toMatchObject({
          name: 'ConflictError',
          message: expect.stringMatching(/serverName "orders-v2" is taken/),
        });
      }
      expect(
        clients[0].calls.filter(c => c.method === 'createCluster'),
      ).toHaveLength(1);
      // A later restore (a third one, after the others finished) is refused too.
      await expect(
        service.createCluster({
          entity: ordersOwner,
          kubernetesCluster: 'prod',
          namespace: 'db',
          manifest: recoveryManifest('orders-restore-z', 'orders-v2'),
        }),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    });
  });

  it('answers whether a serverName is free', async () => {
    const { service } = setup();
    await expect(
      service.getServerNameEmptiness({
        kubernetesCluster: 'prod',
        namespace: 'db',
        name: 'orders',
        serverName: 'orders',
      }),
    ).resolves.toEqual({
      serverName: 'orders',
      empty: false,
      walObjects: 32,
      destinationPath: 's3://backups/cnpg',
      claimedBy: [
        {
          kubernetesCluster: 'prod',
          namespace: 'db',
          name: 'orders',
          kind: 'cluster',
        },
      ],
      available: false,
    });
    await expect(
      service.getServerNameEmptiness({
        kubernetesCluster: 'prod',
        namespace: 'db',
        name: 'orders',
        serverName: 'orders-v2',
      }),
    ).resolves.toMatchObject({
      empty: true,
      walObjects: 0,
      claimedBy: [],
      available: true,
    });
  });

  describe('serverNames claimed by Clusters (issue 10, point 4)', () => {
    const ask = (service: DefaultCnpgBackupsService, serverName: string) =>
      service.getServerNameEmptiness({
        kubernetesCluster: 'prod',
        namespace: 'db',
        name: 'orders',
        serverName,
      });

    it('a Cluster declaring the serverName claims it even while its folder is empty', async () => {
      const client = seededClient('prod');
      client.clusters.push(
        pluginCluster('orders-v2-db', {
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
        }),
      );
      const { service } = setup({ clients: [client] });
      await expect(ask(service, 'orders-v2')).resolves.toEqual({
        serverName: 'orders-v2',
        empty: true,
        walObjects: 0,
        destinationPath: 's3://backups/cnpg',
        claimedBy: [
          {
            kubernetesCluster: 'prod',
            namespace: 'db',
            name: 'orders-v2-db',
            kind: 'cluster',
          },
        ],
        available: false,
      });
      // Another destination's declaration of the same serverName is no claim here.
      const elsewhere = seededClient('prod');
      elsewhere.clusters.push(
        pluginCluster('other', {
          plugins: [],
          backup: {
            barmanObjectStore: {
              destinationPath: 's3://other-bucket/cnpg',
              serverName: 'orders-v3',
            },
          } as any,
        }),
      );
      const other = setup({ clients: [elsewhere] }).service;
      await expect(ask(other, 'orders-v3')).resolves.toMatchObject({
        claimedBy: [],
        available: true,
      });
    });

    it('a recovery Cluster being created claims its serverName from before the create call; a failed create releases it', async () => {
      const { service, clients } = setup();
      const client = clients[0];
      const realCreate = client.createCluster.bind(client);
      let proceed!: () => void;
      const gate = new Promise<void>(resolve => (proceed = resolve));
      let entered!: () => void;
      const inCreate = new Promise<void>(resolve => (entered = resolve));
      client.createCluster = async options => {
        entered();
        await gate;
        return realCreate(options);
      };
      const creating = service.createCluster({
        entity: ordersOwner,
        kubernetesCluster: 'prod',
        namespace: 'db',
        manifest: recoveryManifest('orders-restore', 'orders-v2'),
      });
      await inCreate;
      await expect(ask(service, 'orders-v2')).resolves.toMatchObject({
        empty: true,
        claimedBy: [
          {
            kubernetesCluster: 'prod',
            namespace: 'db',
            name: 'orders-restore',
            kind: 'creation',
          },
        ],
        available: false,
      });
      proceed();
      await creating;
      // Created: the Cluster itself now claims it (one claimant per Cluster).
      await expect(ask(service, 'orders-v2')).resolves.toMatchObject({
        claimedBy: [expect.objectContaining({ name: 'orders-restore' })],
        available: false,
      });

      // A create the API server refuses releases its reservation.
      client.faults.createCluster = new Error('admission webhook said no');
      await expect(
        service.createCluster({
          entity: ordersOwner,
          kubernetesCluster: 'prod',
          namespace: 'db',
          manifest: recoveryManifest('orders-restore-b', 'orders-v3'),
        }),
      ).rejects.toThrow();
      await expect(ask(service, 'orders-v3')).resolves.toMatchObject({
        claimedBy: [],
        available: true,
      });
    });
  });

  it('serves one database status and 404s an unknown one', async () => {
    const { service } = setup();
    await expect(
      service.getDatabaseStatus({
        kubernetesCluster: 'prod',
        namespace: 'db',
        name: 'orders',
      }),
    ).resolves.toMatchObject({ id: 'prod/db/orders' });
    await expect(
      service.getDatabaseStatus({
        kubernetesCluster: 'prod',
        namespace: 'db',
        name: 'nope',
      }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('DefaultCnpgBackupsService status cache', () => {
  const ordersEntity = entity({ 'cnpg.io/cluster': 'db/orders' });
  function cachedSetup() {
    let clock = 0;
    const statusCache = StatusCache.create({
      ttlSeconds: 15,
      now: () => clock,
    });
    const kubernetesReads = KubernetesReadCache.create({
      ttlSeconds: 15,
      now: () => clock,
    });
    const ctx = setup({ statusCache, kubernetesReads });
    return {
      ...ctx,
      statusCache,
      client: ctx.clients[0],
      advance: (ms: number) => {
        clock += ms;
      },
    };
  }

  it('serves a warm request without Kubernetes reads or scans, until the TTL ends', async () => {
    const { service, client, readers, advance, statusCache } = cachedSetup();
    const first = await service.getEntityStatus({ entity: ordersEntity });
    const callsAfterFirst = client.calls.length;
    const scansAfterFirst = readers.scans.length;
    expect(callsAfterFirst).toBeGreaterThan(0);

    advance(14_000);
    const warm = await service.getEntityStatus({ entity: ordersEntity });
    expect(warm).toBe(first);
    expect(statusCache.preSerialized(warm)?.body.toString('utf8')).toBe(
      JSON.stringify(first),
    );
    expect(client.calls.length).toBe(callsAfterFirst);
    expect(readers.scans.length).toBe(scansAfterFirst);

    advance(1_000);
    const expired = await service.getEntityStatus({ entity: ordersEntity });
    expect(expired).not.toBe(first);
    expect(expired.databases).toEqual(first.databases);
    expect(client.calls.length).toBeGreaterThan(callsAfterFirst);
  });

  it('shares one database status between entities and between concurrent requests', async () => {
    const { service, client } = cachedSetup();
    const other = {
      ...entity({ 'cnpg.io/cluster': 'db/orders' }),
      metadata: {
        name: 'other',
        namespace: 'default',
        annotations: { 'cnpg.io/cluster': 'db/orders' },
      },
    };
    const [a, b] = await Promise.all([
      service.getEntityStatus({ entity: ordersEntity }),
      service.getEntityStatus({ entity: other }),
      service.getDatabaseStatus({
        kubernetesCluster: 'prod',
        namespace: 'db',
        name: 'orders',
      }),
    ]);
    expect(a.databases[0]).toBe(b.databases[0]);
    expect(client.calls.filter(c => c.method === 'listBackups')).toHaveLength(
      1,
    );
    expect(client.calls.filter(c => c.method === 'getCluster')).toHaveLength(1);
  });

  it('refresh=true reads Kubernetes again and repopulates the cache', async () => {
    const { service, client } = cachedSetup();
    const first = await service.getEntityStatus({ entity: ordersEntity });
    client.scheduledBackups = [];
    const refreshed = await service.getEntityStatus({
      entity: ordersEntity,
      refresh: true,
    });
    expect(refreshed.databases[0].schedules).toEqual([]);
    expect(first.databases[0].schedules.length).toBeGreaterThan(0);
    const calls = client.calls.length;
    const warm = await service.getEntityStatus({ entity: ordersEntity });
    expect(warm.databases[0]).toBe(refreshed.databases[0]);
    expect(client.calls.length).toBe(calls);
  });

  it('shows a Backup created through the service on the next (non-refresh) request', async () => {
    const { service, client } = cachedSetup();
    client.backups = client.backups.filter(b => b.status?.phase !== 'started');
    await service.getEntityStatus({ entity: ordersEntity });
    const created = await service.createBackup({
      entity: ordersEntity,
      kubernetesCluster: 'prod',
      namespace: 'db',
      cluster: 'orders',
    });
    const after = await service.getEntityStatus({ entity: ordersEntity });
    expect(after.databases[0].backups.map(b => b.resource?.name)).toContain(
      created.backup.name,
    );
    const db = await service.getDatabaseStatus({
      kubernetesCluster: 'prod',
      namespace: 'db',
      name: 'orders',
    });
    expect(db).toBe(after.databases[0]);
  });

  it('sees a Cluster created through the service at once (label-selected entities)', async () => {
    const { service, client } = cachedSetup();
    const labelled = entity({ 'backstage.io/kubernetes-id': 'shop' });
    const before = await service.getEntityStatus({ entity: labelled });
    // Recovery Clusters carry no labels (ForbiddenField): simulate the owner labelling it
    // afterwards by creating it through the service and labelling the stored object.
    await service.createCluster({
      entity: labelled,
      kubernetesCluster: 'prod',
      namespace: 'db',
      manifest: recoveryManifest(),
    });
    const stored = client.clusters.find(
      c => c.metadata.name === 'orders-restore',
    )!;
    stored.metadata.labels = { 'backstage.io/kubernetes-id': 'shop' };
    const after = await service.getEntityStatus({ entity: labelled });
    expect(after.databases.map(d => d.id)).toContain('prod/db/orders-restore');
    expect(after.databases.length).toBe(before.databases.length + 1);
  });

  it('never keeps a fault: an errored status is rebuilt on the next request', async () => {
    const { service, client, advance } = cachedSetup();
    await service.getEntityStatus({ entity: ordersEntity });
    client.faults.listBackups = new KubernetesUnavailableError({
      message: 'The Kubernetes API answered 503',
      kubernetesCluster: 'prod',
      statusCode: 503,
    });
    // A healthy status is served for its TTL (at most 15 s stale)...
    expect(
      (await service.getEntityStatus({ entity: ordersEntity })).databases[0]
        .errors,
    ).toEqual([]);
    // ...after which the fault shows, and is not cached:
    advance(15_000);
    const broken = await service.getEntityStatus({ entity: ordersEntity });
    expect(broken.databases[0].errors.map(e => e.name)).toEqual([
      'KubernetesUnavailable',
    ]);
    delete client.faults.listBackups;
    const repaired = await service.getEntityStatus({ entity: ordersEntity });
    expect(repaired.databases[0].errors).toEqual([]);
  });

  it('never caches a response with entity-level errors (a Cluster not found yet)', async () => {
    const { service, client } = cachedSetup();
    const missing = entity({ 'cnpg.io/cluster': 'db/later' });
    const first = await service.getEntityStatus({ entity: missing });
    expect(first.errors.map(e => e.name)).toContain('ClusterNotFound');
    client.clusters.push(pluginCluster('later'));
    const second = await service.getEntityStatus({ entity: missing });
    expect(second.errors).toEqual([]);
    expect(second.databases.map(d => d.id)).toEqual(['prod/db/later']);
  });
});
