import {
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Entity } from '@backstage/catalog-model';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { createRouteAuthorizer } from '../router/authorize';
import { addFleetRoutes } from './fleetRoutes';
import { FleetRefresher } from './FleetRefresher';
import { FleetSnapshotStore } from './FleetSnapshotStore';

jest.setTimeout(60_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const T0 = Date.parse('2026-03-01T00:00:00Z');
const SECRET = 'sk-super-secret-value';

const cluster = (
  namespace: string,
  name: string,
  labels?: Record<string, string>,
) =>
  ({
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { namespace, name, labels },
    spec: {},
  } as any);

const entity = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { owner: 'group:default/team-a', system: 'system:default/shop' },
});

function status(
  k8s: string,
  ns: string,
  name: string,
  nowMs: number,
): DatabaseStatus {
  return {
    id: `${k8s}/${ns}/${name}`,
    cluster: { kubernetesCluster: k8s, namespace: ns, name, conditions: [] },
    health: {
      level: name === 'broken' ? 'error' : 'ok',
      summary: 'fine',
      archiving: { level: 'ok', text: '' },
      lastBackup: { level: 'ok', text: '' },
      schedule: { level: 'ok', text: '' },
    },
    archive: {
      form: 'plugin',
      destinationPath: 's3://bucket/x',
      bucket: 'bucket',
      prefix: 'x',
      endpointURL: `https://${SECRET}@s3.example.com`,
      provider: 'r2',
      serverName: name,
      credentials: { accessKeyId: { name: SECRET, key: SECRET } },
    } as any,
    recoverySources: [],
    recoveryWindow: {
      effective: {
        basis: 'bucket',
        from: new Date(nowMs - 86_400_000).toISOString(),
        to: new Date(nowMs - 120_000).toISOString(),
      },
      agreement: 'agree',
    },
    backups: [],
    schedules: [],
    lineage: [],
    diagnoses:
      name === 'broken'
        ? [
            {
              id: 'wal-gap',
              severity: 'error',
              message: 'WAL gap',
              evidence: [SECRET],
              fix: 'take a backup',
              fixSnippet: SECRET,
            },
          ]
        : [],
    errors: [],
    actions: {},
    clusterSpec: { secret: SECRET },
    catalog: {
      wal: { timelines: [{ gaps: name === 'broken' ? [{}, {}] : [] }] },
      scan: { requests: 3, durationMs: 5 },
    } as any,
  };
}

async function world(options: { failList?: boolean } = {}) {
  const knex = await databases.init('SQLITE_3');
  const store = await FleetSnapshotStore.create({
    database: { getClient: async () => knex },
  });
  let nowMs = T0;
  const now = () => new Date(nowMs);
  let inFlight = 0;
  let maxInFlight = 0;
  const service = {
    getDatabaseStatus: jest.fn(async (o: any) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise(r => setTimeout(r, 5));
      inFlight -= 1;
      if (o.name === 'throws') throw new Error('Kubernetes said 500');
      return status(o.kubernetesCluster, o.namespace, o.name, nowMs);
    }),
  };
  const prod = {
    clusterName: 'prod',
    listClusters: async () => [
      cluster('db', 'orders'),
      cluster('db', 'broken'),
      cluster('db', 'labelled', { 'backstage.io/kubernetes-id': 'pay' }),
      cluster('ops', 'stray'),
      cluster('ops', 'throws'),
      ...Array.from({ length: 10 }, (_, i) => cluster('bulk', `db-${i}`)),
    ],
  } as any;
  const eu = {
    clusterName: 'eu',
    listClusters: async () => {
      if (options.failList) throw new Error('connection refused');
      return [cluster('db', 'orders')];
    },
  } as any;
  const refresher = new FleetRefresher({
    kubernetes: { list: () => [prod, eu] },
    entities: {
      entities: async () => [
        entity('shop', { 'cnpg.io/cluster': 'prod:db/orders, db/broken' }),
        entity('pay', { 'backstage.io/kubernetes-id': 'pay' }),
        entity('bad', { 'cnpg.io/cluster': 'not a ref' }),
      ],
    },
    service,
    store,
    logger: mockServices.logger.mock(),
    now,
    concurrency: 3,
  });
  return {
    store,
    refresher,
    service,
    setNow: (ms: number) => (nowMs = ms),
    maxInFlight: () => maxInFlight,
  };
}

