/*
 * END TO END against the REAL cnpg-backups backend plugin running its demo environment (a
 * Kubernetes stand-in that validates CNPG objects with the real CRDs, and s3rver holding Barman
 * archives of the seeded runbooks):
 *  - the template is dry-run through the real scaffolder for each kind of database (plugin and
 *    legacy form, a recovered generation, a WAL gap);
 *  - plan → manifest → create run for real (not dry-run) on behalf of the entity that declares the
 *    database (the demo's catalog, examples/cnpg-demo-entities.yaml): the Cluster is created in the
 *    stand-in, and creating it again is a ConflictError (create semantics);
 *  - plan → create → plan again: the created Cluster claims its (still empty) serverName, so the
 *    second plan proposes the next generation.
 */
import {
  coreServices,
  createBackendModule,
  type AuthService,
  type DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// Test only: the real backend plugin is the other end of the actions' REST calls.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import cnpgBackupsPlugin from '@cnpg-backups/plugin-cnpg-backups-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import cnpgBackupsModuleDemo from '@cnpg-backups/plugin-cnpg-backups-backend-module-demo';
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
  fs.readFileSync(
    path.resolve(
      __dirname,
      '../../../templates/restore-cnpg-database/template.yaml',
    ),
    'utf8',
  ),
);

/** The demo's catalog: the entities that declare the demo databases (their owners may restore them). */
const DEMO_ENTITIES = yaml
  .parseAllDocuments(
    fs.readFileSync(
      path.resolve(__dirname, '../../../examples/cnpg-demo-entities.yaml'),
      'utf8',
    ),
  )
  .map(doc => doc.toJS())
  .filter(Boolean);
/** Declares cnpg.io/cluster: payments/payments-db in the `demo` Kubernetes cluster. */
const PAYMENTS_ENTITY = 'component:default/payments';

/** `payments-db-v2` → `payments-db-v3`; a name without a generation gets `-v2`. */
function nextGeneration(serverName: string): string {
  const match = /^(.*)-v(\d+)$/.exec(serverName);
  return match ? `${match[1]}-v${Number(match[2]) + 1}` : `${serverName}-v2`;
}

function stepStatuses(body: any): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const entry of body.log ?? []) {
    if (entry.body?.stepId && entry.body?.status)
      statuses[entry.body.stepId] = entry.body.status;
  }
  return statuses;
}

