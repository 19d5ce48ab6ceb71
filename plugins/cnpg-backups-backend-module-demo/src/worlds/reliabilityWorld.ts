/*
 * Test-only: a small, real world for the reliability suite (issue 7), over real sockets:
 *  - the Kubernetes stand-in (Kubernetes cluster `k8s`) with three databases:
 *      shop/orders  (legacy barmanObjectStore, Secret credentials),
 *      pay/billing  (plugin form + ObjectStore, Secret credentials) ← the fault target,
 *      shop/ledger  (legacy, credentials from CONFIG, in-cluster endpoint mapped by connectUrl);
 *  - a dead Kubernetes cluster `dead` (a closed port);
 *  - s3rver (node package harness) behind the S3 fault proxy; every database reads through it;
 *  - distinctive secrets everywhere (Secret values, config credentials, the service-account
 *    token) so leak checks have something to find.
 */
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
// The node package's test harnesses (s3rver, fault proxy, free ports), from its testUtils entry point.
import {
  findFreePort,
  startFaultProxy,
  startS3rverHarness as startS3rver,
  type FaultProxy,
  type S3rverHarness,
} from '@cnpg-backups/plugin-cnpg-backups-node/testUtils';
import { KubernetesStandin } from '../standin';

type S3rverAccount = {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  revokeAccessKey(accessKeyId: string): void;
};
// s3rver keeps accepted keys in one process-wide account; register ours for the test's life.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as {
  DUMMY_ACCOUNT: S3rverAccount;
};

export const BUCKET = 'backups';
export const SECRET_MARKER = 'DEMO-SECRET-DO-NOT-LEAK';
export const CONFIG_SECRET_MARKER = 'CONFIG-SECRET-DO-NOT-LEAK';

export const SECRETS = {
  ordersKey: `${SECRET_MARKER}-orders-access-key-id`,
  ordersSecret: `${SECRET_MARKER}-orders-secret-access-key`,
  billingKey: `${SECRET_MARKER}-billing-access-key-id`,
  billingSecret: `${SECRET_MARKER}-billing-secret-access-key`,
  appPassword: `${SECRET_MARKER}-app-password`,
  configKey: `${CONFIG_SECRET_MARKER}-ledger-access-key-id`,
  configSecret: `${CONFIG_SECRET_MARKER}-ledger-secret-access-key`,
  token: `${SECRET_MARKER}-service-account-token`,
};

export const LEDGER_DECLARED_ENDPOINT = 'http://ledger-s3.storage.svc:9000';

/** `YYYYMMDDTHHMMSS` → the backup.info barman writes. */
export function backupInfo(
  serverName: string,
  id: string,
  beginWal: string,
): string {
  const t = `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)} ${id.slice(
    9,
    11,
  )}:${id.slice(11, 13)}:${id.slice(13, 15)}`;
  return [
    `backup_label='START WAL LOCATION: 0/5000028 (file ${beginWal})'`,
    `backup_name=backup-${id.replace('T', '')}`,
    'begin_offset=40',
    `begin_time=${t}+00:00`,
    `begin_wal=${beginWal}`,
    'begin_xlog=0/5000028',
    'cluster_size=31785631',
    'compression=None',
    'end_offset=256',
    `end_time=${t.slice(0, 17)}10+00:00`,
    `end_wal=${beginWal}`,
    'end_xlog=0/5000100',
    'error=None',
    `server_name=${serverName}`,
    'size=None',
    'status=DONE',
    'systemid=7710768199136714818',
    'timeline=1',
    'version=150020',
    'xlog_segment_size=16777216',
    '',
  ].join('\n');
}

export interface DatabaseFixture {
  /** Folder under the bucket (billing has its own, so its faults touch nothing else). */
  prefix: string;
  namespace: string;
  name: string;
  serverName: string;
  backupIds: string[];
  walSegments: number;
}

export const DATABASES: Record<
  'orders' | 'billing' | 'ledger',
  DatabaseFixture
