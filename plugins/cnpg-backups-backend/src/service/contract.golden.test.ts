/*
 * Golden test of the status JSON contract (issue 11, step 0): what `getEntityStatus` and
 * `getDatabaseStatus` return today, for a broad set of worlds built from the service test fakes,
 * is pinned in `__fixtures__/contract/<case>.json`. A refactor of the status pipeline must keep
 * these files unchanged.
 *
 * Regenerate (only when the contract is meant to change):
 *   cd plugins/cnpg-backups-backend && UPDATE_GOLDEN=1 CI=true \
 *     yarn backstage-cli package test src/service/contract.golden.test.ts
 * then review the diff of `__fixtures__/contract/`. A commit that changes a golden file must say
 * in its message why the contract changed; "regenerated" is not a reason.
 *
 * Determinism: the service, the scan cache and the catalogs all run on a pinned `now` (no
 * wall-clock value reaches the JSON, nothing is normalised here), the fakes answer without
 * timers, and every case builds its own world, so no result depends on the order of the cases.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { S3EndpointPolicy } from '../archive';
import {
  CrdNotInstalledError,
  KubernetesForbiddenError,
  type CnpgCluster,
} from '../kubernetes';
import { DefaultCnpgBackupsService } from './DefaultCnpgBackupsService';
import { KubernetesClientRegistry } from '../kubernetes/KubernetesClientRegistry';
import { ScanCache } from '../archive/ScanCache';
import {
  FakeArchiveReaderFactory,
  FakeKubernetesClient,
  type FakeArchiveBehaviour,
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

const GOLDEN_DIR = path.join(__dirname, '__fixtures__', 'contract');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const MINIO = 'http://minio.minio.svc:9000';
const R2 = 'https://acc.r2.cloudflarestorage.com';

const logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
  child() {
    return logger;
  },
} as any;

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'shop', namespace: 'default', annotations },
    spec: {},
  };
}

/** The cluster `prod` of DefaultCnpgBackupsService.test.ts: orders + billing on the plugin. */
function seededClient(name: string): FakeKubernetesClient {
  const client = new FakeKubernetesClient(name);
  client.clusters = [pluginCluster('orders'), pluginCluster('billing')];
  client.objectStores = [objectStore()];
  client.secrets = {
    'db/s3-creds': { ACCESS_KEY_ID, ACCESS_SECRET_KEY: SECRET_ACCESS_KEY },
  };
  client.scheduledBackups = [scheduled('orders'), scheduled('billing')];
  const started = backupCr('orders', undefined, 'started');
  client.backups = [
    backupCr('orders', '20250610T020000', 'completed'),
    backupCr('orders', '20250601T020000', 'completed'),
    {
      ...started,
      metadata: {
        ...started.metadata,
        creationTimestamp: '2025-06-10T11:00:00Z',
      },
    },
    backupCr('billing', '20250610T030000', 'completed'),
    backupCr('billing', undefined, 'failed', {
      error:
        'rpc error: code = Unknown desc = unexpected failure invoking barman-cloud-backup: exit status 4',
    }),
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
    's3://backups/cnpg|legacy': catalog('legacy', [
      catalogBackup('20250610T040000', '2025-06-10T04:00:10Z'),
    ]),
  };
}

function minio(overrides: Partial<FakeArchiveBehaviour> = {}) {
  return {
    catalogs: catalogs(),
    serverNames: {
      's3://backups/cnpg': [
        { serverName: 'orders', hasBase: true, hasWals: true },
        { serverName: 'orders-old', hasBase: true, hasWals: true },
        { serverName: 'billing', hasBase: true, hasWals: true },
      ],
    },
    ...overrides,
  };
}

