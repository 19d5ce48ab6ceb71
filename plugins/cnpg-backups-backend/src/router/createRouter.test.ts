import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import { createRouter } from './createRouter';
import { StatusCache } from '../service/StatusCache';
import type { CnpgBackupsService } from '../service/types';

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

const otherEntity = {
  ...entity,
  metadata: {
    ...entity.metadata,
    name: 'payments',
    annotations: { 'cnpg.io/cluster': 'db/payments' },
  },
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
      claimedBy: [],
      available: true,
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
    permissions?: any;
    preSerialized?: (
      body: unknown,
    ) => { body: Buffer; etag: string } | undefined;
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
    permissions:
      options.permissions ??
      mockServices.permissions({
        result: options.result ?? AuthorizeResult.ALLOW,
      }),
    catalog: catalogServiceMock({ entities: [entity, otherEntity] }),
    auditor,
    service: svc,
    preSerialized: options.preSerialized,
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
    const seen: unknown[] = [];
    const { app: a } = await app({
      svc,
      preSerialized: body => {
        seen.push(body);
        return cache.preSerialized(body);
      },
    });
    const res = await request(a).get('/entities/component/default/shop/status');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).toBe(JSON.stringify(cached));
    // The bytes and ETag are the ones the cache made, not a second serialisation.
    expect(seen[0]).toBe(cached);
    expect(res.headers.etag).toBe(cache.preSerialized(cached)!.etag);
    // Without the seam the same response is serialised again: same JSON.
    const plain = await app({ svc });
    const again = await request(plain.app).get(
      '/entities/component/default/shop/status',
    );
    expect(again.text).toBe(res.text);
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
      claimedBy: [],
      available: true,
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

  it('creates a recovery Cluster (201) for the entity named in the body, and maps a conflict to 409', async () => {
    const svc = service();
    const { app: a, events } = await app({ svc });
    const manifest = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'orders-restore' },
    };
    await request(a)
      .post('/databases/prod/db/clusters')
      .send({ entityRef: 'component:default/shop', manifest })
      .expect(201);
    expect(svc.createCluster).toHaveBeenCalledWith(
      expect.objectContaining({
        kubernetesCluster: 'prod',
        namespace: 'db',
        entity: expect.objectContaining({
          metadata: expect.objectContaining({ name: 'shop' }),
        }),
      }),
    );
    svc.createCluster.mockRejectedValue(
      new ConflictError(
        'ServerNameTaken: serverName "orders-v2" is taken (archived to by Cluster db/orders)',
      ),
    );
    const res = await request(a)
      .post('/databases/prod/db/clusters')
      .send({ entityRef: 'component:default/shop', manifest });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/serverName "orders-v2" is taken/);
    expect(events.map(e => `${e.eventId}:${e.outcome}`)).toEqual([
      'cluster-create:success',
      'cluster-create:fail',
    ]);
    await request(a)
      .post('/databases/prod/db/clusters')
      .send({ entityRef: 'component:default/shop', manifest: 'nope' })
      .expect(400);
  });

  it('requires entityRef to create a Cluster (400), and 404 for an unknown entity', async () => {
    const svc = service();
    const { app: a } = await app({ svc });
    const manifest = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' };
    const missing = await request(a)
      .post('/databases/prod/db/clusters')
      .send({ manifest });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/entityRef/);
    await request(a)
      .post('/databases/prod/db/clusters')
      .send({ entityRef: 'component:default/nobody', manifest })
      .expect(404);
    expect(svc.createCluster).not.toHaveBeenCalled();
  });

  it('authorizes backup and recovery creation on the entity itself (resourceRef): allowed on one entity is not allowed on another', async () => {
    const requests: any[] = [];
    const permissions = {
      authorize: jest.fn(async (reqs: any[]) => {
        requests.push(...reqs);
        return reqs.map(r => ({
          result:
            r.resourceRef === 'component:default/shop'
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        }));
      }),
      authorizeConditional: jest.fn(),
    };
    const svc = service();
    const { app: a } = await app({ svc, permissions });
    const manifest = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' };
    await request(a)
      .post('/databases/prod/db/clusters')
      .send({ entityRef: 'component:default/shop', manifest })
      .expect(201);
    const denied = await request(a)
      .post('/databases/prod/db/clusters')
      .send({ entityRef: 'component:default/payments', manifest });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'Permission cnpg-backups.recovery.create denied on component:default/payments',
    );
    await request(a)
      .post('/backups')
      .send({
        entityRef: 'component:default/payments',
        kubernetesCluster: 'prod',
        namespace: 'db',
        cluster: 'payments',
      })
      .expect(403);
    expect(svc.createCluster).toHaveBeenCalledTimes(1);
    expect(svc.createBackup).not.toHaveBeenCalled();
    expect(
      requests.map(r => [r.permission.name, r.permission.type, r.resourceRef]),
    ).toEqual([
      ['cnpg-backups.recovery.create', 'resource', 'component:default/shop'],
      [
        'cnpg-backups.recovery.create',
        'resource',
        'component:default/payments',
      ],
      ['cnpg-backups.backup.create', 'resource', 'component:default/payments'],
    ]);
  });

  it('refuses a manifest nested 20,000 levels deep with 400, before the service or the auditor sees it', async () => {
    const svc = service();
    const { app: a, events } = await app({ svc });
    const depth = 20_000;
    const body = `{"entityRef":"component:default/shop","manifest":${'{"a":'.repeat(
      depth,
    )}1${'}'.repeat(depth)}}`;
    const res = await request(a)
      .post('/databases/prod/db/clusters')
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message: 'Invalid request body: JSON nested deeper than 64 levels',
    });
    expect(svc.createCluster).not.toHaveBeenCalled();
    expect(events).toEqual([]);
    // 64 levels is fine; brackets inside strings do not count.
    const ok = `{"entityRef":"component:default/shop","manifest":{"s":"${'['.repeat(
      500,
    )}","x":${'{"a":'.repeat(60)}1${'}'.repeat(60)}}}`;
    await request(a)
      .post('/databases/prod/db/clusters')
      .set('Content-Type', 'application/json')
      .send(ok)
      .expect(201);
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
      // A well-formed body: the refusal must come from the permission, not the input check.
      const body = path.startsWith('/backups')
        ? {
            entityRef: 'component:default/shop',
            kubernetesCluster: 'prod',
            namespace: 'db',
            cluster: 'orders',
          }
        : {
            entityRef: 'component:default/shop',
            manifest: { kind: 'Cluster' },
          };
      const res = await (request(a) as any)[method](path).send(body);
      expect(res.status).toBe(403);
      for (const fn of Object.values(svc)) expect(fn).not.toHaveBeenCalled();
    });
  });

  describe('order of the checks on the actions: authenticate, entityRef, permission on that entity, the rest', () => {
    const validBodies: Array<[string, object]> = [
      [
        '/backups',
        {
          entityRef: 'component:default/shop',
          kubernetesCluster: 'prod',
          namespace: 'db',
          cluster: 'orders',
        },
      ],
      [
        '/databases/prod/db/clusters',
        { entityRef: 'component:default/shop', manifest: { kind: 'Cluster' } },
      ],
    ];

    it.each(validBodies)(
      'POST %s without an entityRef is a 400 naming it, whatever the permissions (the permission needs the entity)',
      async (path, body) => {
        const { entityRef: _omitted, ...rest } = body as any;
        for (const result of [AuthorizeResult.ALLOW, AuthorizeResult.DENY]) {
          const { app: a, svc, events } = await app({ result });
          for (const sent of [rest, { ...rest, entityRef: 'not a ref:' }]) {
            const res = await request(a).post(path).send(sent);
            expect(res.status).toBe(400);
            expect(res.body.error.name).toBe('InputError');
            expect(res.body.error.message).toMatch(/entityRef/);
          }
          expect(events).toEqual([]);
          for (const fn of Object.values(svc))
            expect(fn).not.toHaveBeenCalled();
        }
      },
    );

    it.each(validBodies)(
      'POST %s by a caller denied on the entity is a 403 even when the rest of the body is malformed (no validation detail leaks)',
      async (path, body) => {
        const {
          app: a,
          svc,
          events,
        } = await app({
          result: AuthorizeResult.DENY,
        });
        const malformed = path.startsWith('/backups')
          ? { ...body, namespace: 'DB', cluster: '../x' }
          : { ...body, manifest: 'nope' };
        const res = await request(a).post(path).send(malformed);
        expect(res.status).toBe(403);
        expect(res.body.error.message).toMatch(
          /denied on component:default\/shop$/,
        );
        expect(events).toEqual([]);
        for (const fn of Object.values(svc)) expect(fn).not.toHaveBeenCalled();
      },
    );

    it.each(validBodies)(
      'POST %s by an allowed caller with a malformed rest of the body is a 400, before the audit',
      async (path, body) => {
        const { app: a, events } = await app();
        const malformed = path.startsWith('/backups')
          ? { ...body, namespace: 'DB' }
          : { ...body, manifest: 'nope' };
        const res = await request(a).post(path).send(malformed);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(
          path.startsWith('/backups') ? /namespace/ : /manifest/,
        );
        expect(events).toEqual([]);
      },
    );
  });
});
