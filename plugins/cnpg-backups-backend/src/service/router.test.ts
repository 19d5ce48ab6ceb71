import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';
import { StatusCache } from './StatusCache';
import type { CnpgBackupsService } from './types';

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

function service(): jest.Mocked<CnpgBackupsService> {
  return {
    getEntityStatus: jest.fn(async ({ entity: e }) => ({
      entityRef: `component:default/${e.metadata.name}`,
      databases: [],
      errors: [],
      generatedAt: 'now',
    })),
    getDatabaseStatus: jest.fn(
      async (_o: any) => ({ id: 'prod/db/orders' } as any),
    ),
    getServerNameEmptiness: jest.fn(async o => ({
      serverName: o.serverName,
      empty: true,
      walObjects: 0,
      destinationPath: 's3://b',
    })),
    createBackup: jest.fn(async (_o: any) => ({
      backup: { name: 'orders-manual-20250610120000' },
      namespace: 'db',
      kubernetesCluster: 'prod',
    })),
    createCluster: jest.fn(async o => ({
      kubernetesCluster: o.kubernetesCluster,
      namespace: o.namespace,
      name: 'orders-restore',
      uid: 'u',
    })),
  };
}

async function app(
  options: {
    result?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    svc?: jest.Mocked<CnpgBackupsService>;
  } = {},
) {
  const svc = options.svc ?? service();
  const events: Array<{ eventId: string; outcome?: string; meta?: unknown }> =
    [];
  const auditor = {
    createEvent: jest.fn(async (o: any) => {
      const event = {
        eventId: o.eventId,
        meta: o.meta,
      } as (typeof events)[number];
      events.push(event);
      return {
        success: async () => void (event.outcome = 'success'),
        fail: async () => void (event.outcome = 'fail'),
      };
    }),
  };
  const router = await createRouter({
    logger: mockServices.logger.mock(),
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions({
      result: options.result ?? AuthorizeResult.ALLOW,
    }),
    catalog: catalogServiceMock({ entities: [entity] }),
    auditor,
    service: svc,
  });
  return { app: express().use(router).use(mockErrorHandler()), svc, events };
}