/** A cluster on the in-tree `spec.backup.barmanObjectStore` (CNPG < 1.26 style). */
function legacyCluster(): CnpgCluster {
  return pluginCluster(
    'legacy',
    {
      plugins: [],
      backup: {
        retentionPolicy: '30d',
        barmanObjectStore: {
          destinationPath: 's3://backups/cnpg',
          endpointURL: MINIO,
          s3Credentials: {
            accessKeyId: { name: 's3-creds', key: 'ACCESS_KEY_ID' },
            secretAccessKey: { name: 's3-creds', key: 'ACCESS_SECRET_KEY' },
          },
          wal: { compression: 'gzip' },
        },
      },
    } as any,
    {
      firstRecoverabilityPoint: '2025-06-10T04:00:10Z',
      lastSuccessfulBackup: '2025-06-10T04:00:10Z',
    } as any,
  );
}

/** `orders` in namespace db2 with its own ObjectStore + Secret, writing the same folder. */
function ordersInDb2(client: FakeKubernetesClient) {
  const cluster = pluginCluster('orders');
  client.clusters.push({
    ...cluster,
    metadata: { ...cluster.metadata, namespace: 'db2', uid: 'uid-orders-db2' },
  });
  client.objectStores.push({
    ...objectStore(),
    metadata: { name: 'minio-store', namespace: 'db2' },
  });
  client.secrets['db2/s3-creds'] = client.secrets['db/s3-creds'];
}

interface Ref {
  kubernetesCluster: string;
  namespace: string;
  name: string;
}

interface ContractCase {
  /** File name (without .json) under __fixtures__/contract. */
  name: string;
  annotations: Record<string, string>;
  clients?: () => FakeKubernetesClient[];
  readers?: () => Record<string, FakeArchiveBehaviour>;
  allowed?: string[];
  now?: Date;
  /** getDatabaseStatus is asked for every database of the entity response, plus these. */
  extraRefs?: Ref[];
}