> = {
  orders: {
    prefix: 'cnpg',
    namespace: 'shop',
    name: 'orders',
    serverName: 'orders',
    backupIds: ['20250609T020000', '20250610T020000'],
    walSegments: 6,
  },
  billing: {
    prefix: 'pay',
    namespace: 'pay',
    name: 'billing',
    serverName: 'billing',
    backupIds: ['20250608T020000', '20250610T020000'],
    walSegments: 5,
  },
  ledger: {
    prefix: 'cnpg',
    namespace: 'shop',
    name: 'ledger',
    serverName: 'ledger',
    backupIds: ['20250610T020000'],
    walSegments: 3,
  },
};

const wal = (segment: number) =>
  `0000000100000000000000${segment
    .toString(16)
    .toUpperCase()
    .padStart(2, '0')}`;

/** Seeds one serverName: base backups (backup.info + data.tar) and WAL 01..N. */
async function seedArchive(s3: S3rverHarness, db: DatabaseFixture) {
  for (const [i, id] of db.backupIds.entries()) {
    await s3.put(
      BUCKET,
      `${db.prefix}/${db.serverName}/base/${id}/backup.info`,
      backupInfo(db.serverName, id, wal(i + 2)),
    );
    await s3.put(
      BUCKET,
      `${db.prefix}/${db.serverName}/base/${id}/data.tar`,
      'x'.repeat(64),
    );
  }
  for (let s = 1; s <= db.walSegments; s++) {
    await s3.put(
      BUCKET,
      `${db.prefix}/${db.serverName}/wals/0000000100000000/${wal(s)}.gz`,
      'wal',
    );
  }
}

const b64 = (v: string) => Buffer.from(v).toString('base64');

export interface ReliabilityWorld {
  standin: KubernetesStandin;
  s3: S3rverHarness;
  /** Every database reads S3 through this proxy (faults, request log). */
  proxy: FaultProxy;
  /** The backend config (`kubernetes` + `cnpgBackups`) for this world. */
  config: JsonObject;
  entities: Entity[];
  /** Every distinctive secret value that must never leave the backend. */
  secretValues: string[];
  close(): Promise<void>;
}

/** The entity annotating the three healthy databases (and, for `shop-multi`, the dead cluster). */
export function entity(name: string, annotation: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'cnpg.io/cluster': annotation },
    },
    spec: {},
  };
}

