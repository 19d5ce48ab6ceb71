/*
 * END TO END against the REAL cnpg-backups backend plugin running its demo environment (a
 * Kubernetes stand-in that validates CNPG objects with the real CRDs, and s3rver holding Barman
 * archives of the seeded runbooks):
 *  - the template is dry-run through the real scaffolder for each kind of database (plugin and
 *    legacy form, a recovered generation, a WAL gap);
 *  - plan → manifest → create run for real (not dry-run): the Cluster is created in the stand-in,
 *    and creating it again is a ConflictError (create semantics).
 */
import {
  coreServices,
  createBackendModule,
  type AuthService,
  type DiscoveryService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// Test only: the real backend plugin is the other end of the actions' REST calls.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import cnpgBackupsPlugin from '@cnpg-backups/plugin-cnpg-backups-backend';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import {
  createCnpgClusterCreateAction,
  createCnpgRecoveryManifestAction,
  createCnpgRecoveryPlanAction,
} from './actions';
import { scaffolderModuleCnpgBackups } from './module';

// The demo's clock is pinned (CNPG_DEMO_NOW, read by the demo at startup) so this suite never depends on the
// hour it runs at; set CNPG_DEMO_NOW yourself to run it at another instant.
process.env.CNPG_DEMO_NOW ??= '2026-11-22T10:17:00Z';

// The demo seeds ~14,000 archive objects into s3rver at start (about a minute on a busy machine).
jest.setTimeout(600_000);

const TEMPLATE = yaml.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../templates/restore-cnpg-database/template.yaml'), 'utf8'),
);

function stepStatuses(body: any): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const entry of body.log ?? []) {
    if (entry.body?.stepId && entry.body?.status) statuses[entry.body.stepId] = entry.body.status;
  }
  return statuses;
}

function outputsOf(ctx: ReturnType<typeof createMockActionContext>): Record<string, any> {
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}