describe('router', () => {
  it('serves /health', async () => {
    const { app: a } = await app();
    await request(a).get('/health').expect(200, { status: 'ok' });
  });

  it('returns the entity status, resolving the entity from the catalog', async () => {
    const { app: a, svc } = await app();
    const res = await request(a).get(
      '/entities/component/default/shop/status?refresh=true',
    );
    expect(res.status).toBe(200);
    expect(res.body.entityRef).toBe('component:default/shop');
    expect(svc.getEntityStatus).toHaveBeenCalledWith(
      expect.objectContaining({
        refresh: true,
        entity: expect.objectContaining({
          metadata: expect.objectContaining({ name: 'shop' }),
        }),
      }),
    );
  });

  it('sends a cached response as its pre-serialised JSON, still checking the caller every time', async () => {
    const cache = StatusCache.create({ ttlSeconds: 15 });
    const db = await cache.getStatus({
      id: 'prod/db/orders',
      build: async () => ({ id: 'prod/db/orders', errors: [] } as any),
    });
    const cached = {
      entityRef: 'component:default/shop',
      databases: [db],
      errors: [],
      generatedAt: 'cached',
    };
    cache.setEntityResponse('shop', cached, [db]);
    const svc = service();
    svc.getEntityStatus.mockResolvedValue(cached);
    const { app: a } = await app({ svc });
    const res = await request(a).get('/entities/component/default/shop/status');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).toBe(JSON.stringify(cached));
    expect(res.headers.etag).toBeDefined();
    // The ETag still answers conditional requests.
    await request(a)
      .get('/entities/component/default/shop/status')
      .set('If-None-Match', res.headers.etag)
      .expect(304);
    // Denied callers never see it, cached or not.
    const denied = await app({ svc, result: AuthorizeResult.DENY });
    await request(denied.app)
      .get('/entities/component/default/shop/status')
      .expect(403);
  });

  it('404s an unknown entity and 400s a bad query', async () => {
    const { app: a } = await app();
    const missing = await request(a).get(
      '/entities/component/default/nope/status',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.name).toBe('NotFoundError');
    const bad = await request(a).get(
      '/entities/component/default/shop/status?refresh=maybe',
    );
    expect(bad.status).toBe(400);
  });

  it('creates a backup (201) and audits it', async () => {
    const { app: a, svc, events } = await app();
    const res = await request(a).post('/backups').send({
      entityRef: 'component:default/shop',
      kubernetesCluster: 'prod',
      namespace: 'db',
      cluster: 'orders',
    });
    expect(res.status).toBe(201);
    expect(res.body.backup.name).toBe('orders-manual-20250610120000');
    expect(svc.createBackup).toHaveBeenCalledWith(
      expect.objectContaining({
        kubernetesCluster: 'prod',
        namespace: 'db',
        cluster: 'orders',
        requestedBy: 'user:default/mock',
      }),
    );
    expect(events).toEqual([
      {
        eventId: 'backup-create',
        outcome: 'success',
        meta: expect.objectContaining({ cluster: 'orders' }),
      },
    ]);
  });

  it('audits a failed backup and passes the service error through (403)', async () => {
    const svc = service();
    svc.createBackup.mockRejectedValue(new NotAllowedError('does not own'));
    const { app: a, events } = await app({ svc });
    const res = await request(a).post('/backups').send({
      entityRef: 'component:default/shop',
      kubernetesCluster: 'prod',
      namespace: 'db',
      cluster: 'billing',
    });
    expect(res.status).toBe(403);
    expect(events[0].outcome).toBe('fail');
  });

  it.each([
    [{}, /entityRef/],
    [
      {
        entityRef: 'component:default/shop',
        kubernetesCluster: 'prod',
        namespace: 'DB',
        cluster: 'orders',
      },
      /namespace: must be a DNS-1123 label/,
    ],
    [
      {
        entityRef: 'component:default/shop',
        kubernetesCluster: 'prod',
        namespace: 'db',
        cluster: 'orders/../x',
      },
      /cluster/,
    ],
  ])('rejects invalid backup bodies %j', async (body, message) => {
    const { app: a, svc } = await app();
    const res = await request(a).post('/backups').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(svc.createBackup).not.toHaveBeenCalled();
  });

  it('404s a backup for an entity that does not exist', async () => {
    const { app: a } = await app();
    const res = await request(a).post('/backups').send({
      entityRef: 'component:default/ghost',
      kubernetesCluster: 'prod',
      namespace: 'db',
      cluster: 'orders',
    });
    expect(res.status).toBe(404);
  });

  it('serves one database status and serverName emptiness', async () => {
    const { app: a, svc } = await app();
    await request(a)
      .get('/databases/prod/db/orders/status')
      .expect(200, { id: 'prod/db/orders' });
    const res = await request(a).get(
      '/databases/prod/db/orders/server-names/orders-v2',
    );
    expect(res.body).toEqual({
      serverName: 'orders-v2',
      empty: true,
      walObjects: 0,
      destinationPath: 's3://b',
    });
    expect(svc.getServerNameEmptiness).toHaveBeenCalledWith({
      kubernetesCluster: 'prod',
      namespace: 'db',
      name: 'orders',
      serverName: 'orders-v2',
    });
    await request(a)
      .get('/databases/prod/db/orders/server-names/..')
      .expect(400);
  });

  it('creates a recovery Cluster (201), and maps a conflict to 409', async () => {
    const svc = service();
    const { app: a, events } = await app({ svc });
    const manifest = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'orders-restore' },
    };
    await request(a)
      .post('/databases/prod/db/clusters')
      .send({ manifest })
      .expect(201);
    svc.createCluster.mockRejectedValue(
      new ConflictError(
        'already exists: use a new name; recovery must create a new cluster',
      ),
    );
    const res = await request(a)
      .post('/databases/prod/db/clusters')
      .send({ manifest });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /recovery must create a new cluster/,
    );
    expect(events.map(e => `${e.eventId}:${e.outcome}`)).toEqual([
      'cluster-create:success',
      'cluster-create:fail',
    ]);
    await request(a)
      .post('/databases/prod/db/clusters')
      .send({ manifest: 'nope' })
      .expect(400);
  });

  describe('with every permission denied', () => {
    it.each([
      ['get', '/entities/component/default/shop/status'],
      ['post', '/backups'],
      ['get', '/databases/prod/db/orders/status'],
      ['get', '/databases/prod/db/orders/server-names/orders-v2'],
      ['post', '/databases/prod/db/clusters'],
    ])('%s %s → 403', async (method, path) => {
      const { app: a, svc } = await app({ result: AuthorizeResult.DENY });
      const res = await (request(a) as any)[method](path).send({});
      expect(res.status).toBe(403);
      for (const fn of Object.values(svc)) expect(fn).not.toHaveBeenCalled();
    });
  });
});
