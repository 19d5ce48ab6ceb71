import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  cnpgBackupsArchiveExtensionPoint,
  cnpgBackupsClockExtensionPoint,
  cnpgBackupsKubernetesExtensionPoint,
  type CnpgBackupsArchiveExtensionPoint,
  type KubernetesClusterConnection,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import request from 'supertest';
import { cnpgBackupsPlugin } from './plugin';
import {
  FakeArchiveReaderFactory,
  FakeKubernetesClient,
} from './service/__testUtils__/fakes';
import {
  catalog,
  catalogBackup,
  objectStore,
  pluginCluster,
} from '@cnpg-backups/plugin-cnpg-backups-common/testUtils';

// A pinned instant far from the fixtures' NOW, so the status can only carry it through the clock point.
const PINNED = new Date('2031-02-28T23:30:00Z');

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: {
      'cnpg.io/cluster': 'db/orders',
      'cnpg.io/kubernetes-cluster': 'fake',
    },
  },
  spec: {},
};

function fakeWorld() {
  const client = new FakeKubernetesClient('fake');
  client.clusters.push(pluginCluster('orders'));
  client.objectStores.push(objectStore());
  client.secrets['db/s3-creds'] = {
    ACCESS_KEY_ID: 'id',
    ACCESS_SECRET_KEY: 'secret',
  };
  const readers = new FakeArchiveReaderFactory({
    '*': {
      catalogs: {
        's3://backups/cnpg|orders': catalog('orders', [
          catalogBackup('20250610T020000', '2025-06-10T02:00:10Z'),
        ]),
      },
    },
  });
  return { client, readers };
}

function moduleOf(register: (env: any) => void | Promise<void>) {
  return createBackendModule({
    pluginId: 'cnpg-backups',
    moduleId: `test-${Math.random().toString(36).slice(2)}`,
    register(env) {
      env.registerInit({
        deps: {
          kubernetes: cnpgBackupsKubernetesExtensionPoint,
          archive: cnpgBackupsArchiveExtensionPoint,
          clock: cnpgBackupsClockExtensionPoint,
        },
        init: async points => register(points),
      });
    },
  });
}

const features = () => [
  cnpgBackupsPlugin,
  catalogServiceMock.factory({ entities: [entity] }),
  mockServices.rootConfig.factory({
    data: { cnpgBackups: { refresh: { enabled: false } } },
  }),
];

describe('cnpgBackupsPlugin extension points', () => {
  it('serves a status from a module’s Kubernetes client, archive reader factory, endpoint and clock', async () => {
    const { client, readers } = fakeWorld();
    const { server } = await startTestBackend({
      features: [
        ...features(),
        moduleOf(({ kubernetes, archive, clock }) => {
          kubernetes.addClient(client);
          archive.addEndpoint({ url: 'http://minio.minio.svc:9000' });
          archive.setArchiveReaderFactory(readers);
          clock.setClock(() => PINNED);
        }),
      ],
    });
    const res = await request(server).get(
      '/api/cnpg-backups/entities/component/default/shop/status',
    );
    expect(res.status).toBe(200);
    expect(res.body.generatedAt).toBe(PINNED.toISOString());
    const [db] = res.body.databases;
    expect(db.id).toBe('fake/db/orders');
    expect(db.errors).toEqual([]);
    expect(db.catalog.backups.map((b: any) => b.id)).toEqual([
      '20250610T020000',
    ]);
    // The module's reader factory was used, for the endpoint the module allowed.
    expect(readers.connections.map(c => c.endpoint)).toEqual([
      'http://minio.minio.svc:9000',
    ]);
  });

  it('without the module the endpoint is not allowed: the archive is never read', async () => {
    const { client, readers } = fakeWorld();
    const { server } = await startTestBackend({
      features: [
        ...features(),
        moduleOf(({ kubernetes, archive }) => {
          kubernetes.addClient(client);
          archive.setArchiveReaderFactory(readers);
        }),
      ],
    });
    const res = await request(server).get(
      '/api/cnpg-backups/entities/component/default/shop/status',
    );
    expect(res.body.databases[0].errors).toEqual([
      expect.objectContaining({ name: 'EndpointNotAllowed' }),
    ]);
    expect(readers.connections).toEqual([]);
  });

  it('a replaced client factory receives config clusters of every authProvider and addCluster connections', async () => {
    const seen: KubernetesClusterConnection[] = [];
    const { server } = await startTestBackend({
      features: [
        cnpgBackupsPlugin,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'oidc-one',
                      url: 'https://k8s.example.com',
                      authProvider: 'oidc',
                    },
                  ],
                },
              ],
            },
            cnpgBackups: { refresh: { enabled: false } },
          },
        }),
        moduleOf(({ kubernetes }) => {
          kubernetes.addCluster({
            name: 'fake',
            url: 'https://fake.example.com',
            authProvider: 'serviceAccount',
          });
          kubernetes.setClientFactory({
            create: (connection: KubernetesClusterConnection) => {
              seen.push(connection);
              const c = fakeWorld().client;
              return Object.assign(c, { clusterName: connection.name });
            },
          });
        }),
      ],
    });
    expect(seen.map(c => `${c.name}:${c.authProvider}`)).toEqual([
      'oidc-one:oidc',
      'fake:serviceAccount',
    ]);
    const res = await request(server).get(
      '/api/cnpg-backups/databases/fake/db/orders/status',
    );
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('fake/db/orders');
  });

  it.each([
    [
      'a cluster name registered twice',
      (p: any) => {
        p.kubernetes.addClient(new FakeKubernetesClient('twice'));
        p.kubernetes.addClient(new FakeKubernetesClient('twice'));
      },
      /Kubernetes cluster "twice" \(a module\) is registered twice/,
    ],
    [
      'the archive reader factory set twice',
      (p: any) => {
        p.archive.setArchiveReaderFactory(new FakeArchiveReaderFactory({}));
        p.archive.setArchiveReaderFactory(new FakeArchiveReaderFactory({}));
      },
      /archive reader factory was already set by another module/,
    ],
    [
      'a clock that is not a function',
      (p: any) => p.clock.setClock(new Date()),
      /setClock needs a function/,
    ],
    [
      'an endpoint without a url',
      (p: any) => p.archive.addEndpoint({}),
      /addEndpoint: settings.url must be a non-empty string/,
    ],
    [
      'a client factory without create()',
      (p: any) => p.kubernetes.setClientFactory({}),
      /setClientFactory: the factory must be an object with a create\(\) method/,
    ],
  ])('refuses %s with a named error', async (_what, misuse, message) => {
    await expect(
      startTestBackend({ features: [...features(), moduleOf(misuse)] }),
    ).rejects.toThrow(message);
  });

  it('refuses registrations after the plugin started', async () => {
    let archive: CnpgBackupsArchiveExtensionPoint | undefined;
    await startTestBackend({
      features: [
        ...features(),
        moduleOf(points => {
          archive = points.archive;
        }),
      ],
    });
    expect(() => archive!.addEndpoint({ url: 'http://late:9000' })).toThrow(
      /addEndpoint was called after the plugin started/,
    );
  });
});