describe('recovery end to end against the cnpg-backups demo backend', () => {
  let server: any;
  let stop: () => Promise<void>;
  const services: { discovery?: DiscoveryService; auth?: AuthService } = {};

  beforeAll(async () => {
    const captureServices = createBackendModule({
      pluginId: 'scaffolder',
      moduleId: 'e2e-capture',
      register(reg) {
        reg.registerInit({
          deps: { discovery: coreServices.discovery, auth: coreServices.auth },
          async init(deps) {
            Object.assign(services, deps);
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleCnpgBackups,
        captureServices,
        cnpgBackupsPlugin,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: { cnpgBackups: { demo: { enabled: true } } } }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
  });

  async function dryRun(values: Record<string, unknown>) {
    return request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({ template: TEMPLATE, values, directoryContents: [] });
  }

  function recoveryManifest(body: any): any {
    const text = body.output.text.find((t: any) => t.title.startsWith('Recovery manifest')).content;
    return yaml.parse(text.replace(/^```yaml\n/, '').replace(/\n```\s*$/, ''));
  }

  it('plugin form (payments): latest, archiving to the next serverName generation', async () => {
    const res = await dryRun({
      entityRef: 'component:default/payments',
      kubernetesCluster: 'demo',
      namespace: 'payments',
      cluster: 'payments-db',
      targetKind: 'latest',
      output: 'download',
    });
    expect(res.status).toBe(200);
    expect(stepStatuses(res.body)).toMatchObject({ plan: 'completed', manifest: 'completed' });
    const manifest = recoveryManifest(res.body);
    expect(manifest.metadata.name).toBe('payments-db-restore');
    expect(manifest.spec.externalClusters[0].plugin.parameters.serverName).toBe('payments-db');
    expect(manifest.spec.plugins.find((p: any) => p.isWALArchiver).parameters.serverName).toBe('payments-db-v2');
    expect(manifest.spec.bootstrap.recovery.recoveryTarget.backupID).toMatch(/^\d{8}T\d{6}$/);
    expect(manifest.spec.bootstrap.initdb).toBeUndefined();
  });

  it('legacy form (immich, seed 004): recovers from v2, archives to v3', async () => {
    const res = await dryRun({
      kubernetesCluster: 'demo',
      namespace: 'cloudnative-pg',
      cluster: 'immich-database',
      targetKind: 'latest',
      output: 'download',
    });
    expect(res.status).toBe(200);
    const manifest = recoveryManifest(res.body);
    expect(manifest.spec.externalClusters[0].barmanObjectStore.serverName).toBe('immich-database-v2');
    expect(manifest.spec.backup.barmanObjectStore.serverName).toBe('immich-database-v3');
    expect(manifest.spec.plugins).toBeUndefined();
  });

  it('recovered generation (awx, seed 002): never reuses the lineage', async () => {
    const res = await dryRun({
      kubernetesCluster: 'demo',
      namespace: 'postgres',
      cluster: 'postgres-cluster',
      targetKind: 'latest',
      output: 'download',
    });
    expect(res.status).toBe(200);
    const manifest = recoveryManifest(res.body);
    expect(manifest.spec.externalClusters[0].plugin.parameters.serverName).toBe('postgres-cluster-recovered');
    const archiveServerName = manifest.spec.plugins.find((p: any) => p.isWALArchiver).parameters.serverName;
    expect(archiveServerName).toBe('postgres-cluster-recovered-v2');
  });

  it('WAL gap (cnpg-main, seed 003): a time inside the gap is refused with the named error', async () => {
    const status = await request(server)
      .get('/api/cnpg-backups/databases/demo/apps/cnpg-main/status')
      .set('Authorization', mockCredentials.user.header());
    expect(status.status).toBe(200);
    const ranges = status.body.catalog.recoveryWindow.ranges;
    expect(ranges.length).toBeGreaterThan(1);
    // Just after the first range ends and before the next one starts: inside the gap.
    const inGap = new Date(Date.parse(ranges[0].to) + 1000).toISOString();
    expect(Date.parse(inGap)).toBeLessThan(Date.parse(ranges[1].from));
    const res = await dryRun({
      kubernetesCluster: 'demo',
      namespace: 'apps',
      cluster: 'cnpg-main',
      targetKind: 'time',
      targetTime: inGap,
      output: 'download',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^RecoveryTargetInWalGapError: /);
  });

  it('plan → manifest → create for real: the Cluster is created, and a second create is a conflict', async () => {
    const deps = { discovery: services.discovery!, auth: services.auth! };
    const credentials = mockCredentials.user();
    const context = (input: Record<string, any>) => ({
      ...createMockActionContext({ input }),
      getInitiatorCredentials: async () => credentials,
    });

    const planCtx = context({
      kubernetesCluster: 'demo',
      namespace: 'payments',
      cluster: 'payments-db',
      targetKind: 'latest',
      newClusterName: 'payments-db-e2e',
    });
    await createCnpgRecoveryPlanAction(deps).handler(planCtx as any);
    const plan = outputsOf(planCtx);

    const manifestCtx = context({ plan: plan.plan, sourceClusterSpec: plan.sourceClusterSpec, output: 'kubectl' });
    await createCnpgRecoveryManifestAction().handler(manifestCtx as any);
    const { manifest } = outputsOf(manifestCtx);

    const createCtx = context({ kubernetesCluster: 'demo', namespace: 'payments', manifest });
    await createCnpgClusterCreateAction(deps).handler(createCtx as any);
    expect(createCtx.output).toHaveBeenCalledWith('created', true);

    // The backend now sees the new Cluster in the (stand-in) Kubernetes cluster.
    const created = await request(server)
      .get('/api/cnpg-backups/databases/demo/payments/payments-db-e2e/status')
      .set('Authorization', mockCredentials.user.header());
    expect(created.status).toBe(200);
    expect(created.body.cluster.name).toBe('payments-db-e2e');
    expect(created.body.archive.serverName).toBe(plan.targetServerName);
    expect(created.body.recoverySources).toEqual([
      expect.objectContaining({ name: 'origin', serverName: 'payments-db' }),
    ]);

    const again = context({ kubernetesCluster: 'demo', namespace: 'payments', manifest });
    await expect(createCnpgClusterCreateAction(deps).handler(again as any)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/"payments-db-e2e" already exists in namespace payments/),
    });
  });
});