function outputsOf(
  ctx: ReturnType<typeof createMockActionContext>,
): Record<string, any> {
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
        cnpgBackupsModuleDemo,
        catalogServiceMock.factory({ entities: DEMO_ENTITIES }),
        mockServices.rootConfig.factory({
          data: { cnpgBackups: { demo: { enabled: true } } },
        }),
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
    const text = body.output.text.find((t: any) =>
      t.title.startsWith('Recovery manifest'),
    ).content;
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
    expect(stepStatuses(res.body)).toMatchObject({
      plan: 'completed',
      manifest: 'completed',
    });
    const manifest = recoveryManifest(res.body);
    expect(manifest.metadata.name).toBe('payments-db-restore');
    expect(manifest.spec.externalClusters[0].plugin.parameters.serverName).toBe(
      'payments-db',
    );
    expect(
      manifest.spec.plugins.find((p: any) => p.isWALArchiver).parameters
        .serverName,
    ).toBe('payments-db-v2');
    expect(manifest.spec.bootstrap.recovery.recoveryTarget.backupID).toMatch(
      /^\d{8}T\d{6}$/,
    );
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
    expect(manifest.spec.externalClusters[0].barmanObjectStore.serverName).toBe(
      'immich-database-v2',
    );
    expect(manifest.spec.backup.barmanObjectStore.serverName).toBe(
      'immich-database-v3',
    );
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
    expect(manifest.spec.externalClusters[0].plugin.parameters.serverName).toBe(
      'postgres-cluster-recovered',
    );
    const archiveServerName = manifest.spec.plugins.find(
      (p: any) => p.isWALArchiver,
    ).parameters.serverName;
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

    const manifestCtx = context({
      plan: plan.plan,
      sourceClusterSpec: plan.sourceClusterSpec,
      output: 'kubectl',
    });
    await createCnpgRecoveryManifestAction().handler(manifestCtx as any);
    const { manifest } = outputsOf(manifestCtx);

    const createCtx = context({
      entityRef: PAYMENTS_ENTITY,
      kubernetesCluster: 'demo',
      namespace: 'payments',
      manifest,
    });
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

    // The same manifest again: its serverName is now the new Cluster's (checked before any create call).
    const again = context({
      entityRef: PAYMENTS_ENTITY,
      kubernetesCluster: 'demo',
      namespace: 'payments',
      manifest,
    });
    await expect(
      createCnpgClusterCreateAction(deps).handler(again as any),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        new RegExp(`ServerNameTaken.*"${plan.targetServerName}"`),
      ),
    });

    // A fresh plan for the same name archives to a free serverName: only the name is wrong now, and
    // create semantics refuse it (never a merge into the existing Cluster).
    const replanCtx = context({
      kubernetesCluster: 'demo',
      namespace: 'payments',
      cluster: 'payments-db',
      targetKind: 'latest',
      newClusterName: 'payments-db-e2e',
    });
    await createCnpgRecoveryPlanAction(deps).handler(replanCtx as any);
    const replan = outputsOf(replanCtx);
    expect(replan.targetServerName).not.toBe(plan.targetServerName);
    const remanifestCtx = context({
      plan: replan.plan,
      sourceClusterSpec: replan.sourceClusterSpec,
      output: 'kubectl',
    });
    await createCnpgRecoveryManifestAction().handler(remanifestCtx as any);
    const sameName = context({
      entityRef: PAYMENTS_ENTITY,
      kubernetesCluster: 'demo',
      namespace: 'payments',
      manifest: outputsOf(remanifestCtx).manifest,
    });
    await expect(
      createCnpgClusterCreateAction(deps).handler(sameName as any),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /"payments-db-e2e" already exists in namespace payments/,
      ),
    });
  });

  it('plan → create → plan again: the created Cluster claims its serverName, the next plan takes the next generation', async () => {
    const deps = { discovery: services.discovery!, auth: services.auth! };
    const credentials = mockCredentials.user();
    const logLines: string[] = [];
    const logger: any = {
      error: (m: string) => logLines.push(m),
      warn: (m: string) => logLines.push(m),
      info: (m: string) => logLines.push(m),
      debug: (m: string) => logLines.push(m),
      child: () => logger,
    };
    const context = (input: Record<string, any>) => ({
      ...createMockActionContext({ input, logger }),
      getInitiatorCredentials: async () => credentials,
    });
    const planInput = {
      entityRef: PAYMENTS_ENTITY,
      kubernetesCluster: 'demo',
      namespace: 'payments',
      cluster: 'payments-db',
      targetKind: 'latest',
    };
    const serverName = (name: string) =>
      request(server)
        .get(
          `/api/cnpg-backups/databases/demo/payments/payments-db/server-names/${name}`,
        )
        .set('Authorization', mockCredentials.user.header());

    const firstCtx = context({
      ...planInput,
      newClusterName: 'payments-db-gen1',
    });
    await createCnpgRecoveryPlanAction(deps).handler(firstCtx as any);
    const first = outputsOf(firstCtx);
    const firstTarget: string = first.targetServerName;
    expect(firstTarget).toMatch(/^payments-db-v\d+$/);
    const before = await serverName(firstTarget);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      serverName: firstTarget,
      empty: true,
      available: true,
      claimedBy: [],
    });

    const manifestCtx = context({
      plan: first.plan,
      sourceClusterSpec: first.sourceClusterSpec,
      output: 'kubectl',
    });
    await createCnpgRecoveryManifestAction().handler(manifestCtx as any);
    const createCtx = context({
      entityRef: PAYMENTS_ENTITY,
      kubernetesCluster: 'demo',
      namespace: 'payments',
      manifest: outputsOf(manifestCtx).manifest,
    });
    await createCnpgClusterCreateAction(deps).handler(createCtx as any);
    expect(createCtx.output).toHaveBeenCalledWith('created', true);

    // The folder is still empty: only the claim of the new Cluster makes the name unavailable.
    const after = await serverName(firstTarget);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      serverName: firstTarget,
      empty: true,
      available: false,
      claimedBy: [
        {
          kubernetesCluster: 'demo',
          namespace: 'payments',
          name: 'payments-db-gen1',
          kind: 'cluster',
        },
      ],
    });

    logLines.length = 0;
    const secondCtx = context({
      ...planInput,
      newClusterName: 'payments-db-gen2',
    });
    await createCnpgRecoveryPlanAction(deps).handler(secondCtx as any);
    const second = outputsOf(secondCtx);
    expect(second.sourceServerName).toBe(first.sourceServerName);
    expect(second.targetServerName).toBe(nextGeneration(firstTarget));
    expect(logLines.join('\n')).toContain(
      `serverName ${firstTarget} is claimed by Cluster demo/payments/payments-db-gen1; trying the next generation`,
    );
    const next = await serverName(second.targetServerName);
    expect(next.body).toMatchObject({
      empty: true,
      available: true,
      claimedBy: [],
    });
  });
});