const cases: ContractCase[] = [
  {
    name: 'orders-plugin-objectstore',
    annotations: { 'cnpg.io/cluster': 'db/orders' },
  },
  {
    name: 'billing-plugin-objectstore',
    annotations: { 'cnpg.io/cluster': 'db/billing' },
  },
  {
    name: 'label-selected-all-fixture-databases',
    annotations: { 'backstage.io/kubernetes-id': 'shop' },
  },
  {
    name: 'orders-three-days-later',
    annotations: { 'cnpg.io/cluster': 'db/orders' },
    now: new Date(NOW.getTime() + 3 * 86_400_000),
  },
  {
    name: 'legacy-barman-object-store',
    annotations: { 'cnpg.io/cluster': 'db/legacy' },
    clients: () => {
      const c = seededClient('prod');
      c.clusters.push(legacyCluster());
      c.scheduledBackups.push({
        ...scheduled('legacy', '0 0 4 * * *'),
        spec: {
          cluster: { name: 'legacy' },
          schedule: '0 0 4 * * *',
          method: 'barmanObjectStore',
        },
      } as any);
      c.backups.push({
        ...backupCr('legacy', '20250610T040000', 'completed', {
          method: 'barmanObjectStore',
        } as any),
        spec: { cluster: { name: 'legacy' }, method: 'barmanObjectStore' },
      } as any);
      return [c];
    },
  },
  {
    name: 'shared-folder-same-namespace',
    annotations: { 'cnpg.io/cluster': 'db/orders,db/orders-copy' },
    clients: () => {
      const c = seededClient('prod');
      c.clusters.push(
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
      return [c];
    },
  },
  {
    name: 'shared-folder-across-namespaces',
    annotations: { 'cnpg.io/cluster': 'db/orders,db2/orders' },
    clients: () => {
      const c = seededClient('prod');
      ordersInDb2(c);
      return [c];
    },
  },
  {
    name: 'shared-folder-across-kubernetes-clusters',
    annotations: { 'cnpg.io/cluster': 'east:db/orders,west:db/orders' },
    clients: () => [seededClient('east'), seededClient('west')],
  },
  {
    name: 'pinned-kubernetes-cluster-not-configured',
    annotations: { 'cnpg.io/cluster': 'nowhere:db/orders,prod:db/billing' },
    extraRefs: [
      { kubernetesCluster: 'nowhere', namespace: 'db', name: 'orders' },
    ],
  },
  {
    name: 'default-kubernetes-cluster-not-configured',
    annotations: {
      'backstage.io/kubernetes-id': 'shop',
      'cnpg.io/kubernetes-cluster': 'nowhere',
    },
  },
  {
    name: 'pinned-cluster-missing-and-unpinned-missing',
    annotations: { 'cnpg.io/cluster': 'prod:db/nope,db/gone,db/orders' },
    extraRefs: [{ kubernetesCluster: 'prod', namespace: 'db', name: 'nope' }],
  },
  {
    name: 'pinned-kubernetes-cluster-forbidden',
    annotations: { 'cnpg.io/cluster': 'broken:db/billing,prod:db/orders' },
    clients: () => {
      const broken = seededClient('broken');
      broken.faults.getCluster = new KubernetesForbiddenError({
        message: 'clusters.postgresql.cnpg.io "billing" is forbidden (403)',
        kubernetesCluster: 'broken',
      });
      return [seededClient('prod'), broken];
    },
    extraRefs: [
      { kubernetesCluster: 'broken', namespace: 'db', name: 'billing' },
    ],
  },
  {
    name: 'invalid-annotation',
    annotations: { 'cnpg.io/cluster': 'db/Orders_DB' },
  },
  { name: 'missing-annotation', annotations: {} },
  {
    name: 's3-read-fails-for-one-database',
    annotations: { 'cnpg.io/cluster': 'db/orders,db/billing' },
    clients: () => {
      const c = seededClient('prod');
      c.objectStores.push({
        ...objectStore(),
        metadata: { name: 'r2-store', namespace: 'db' },
        spec: {
          ...objectStore().spec,
          configuration: {
            ...objectStore().spec!.configuration,
            endpointURL: R2,
            destinationPath: 's3://gone',
          },
        },
      });
      c.clusters[1].spec!.plugins![0].parameters!.barmanObjectName = 'r2-store';
      return [c];
    },
    readers: () => ({
      [MINIO]: minio(),
      [R2]: {
        catalogs: {},
        scanError: Object.assign(
          new Error('The specified bucket does not exist'),
          {
            name: 'NoSuchBucket',
          },
        ),
        listError: Object.assign(new Error('Access Denied'), {
          name: 'AccessDenied',
        }),
      },
    }),
    allowed: ['minio.minio.svc:9000', '*.r2.cloudflarestorage.com'],
  },
  {
    name: 'partial-scan',
    annotations: { 'cnpg.io/cluster': 'db/orders' },
    readers: () => {
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
      return { [MINIO]: minio({ catalogs: c }) };
    },
  },
  {
    name: 'endpoint-not-allowed',
    annotations: { 'cnpg.io/cluster': 'db/orders' },
    allowed: [],
  },
  {
    name: 'objectstore-crd-not-installed',
    annotations: { 'cnpg.io/cluster': 'noplugin:db/orders,prod:db/billing' },
    clients: () => {
      const noPlugin = seededClient('noplugin');
      noPlugin.faults.listObjectStores = new CrdNotInstalledError({
        message:
          'ObjectStore not served: the Barman Cloud plugin is not installed',
        kubernetesCluster: 'noplugin',
        crd: 'objectstores.barmancloud.cnpg.io',
      });
      return [seededClient('prod'), noPlugin];
    },
  },
];

function buildService(c: ContractCase) {
  const now = c.now ?? NOW;
  const clients = c.clients?.() ?? [seededClient('prod')];
  return DefaultCnpgBackupsService.create({
    logger,
    kubernetes: KubernetesClientRegistry.create(clients),
    archiveReaders: new FakeArchiveReaderFactory(
      c.readers?.() ?? { [MINIO]: minio() },
    ),
    endpointPolicy: new S3EndpointPolicy({
      allowedEndpoints: c.allowed ?? ['minio.minio.svc:9000'],
    }),
    scanCache: ScanCache.create({ ttlSeconds: 60, now: () => now.getTime() }),
    now: () => now,
  });
}

/** A thrown error is part of the contract too (the router maps it to a status code). */
async function settle(promise: Promise<unknown>) {
  try {
    return await promise;
  } catch (error) {
    const e = error as Error;
    return { thrown: { name: e.name, message: e.message } };
  }
}

async function produce(c: ContractCase) {
  // Each call gets a fresh world: no answer depends on what an earlier call cached.
  const getEntityStatus = await buildService(c).getEntityStatus({
    entity: entity(c.annotations),
  });
  const refs: Ref[] = [
    ...getEntityStatus.databases.map(d => ({
      kubernetesCluster: d.cluster.kubernetesCluster,
      namespace: d.cluster.namespace,
      name: d.cluster.name,
    })),
    ...(c.extraRefs ?? []),
  ];
  const getDatabaseStatus: Record<string, unknown> = {};
  for (const ref of refs) {
    getDatabaseStatus[`${ref.kubernetesCluster}/${ref.namespace}/${ref.name}`] =
      await settle(buildService(c).getDatabaseStatus(ref));
  }
  // Through JSON, as the router sends it (undefined fields vanish, dates are strings).
  return JSON.parse(JSON.stringify({ getEntityStatus, getDatabaseStatus }));
}

describe('status JSON contract (golden files)', () => {
  it('no demo-flagged database is part of the contract', async () => {
    for (const c of cases) {
      const { getEntityStatus } = await produce(c);
      expect(getEntityStatus.databases.filter((d: any) => 'demo' in d)).toEqual(
        [],
      );
    }
  });

  it.each(cases.map(c => [c.name, c] as const))('%s', async (_name, c) => {
    const actual = await produce(c);
    const file = path.join(GOLDEN_DIR, `${c.name}.json`);
    if (UPDATE) {
      fs.mkdirSync(GOLDEN_DIR, { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    if (!fs.existsSync(file)) {
      throw new Error(
        `Golden file ${path.relative(
          process.cwd(),
          file,
        )} is missing: run with UPDATE_GOLDEN=1 (see the top of this file)`,
      );
    }
    expect(actual).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
  });

  it('does not depend on the wall clock: the same JSON with the system clock years away', async () => {
    // Only Date is faked (timers stay real: the fakes answer through setTimeout(0)). A wall-clock
    // read that reaches the JSON, instead of the injected `now`, fails this test.
    jest.useFakeTimers({
      now: new Date('2031-02-28T23:59:59.999+14:00'),
      doNotFake: [
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'setImmediate',
        'clearImmediate',
        'nextTick',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    try {
      expect(new Date().getUTCFullYear()).toBe(2031);
      for (const c of cases) {
        const golden = JSON.parse(
          fs.readFileSync(path.join(GOLDEN_DIR, `${c.name}.json`), 'utf8'),
        );
        expect({ case: c.name, json: await produce(c) }).toEqual({
          case: c.name,
          json: golden,
        });
      }
    } finally {
      jest.useRealTimers();
    }
  });

  // Last: in UPDATE_GOLDEN mode the cases above have written their files by now.
  it('has one golden file per case and no stale file', () => {
    expect(new Set(cases.map(c => c.name)).size).toBe(cases.length);
    if (UPDATE) {
      fs.mkdirSync(GOLDEN_DIR, { recursive: true });
      for (const file of fs.readdirSync(GOLDEN_DIR)) {
        if (!cases.some(c => `${c.name}.json` === file))
          fs.rmSync(path.join(GOLDEN_DIR, file));
      }
    }
    expect(fs.readdirSync(GOLDEN_DIR).sort()).toEqual(
      cases.map(c => `${c.name}.json`).sort(),
    );
  });
});