export async function startReliabilityWorld(
  options: { cacheTtlSeconds?: number; extraConfig?: JsonObject } = {},
): Promise<ReliabilityWorld> {
  const s3 = await startS3rver({ buckets: [BUCKET] });
  const registered = [
    [SECRETS.ordersKey, SECRETS.ordersSecret],
    [SECRETS.billingKey, SECRETS.billingSecret],
    [SECRETS.configKey, SECRETS.configSecret],
  ];
  for (const [key, secret] of registered)
    DUMMY_ACCOUNT.createKeyPair(key, secret);
  for (const db of Object.values(DATABASES)) await seedArchive(s3, db);
  // A timeline history file, read with GetObject during the scan.
  await s3.put(
    BUCKET,
    'pay/billing/wals/00000002.history',
    '1\t0/5000100\tno recovery target specified\n',
  );
  const proxy = await startFaultProxy({ upstreamPort: s3.port });
  const proxyHost = new URL(proxy.endpoint).host;

  const standin = await KubernetesStandin.start({ token: SECRETS.token });
  const seed = (o: any) => standin.store.seed(o);
  for (const ns of ['shop', 'pay']) {
    seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  seed({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'orders-s3', namespace: 'shop' },
    data: {
      ACCESS_KEY_ID: b64(SECRETS.ordersKey),
      ACCESS_SECRET_KEY: b64(SECRETS.ordersSecret),
    },
  });
  seed({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'billing-s3', namespace: 'pay' },
    data: {
      ACCESS_KEY_ID: b64(SECRETS.billingKey),
      ACCESS_SECRET_KEY: b64(SECRETS.billingSecret),
      APP_PASSWORD: b64(SECRETS.appPassword),
    },
  });
  const legacy = (
    db: DatabaseFixture,
    endpointURL: string,
    secret?: string,
  ) => ({
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: db.name, namespace: db.namespace },
    spec: {
      instances: 1,
      storage: { size: '1Gi' },
      backup: {
        retentionPolicy: '30d',
        barmanObjectStore: {
          destinationPath: `s3://${BUCKET}/${db.prefix}`,
          endpointURL,
          serverName: db.serverName,
          ...(secret
            ? {
                s3Credentials: {
                  accessKeyId: { name: secret, key: 'ACCESS_KEY_ID' },
                  secretAccessKey: { name: secret, key: 'ACCESS_SECRET_KEY' },
                },
              }
            : {
                s3Credentials: {
                  accessKeyId: { name: 'absent', key: 'ACCESS_KEY_ID' },
                  secretAccessKey: { name: 'absent', key: 'ACCESS_SECRET_KEY' },
                },
              }),
          wal: { compression: 'gzip' },
        },
      },
    },
    status: { phase: 'Cluster in healthy state' },
  });
  seed(legacy(DATABASES.orders, proxy.endpoint, 'orders-s3'));
  seed(legacy(DATABASES.ledger, LEDGER_DECLARED_ENDPOINT));
  seed({
    apiVersion: 'barmancloud.cnpg.io/v1',
    kind: 'ObjectStore',
    metadata: { name: 'billing-store', namespace: 'pay' },
    spec: {
      retentionPolicy: '30d',
      configuration: {
        destinationPath: `s3://${BUCKET}/pay`,
        endpointURL: proxy.endpoint,
        s3Credentials: {
          accessKeyId: { name: 'billing-s3', key: 'ACCESS_KEY_ID' },
          secretAccessKey: { name: 'billing-s3', key: 'ACCESS_SECRET_KEY' },
        },
        wal: { compression: 'gzip' },
      },
    },
  });
  seed({
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'billing', namespace: 'pay' },
    spec: {
      instances: 1,
      storage: { size: '1Gi' },
      plugins: [
        {
          name: 'barman-cloud.cloudnative-pg.io',
          isWALArchiver: true,
          parameters: {
            barmanObjectName: 'billing-store',
            serverName: 'billing',
          },
        },
      ],
    },
    status: { phase: 'Cluster in healthy state' },
  });

  const deadPort = await findFreePort();
  const config: JsonObject = {
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'k8s',
              url: standin.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: SECRETS.token,
            },
            {
              name: 'dead',
              url: `http://127.0.0.1:${deadPort}`,
              authProvider: 'serviceAccount',
              serviceAccountToken: SECRETS.token,
            },
          ],
        },
      ],
    },
    cnpgBackups: {
      s3: {
        allowedEndpoints: [proxyHost],
        endpoints: [
          {
            url: LEDGER_DECLARED_ENDPOINT,
            connectUrl: proxy.endpoint,
            provider: 'generic',
            credentials: {
              accessKeyId: SECRETS.configKey,
              secretAccessKey: SECRETS.configSecret,
            },
          },
        ],
      },
      cache: { ttlSeconds: options.cacheTtlSeconds ?? 0 },
      scan: { timeoutSeconds: 4 },
      ...((options.extraConfig?.cnpgBackups as JsonObject) ?? {}),
    },
  };
  return {
    standin,
    s3,
    proxy,
    config,
    entities: [
      entity('shop', 'k8s:shop/orders,k8s:pay/billing,k8s:shop/ledger'),
      entity(
        'shop-multi',
        'k8s:shop/orders,k8s:pay/billing,k8s:shop/ledger,dead:shop/orders',
      ),
      entity(
        'shop-ghost',
        'k8s:shop/orders,k8s:pay/billing,k8s:shop/ledger,k8s:pay/ghost',
      ),
    ],
    secretValues: Object.values(SECRETS),
    async close() {
      await standin.stop();
      await proxy.close();
      await s3.close();
      for (const [key] of registered) DUMMY_ACCOUNT.revokeAccessKey(key);
    },
  };
}