describe('FleetRefresher', () => {
  it('snapshots every Cluster of every Kubernetes cluster, owned or not, with bounded concurrency', async () => {
    const w = await world();
    const result = await w.refresher.refresh();
    expect(result.databases).toBe(16);
    expect(result.failures).toBe(1);
    expect(w.maxInFlight()).toBe(3);
    // Fresh statuses, not kept in the status cache (a whole fleet of them would only cost memory).
    expect(w.service.getDatabaseStatus).toHaveBeenCalledWith(
      expect.objectContaining({ refresh: true, keep: false }),
    );
    const { rows } = await w.store.latestRows();
    const byId = new Map(rows.map(r => [r.databaseId, r]));
    expect(byId.get('prod/db/orders')!.entityRef).toBe(
      'component:default/shop',
    );
    expect(byId.get('prod/db/orders')!.owner).toBe('group:default/team-a');
    expect(byId.get('prod/db/broken')!.entityRef).toBe(
      'component:default/shop',
    );
    expect(byId.get('prod/db/labelled')!.entityRef).toBe(
      'component:default/pay',
    );
    // `db/orders` without a pin matches the eu one too? No: the shop entity pins prod.
    expect(byId.get('eu/db/orders')!.entityRef).toBeUndefined();
    expect(byId.get('eu/db/orders')!.claimSnippet).toContain(
      'cnpg.io/cluster: eu:db/orders',
    );
    expect(byId.get('prod/ops/stray')!.entityRef).toBeUndefined();
    const failed = byId.get('prod/ops/throws')!;
    expect(failed.health).toBe('unknown');
    expect(failed.healthSummary).toBe(
      'Status could not be computed: Error: Kubernetes said 500',
    );
    const broken = byId.get('prod/db/broken')!;
    expect(broken).toMatchObject({
      health: 'error',
      walGapCount: 2,
      provider: 'r2',
      exposureSeconds: 120,
      diagnoses: [
        {
          id: 'wal-gap',
          severity: 'error',
          title: 'WAL gap',
          fix: 'take a backup',
        },
      ],
      diagnosisFirstSeen: { 'wal-gap': new Date(T0).toISOString() },
    });
  });

  it('stores no secret, endpoint or cluster spec in a snapshot', async () => {
    const w = await world();
    await w.refresher.refresh();
    const { rows } = await w.store.latestRows();
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('s3.example.com');
    expect(stored).not.toContain('clusterSpec');
  });

  it('calls listeners once per refresh with the previous stored snapshot and the owning entity', async () => {
    const w = await world();
    const calls: any[] = [];
    w.refresher.addSnapshotListener({
      onSnapshots: async c => {
        calls.push(c);
      },
    });
    w.refresher.addSnapshotListener({
      onSnapshots: async () => {
        throw new Error('listener bug');
      },
    });
    await w.refresher.refresh();
    w.setNow(T0 + 300_000);
    await w.refresher.refresh();
    expect(calls).toHaveLength(2);
    const orders = (i: number) =>
      calls[i].find((c: any) => c.current.databaseId === 'prod/db/orders');
    expect(orders(0).previous).toBeUndefined();
    expect(orders(0).entity.metadata.name).toBe('shop');
    expect(orders(1).previous.takenAt).toBe(new Date(T0).toISOString());
    expect(orders(1).current.takenAt).toBe(
      new Date(T0 + 300_000).toISOString(),
    );
    expect(() => w.refresher.addSnapshotListener({} as any)).toThrow(
      /onSnapshots method/,
    );
  });

  it('keeps the databases of a Kubernetes cluster that could not be listed', async () => {
    const w = await world();
    await w.refresher.refresh();
    const w2 = await world({ failList: true });
    // Same store, a refresh where eu fails to list.
    const refresher = new FleetRefresher({
      kubernetes: {
        list: () => [
          {
            clusterName: 'eu',
            listClusters: async () => {
              throw new Error('down');
            },
          } as any,
        ],
      },
      entities: { entities: async () => [] },
      service: w2.service,
      store: w.store,
      logger: mockServices.logger.mock(),
      now: () => new Date(T0 + 60_000),
    });
    const result = await refresher.refresh();
    expect(result.listedKubernetesClusters).toEqual([]);
    const { rows } = await w.store.latestRows();
    expect(rows.some(r => r.databaseId === 'eu/db/orders')).toBe(true);
  });
});

