/*
 * The demo's control routes on the real cnpg-backups plugin: the demo data is built into memory at a pinned
 * instant (no s3rver), its Kubernetes objects are served by the real stand-in, and the routes are mounted
 * the way the demo module mounts them (a module of the plugin: the plugin's router and scheduler).
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import cnpgBackupsPlugin from '@cnpg-backups/plugin-cnpg-backups-backend';
import {
  BarmanArchiveScanner,
  cnpgBackupsArchiveExtensionPoint,
  cnpgBackupsClockExtensionPoint,
  cnpgBackupsKubernetesExtensionPoint,
  type ArchiveReaderFactory,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import request from 'supertest';
import { cnpgBackupsModuleDemo } from '../module';
import { MemoryObjectStore } from '../s3/MemoryObjectStore';
import { BOTO3_CHECKSUM_ERROR, buildDemoDatabases } from '../scenarios';
import { KubernetesStandin } from '../standin';
import { DemoFaults } from './DemoFaults';
import { createDemoRouter } from './demoRouter';

jest.setTimeout(120_000);

// Pinned: the demo data and every status are computed at this instant, whatever the hour of the run.
const NOW = new Date('2026-11-22T10:17:00Z');
const PAYMENTS = '/api/cnpg-backups/databases/demo/payments/payments-db/status';

describe('demo control routes', () => {
  let standin: KubernetesStandin;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const server = () => backend.server;
  const user = mockCredentials.user.header('user:default/guest');

  beforeAll(async () => {
    const objects = new MemoryObjectStore();
    const databases = buildDemoDatabases({ now: NOW, writer: objects });
    standin = await KubernetesStandin.start({ now: () => NOW });
    for (const db of databases)
      for (const obj of db.objects) standin.store.seed(obj);
    const archiveReaders: ArchiveReaderFactory = {
      create() {
        const scanner = BarmanArchiveScanner.create({
          client: objects.client(),
          concurrency: 8,
          now: () => NOW,
        });
        return {
          scan: o =>
            scanner.scan({
              destination: o.destination,
              serverName: o.serverName,
            }),
          listServerNames: o => scanner.listServerNames(o),
          isServerNameEmpty: o => scanner.isServerNameEmpty(o),
        };
      },
    };
    const demoInMemory = createBackendModule({
      pluginId: 'cnpg-backups',
      moduleId: 'demo-in-memory',
      register(env) {
        env.registerInit({
          deps: {
            kubernetes: cnpgBackupsKubernetesExtensionPoint,
            archive: cnpgBackupsArchiveExtensionPoint,
            clock: cnpgBackupsClockExtensionPoint,
            httpRouter: coreServices.httpRouter,
            httpAuth: coreServices.httpAuth,
            scheduler: coreServices.scheduler,
            logger: coreServices.logger,
          },
          async init(deps) {
            deps.kubernetes.addCluster({
              name: 'demo',
              url: standin.url,
              token: standin.token,
              authProvider: 'serviceAccount',
            });
            for (const db of databases) {
              deps.archive.addEndpoint({
                url: db.declaredEndpoint,
                connectUrl: 'http://127.0.0.1:1',
                provider: 'generic',
                region: 'us-east-1',
              });
            }
            deps.archive.setArchiveReaderFactory(archiveReaders);
            deps.clock.setClock(() => NOW);
            deps.httpRouter.use(
              createDemoRouter({
                faults: new DemoFaults({
                  store: standin.store,
                  databases,
                  now: () => NOW,
                }),
                scheduler: deps.scheduler,
                httpAuth: deps.httpAuth,
                logger: deps.logger,
              }),
            );
          },
        });
      },
    });
    backend = await startTestBackend({
      features: [
        cnpgBackupsPlugin,
        demoInMemory,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: {
            cnpgBackups: {
              refresh: { enabled: false },
              cache: { ttlSeconds: 0, statusTtlSeconds: 0 },
              // Scheduled (so it can be triggered), never due during the test.
              fleet: { refresh: { initialDelay: { hours: 1 } } },
            },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await standin?.stop();
  });

  it('injects archiving-failing into payments (health error, the boto3 message), lists it, heals it (health ok)', async () => {
    const before = await request(server())
      .get(PAYMENTS)
      .set('Authorization', user);
    expect(before.status).toBe(200);
    expect(before.body.health.level).toBe('ok');

    const put = await request(server())
      .put('/api/cnpg-backups/demo/faults/payments')
      .set('Authorization', user)
      .send({ fault: 'archiving-failing' });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      database: 'payments',
      namespace: 'payments',
      cluster: 'payments-db',
      fault: 'archiving-failing',
      injectedAt: NOW.toISOString(),
    });
    const faulty = await request(server())
      .get(PAYMENTS)
      .set('Authorization', user);
    expect(faulty.body.health.level).toBe('error');
    expect(faulty.body.health.archiving.text).toContain(BOTO3_CHECKSUM_ERROR);

    // Idempotent: the same fault again changes nothing and is listed once.
    await request(server())
      .put('/api/cnpg-backups/demo/faults/payments')
      .set('Authorization', user)
      .send({ fault: 'archiving-failing' })
      .expect(200);
    const list = await request(server())
      .get('/api/cnpg-backups/demo/faults')
      .set('Authorization', user);
    expect(
      list.body.items.map((f: { database: string }) => f.database),
    ).toEqual(['payments']);

    const healed = await request(server())
      .delete('/api/cnpg-backups/demo/faults/payments')
      .set('Authorization', user);
    expect(healed.status).toBe(200);
    const after = await request(server())
      .get(PAYMENTS)
      .set('Authorization', user);
    expect(after.body.health.level).toBe('ok');
    expect(after.body.health.archiving.text).toBe(
      'Continuous archiving is working',
    );
    // A second heal: nothing to heal, said so.
    const again = await request(server())
      .delete('/api/cnpg-backups/demo/faults/payments')
      .set('Authorization', user);
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe(
      'The demo database "payments" has no active fault',
    );
  });

  it('rejects unknown databases, unknown faults, bad bodies and callers who are not signed-in users, with named errors', async () => {
    const put = (path: string, body: unknown, auth = user) =>
      request(server())
        .put(`/api/cnpg-backups/demo/faults/${path}`)
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
    const unknownDb = await put('nope', { fault: 'archiving-failing' });
    expect(unknownDb.status).toBe(404);
    expect(unknownDb.body.error.message).toBe(
      '"nope" is not a demo database; the demo databases are: awx, cnpg-main, immich, obot, payments, platform-postgres',
    );
    const unknownFault = await put('payments', { fault: 'rm -rf' });
    expect(unknownFault.status).toBe(400);
    expect(unknownFault.body.error.message).toBe(
      'The fault must be one of: archiving-failing (got "rm -rf")',
    );
    const noFault = await put('payments', {});
    expect(noFault.status).toBe(400);
    expect(noFault.body.error.message).toBe(
      'The fault must be one of: archiving-failing (got a undefined)',
    );
    const extra = await put('payments', { fault: 'archiving-failing', x: 1 });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toBe('Unknown field(s) in the body: x');
    const array = await put('payments', ['archiving-failing']);
    expect(array.status).toBe(400);
    const service = await put(
      'payments',
      { fault: 'archiving-failing' },
      mockCredentials.service.header(),
    );
    expect(service.status).toBe(403);
    const anonymous = await request(server())
      .get('/api/cnpg-backups/demo/faults')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    // Nothing was injected by any of these.
    const list = await request(server())
      .get('/api/cnpg-backups/demo/faults')
      .set('Authorization', user);
    expect(list.body.items).toEqual([]);
  });

  it("triggers the plugin's own fleet refresh task (the ids agree: an unknown task would be a 404)", async () => {
    const res = await request(server())
      .post('/api/cnpg-backups/demo/fleet/refresh')
      .set('Authorization', user);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      task: 'cnpg-backups-fleet-refresh',
      triggered: true,
    });
  });
});

describe('the demo module without cnpgBackups.demo.enabled', () => {
  it('mounts no demo route', async () => {
    const backend = await startTestBackend({
      features: [
        cnpgBackupsPlugin,
        cnpgBackupsModuleDemo,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: { cnpgBackups: { fleet: { enabled: false } } },
        }),
      ],
    });
    try {
      const res = await request(backend.server)
        .get('/api/cnpg-backups/demo/faults')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });
});
