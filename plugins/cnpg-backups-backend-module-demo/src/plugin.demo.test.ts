/*
 * The whole plugin with `cnpgBackups.demo.enabled`: the demo environment starts at init, its
 * Kubernetes stand-in is registered as cluster `demo`, its S3 endpoints are routed to s3rver,
 * and every seeded runbook shows up as the diagnosis it is about.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import cnpgBackupsPlugin from '@cnpg-backups/plugin-cnpg-backups-backend';
import { DEMO_DATABASE_EXPECTATIONS } from './demoExpectations';
import { cnpgBackupsModuleDemo } from './module';
import { DEMO_SECRET_MARKER } from './scenarios';

// The demo's clock is pinned (CNPG_DEMO_NOW, read by the demo at startup) so this suite never depends on the
// hour it runs at; set CNPG_DEMO_NOW yourself to run it at another instant.
process.env.CNPG_DEMO_NOW ??= '2026-11-22T10:17:00Z';

// The demo seeds ~14,000 archive objects into s3rver at start (about 45 s on an idle machine).
jest.setTimeout(400_000);

const DEMO = [
  ['obot', 'ai-system/obot-postgresql'],
  ['platform-postgres', 'databases/postgres'],
  ['awx', 'postgres/postgres-cluster'],
  ['cnpg-main', 'apps/cnpg-main'],
  ['immich', 'cloudnative-pg/immich-database'],
  ['payments', 'payments/payments-db'],
] as const;

const entities = DEMO.map(([name, ref]) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'cnpg.io/cluster': `demo:${ref}` },
  },
  spec: {},
}));

describe('cnpgBackupsPlugin with the demo environment', () => {
  let server: any;
  let stop: () => Promise<void>;
  const statuses: Record<string, { status: number; body: any; json: string }> =
    {};

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        cnpgBackupsPlugin,
        cnpgBackupsModuleDemo,
        mockServices.rootConfig.factory({
          data: { cnpgBackups: { demo: { enabled: true } } },
        }),
        catalogServiceMock.factory({ entities }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    for (const [name] of DEMO) {
      const res = await request(server).get(
        `/api/cnpg-backups/entities/component/default/${name}/status`,
      );
      statuses[name] = {
        status: res.status,
        body: res.body,
        json: JSON.stringify(res.body),
      };
    }
  });
  afterAll(async () => {
    await stop?.();
  });

  const db = (name: string): DatabaseStatus => statuses[name].body.databases[0];
  const ids = (name: string) => db(name).diagnoses.map(d => d.id);

  it('finds every demo database in the demo Kubernetes cluster, with the JSON of a real database (no demo flag)', () => {
    for (const [name, ref] of DEMO) {
      expect(statuses[name].status).toBe(200);
      expect(statuses[name].body.errors).toEqual([]);
      expect(db(name).id).toBe(`demo/${ref}`);
      expect(Object.keys(db(name))).not.toContain('demo');
    }
  });

  it('reads every archive through the Secret credentials (no S3 or Kubernetes errors)', () => {
    for (const [name] of DEMO) {
      expect({ name, errors: db(name).errors }).toEqual({ name, errors: [] });
      expect({ name, hasCatalog: db(name).catalog !== undefined }).toEqual({
        name,
        hasCatalog: true,
      });
    }
  });

  it('never returns a secret value', () => {
    for (const [name] of DEMO) {
      expect(statuses[name].json).not.toContain(DEMO_SECRET_MARKER);
    }
  });

  it('shows every demo database with its expected health and exactly its expected diagnoses', () => {
    expect(
      DEMO_DATABASE_EXPECTATIONS.map(e => ({
        entity: e.entity,
        health: db(e.entity).health.level,
        diagnoses: [...new Set(ids(e.entity))].sort(),
      })),
    ).toEqual(
      DEMO_DATABASE_EXPECTATIONS.map(e => ({
        entity: e.entity,
        health: e.health,
        diagnoses: [...e.diagnoses].sort(),
      })),
    );
  });

  it('computes the status on the demo clock (CNPG_DEMO_NOW), not the wall clock', () => {
    const pinned = Date.parse(process.env.CNPG_DEMO_NOW!);
    const generated = Date.parse(statuses.payments.body.generatedAt);
    // The demo clock advances in real time from the pinned instant: at most the suite's run time later.
    expect(generated).toBeGreaterThanOrEqual(pinned);
    expect(generated - pinned).toBeLessThan(400_000);
  });

  it('shows seed 000: checksum incompatibility and the stale archive', () => {
    expect(ids('obot')).toEqual(
      expect.arrayContaining([
        'checksum-incompatibility',
        'expected-empty-archive',
      ]),
    );
  });

  it('shows seed 001: a 5-field cron read seconds-first', () => {
    expect(ids('platform-postgres')).toContain('cron-five-fields');
  });

  it('shows seed 004: the legacy barmanObjectStore', () => {
    expect(ids('immich')).toContain('legacy-barman-object-store');
  });

  it('shows seed 003: the WAL gap from the bucket', () => {
    expect(ids('cnpg-main')).toContain('wal-gap');
  });

  it('shows the healthy database as healthy', () => {
    expect(db('payments').health.level).toBe('ok');
  });

  it('takes a backup now and the simulated operator picks it up', async () => {
    const res = await request(server).post('/api/cnpg-backups/backups').send({
      entityRef: 'component:default/payments',
      kubernetesCluster: 'demo',
      namespace: 'payments',
      cluster: 'payments-db',
    });
    expect(res.status).toBe(201);
    expect(res.body.backup.name).toMatch(/^payments-db-manual-\d{14}$/);
  });
});