describe('fleet routes', () => {
  async function app(decisions: Record<string, AuthorizeResult>) {
    const w = await world();
    await w.refresher.refresh();
    const permissions = {
      authorize: jest.fn(async (requests: any[]) =>
        requests.map(r => ({
          result: decisions[r.permission.name] ?? AuthorizeResult.DENY,
        })),
      ),
      authorizeConditional: jest.fn(),
    } as any;
    const router = Router();
    addFleetRoutes(router, {
      auth: createRouteAuthorizer({
        httpAuth: mockServices.httpAuth(),
        permissions,
      }),
      fleet: { store: w.store, now: () => new Date(T0 + 1000) },
    });
    return express().use(router).use(mockErrorHandler());
  }
  const ALLOW = AuthorizeResult.ALLOW;

  it('GET /fleet answers a page in risk order with counts', async () => {
    const res = await request(
      await app({ 'cnpg-backups.fleet.read': ALLOW }),
    ).get('/fleet?limit=2');
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe(16);
    expect(res.body.items.map((r: any) => r.databaseId)).toEqual([
      'prod/db/broken',
      'prod/ops/throws',
    ]);
    expect(res.body.countsByHealth).toEqual({
      error: 1,
      warning: 0,
      unknown: 1,
      ok: 14,
    });
    expect(res.body.refreshedAt).toBe(new Date(T0).toISOString());
  });

  it('GET /fleet: 403 without fleet.read (status.read is not enough), 400 naming a bad parameter', async () => {
    const denied = await request(
      await app({ 'cnpg-backups.status.read': ALLOW }),
    ).get('/fleet');
    expect(denied.status).toBe(403);
    const bad = await request(
      await app({ 'cnpg-backups.fleet.read': ALLOW }),
    ).get('/fleet?sort=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/"sort" must be one of/);
  });

  it('GET history: with fleet.read or status.read; 404 for an unknown database; 400 for bad days', async () => {
    for (const perm of [
      'cnpg-backups.fleet.read',
      'cnpg-backups.status.read',
    ]) {
      const res = await request(await app({ [perm]: ALLOW })).get(
        '/fleet/databases/prod/db/orders/history?days=30',
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        databaseId: 'prod/db/orders',
        points: [
          {
            takenAt: new Date(T0).toISOString(),
            health: 'ok',
            exposureSeconds: 120,
            recoverable: true,
          },
        ],
        recoverableRatio30d: 1,
        diagnosisFirstSeen: {},
      });
    }
    const a = await app({ 'cnpg-backups.fleet.read': ALLOW });
    expect(
      (await request(a).get('/fleet/databases/prod/db/nope/history')).status,
    ).toBe(404);
    const bad = await request(a).get(
      '/fleet/databases/prod/db/orders/history?days=91',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /"days" must be an integer from 1 to 90/,
    );
    expect(
      (await request(a).get('/fleet/databases/prod/DB!/orders/history')).status,
    ).toBe(400);
    expect(
      (
        await request(await app({})).get(
          '/fleet/databases/prod/db/orders/history',
        )
      ).status,
    ).toBe(403);
  });
});
