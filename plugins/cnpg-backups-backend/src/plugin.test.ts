import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { KubernetesStandin } from '@cnpg-backups/plugin-cnpg-backups-backend-module-demo/testUtils';
import { cnpgBackupsPlugin } from './plugin';

jest.setTimeout(60_000);

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: { 'cnpg.io/cluster': 'db/orders' },
  },
  spec: {},
};

describe('cnpgBackupsPlugin', () => {
  let standin: KubernetesStandin;

  beforeAll(async () => {
    standin = await KubernetesStandin.start({ token: 'plugin-test-token' });
    standin.store.seed({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'orders', namespace: 'db' },
      spec: {
        instances: 1,
        storage: { size: '1Gi' },
        backup: {
          barmanObjectStore: {
            destinationPath: 's3://backups/cnpg',
            endpointURL: 'https://not-allowed.example.com',
          },
        },
      },
      status: { phase: 'Cluster in healthy state' },
    } as any);
  });
  afterAll(async () => {
    await standin?.stop();
  });

  const config = () =>
    mockServices.rootConfig.factory({
      data: {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'local',
                  url: standin.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'plugin-test-token',
                },
              ],
            },
          ],
        },
        cnpgBackups: { cache: { ttlSeconds: 5 } },
      },
    });

  it('serves an unauthenticated health check', async () => {
    const { server } = await startTestBackend({
      features: [
        cnpgBackupsPlugin,
        catalogServiceMock.factory({ entities: [entity] }),
      ],
    });
    const res = await request(server).get('/api/cnpg-backups/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('reads Kubernetes clusters from the kubernetes config and serves entity status and backups', async () => {
    const { server } = await startTestBackend({
      features: [
        cnpgBackupsPlugin,
        config(),
        catalogServiceMock.factory({ entities: [entity] }),
      ],
    });
    const res = await request(server).get(
      '/api/cnpg-backups/entities/component/default/shop/status',
    );
    expect(res.status).toBe(200);
    const [db] = res.body.databases;
    expect(db.id).toBe('local/db/orders');
    expect(db.archive).toMatchObject({ form: 'legacy', bucket: 'backups' });
    // The endpoint is not in cnpgBackups.s3.allowedEndpoints: never contacted.
    expect(db.errors).toEqual([
      expect.objectContaining({ name: 'EndpointNotAllowed' }),
    ]);
    expect(db.diagnoses.map((d: any) => d.id)).toContain(
      'legacy-barman-object-store',
    );

    const created = await request(server)
      .post('/api/cnpg-backups/backups')
      .send({
        entityRef: 'component:default/shop',
        kubernetesCluster: 'local',
        namespace: 'db',
        cluster: 'orders',
      });
    expect(created.status).toBe(201);
    expect(created.body.backup).toMatchObject({
      name: expect.stringMatching(/^orders-manual-\d{14}$/),
      method: 'barmanObjectStore',
    });
  });

  describe('with every permission denied', () => {
    const features = () => [
      cnpgBackupsPlugin,
      config(),
      catalogServiceMock.factory({ entities: [entity] }),
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    ];
    // Well-formed bodies naming an entity that exists: the refusal must come from the
    // permission on that entity, not from an input check.
    const bodies: Record<string, object> = {
      '/api/cnpg-backups/backups': {
        entityRef: 'component:default/shop',
        kubernetesCluster: 'local',
        namespace: 'db',
        cluster: 'orders',
      },
      '/api/cnpg-backups/databases/local/db/clusters': {
        entityRef: 'component:default/shop',
        manifest: {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Cluster',
          metadata: { name: 'orders-restore' },
        },
      },
    };

    it.each([
      ['get', '/api/cnpg-backups/entities/component/default/shop/status'],
      ['post', '/api/cnpg-backups/backups'],
      ['get', '/api/cnpg-backups/databases/local/db/orders/status'],
      [
        'get',
        '/api/cnpg-backups/databases/local/db/orders/server-names/orders-v2',
      ],
      ['post', '/api/cnpg-backups/databases/local/db/clusters'],
    ])('%s %s → 403', async (method, path) => {
      const { server } = await startTestBackend({ features: features() });
      const res = await (request(server) as any)
        [method](path)
        .send(bodies[path] ?? {});
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      // The POSTs are denied on the entity their body names (a resource permission).
      expect(res.body.error.message).toMatch(
        method === 'post' ? /denied on component:default\/shop$/ : /denied$/,
      );
    });

    it.each(Object.keys(bodies))(
      'post %s without an entityRef → 400 (no entity to check the permission on)',
      async path => {
        const { server } = await startTestBackend({ features: features() });
        const { entityRef: _omitted, ...rest } = bodies[path] as any;
        const res = await request(server).post(path).send(rest);
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toMatch(/entityRef/);
      },
    );
  });
});
