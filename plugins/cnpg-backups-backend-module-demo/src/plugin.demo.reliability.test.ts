/*
 * Reliability (issue 7), secrets: the demo environment's Secrets hold distinctive values
 * (DEMO-SECRET-DO-NOT-LEAK-...: S3 keys and database passwords). Through every route of the real
 * plugin (including refreshes, errors and a created Backup) none of them reaches a response or a
 * log line (root and plugin loggers captured, debug level included).
 */
import {
  coreServices,
  createServiceFactory,
  type LoggerService,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  buildRecoveryManifests,
  planRecovery,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import cnpgBackupsPlugin from '@cnpg-backups/plugin-cnpg-backups-backend';
import { cnpgBackupsModuleDemo } from './module';
import { DEMO_SECRET_MARKER } from './scenarios';

// The demo's clock is pinned (CNPG_DEMO_NOW, read by the demo at startup) so this suite never depends on the
// hour it runs at; set CNPG_DEMO_NOW yourself to run it at another instant.
process.env.CNPG_DEMO_NOW ??= '2026-11-22T10:17:00Z';

jest.setTimeout(400_000);

const logLines: string[] = [];
function capturingLogger(
  fields: Record<string, unknown> = {},
): RootLoggerService {
  const write = (level: string) => (message: string, meta?: unknown) => {
    logLines.push(
      `${level} ${message} ${JSON.stringify(fields)} ${
        meta instanceof Error
          ? `${meta.name}: ${meta.message} ${meta.stack}`
          : JSON.stringify(meta ?? {})
      }`,
    );
  };
  const logger: LoggerService = {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: meta => capturingLogger({ ...fields, ...meta }),
  };
  return logger as RootLoggerService;
}

const DEMO = [
  ['obot', 'demo', 'ai-system', 'obot-postgresql'],
  ['platform-postgres', 'demo', 'databases', 'postgres'],
  ['awx', 'demo', 'postgres', 'postgres-cluster'],
  ['cnpg-main', 'demo', 'apps', 'cnpg-main'],
  ['immich', 'demo', 'cloudnative-pg', 'immich-database'],
  ['payments', 'demo', 'payments', 'payments-db'],
] as const;

const entities = DEMO.map(([name, k8s, ns, cluster]) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'cnpg.io/cluster': `${k8s}:${ns}/${cluster}` },
  },
  spec: {},
}));

describe('demo secrets never leave the backend', () => {
  let server: any;
  let stop: () => Promise<void>;
  const responses: string[] = [];

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        cnpgBackupsPlugin,
        cnpgBackupsModuleDemo,
        mockServices.rootConfig.factory({
          data: { cnpgBackups: { demo: { enabled: true } } },
        }),
        catalogServiceMock.factory({ entities }),
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => capturingLogger(),
        }),
        createServiceFactory({
          service: coreServices.logger,
          deps: { plugin: coreServices.pluginMetadata },
          factory: ({ plugin }) => capturingLogger({ plugin: plugin.getId() }),
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });
  afterAll(async () => {
    await stop?.();
  });

  async function call(method: 'get' | 'post', path: string, body?: unknown) {
    const res = await (request(server) as any)
      [method](`/api/cnpg-backups${path}`)
      .send(body);
    responses.push(`${res.status} ${JSON.stringify(res.headers)} ${res.text}`);
    return res;
  }

  it('every route, refreshes and error paths answer without a secret, and nothing is logged with one', async () => {
    for (const [name, k8s, ns, cluster] of DEMO) {
      expect(
        (await call('get', `/entities/component/default/${name}/status`))
          .status,
      ).toBe(200);
      expect(
        (
          await call(
            'get',
            `/entities/component/default/${name}/status?refresh=true`,
          )
        ).status,
      ).toBe(200);
      expect(
        (await call('get', `/databases/${k8s}/${ns}/${cluster}/status`)).status,
      ).toBe(200);
      expect(
        (
          await call(
            'get',
            `/databases/${k8s}/${ns}/${cluster}/server-names/${cluster}-v9`,
          )
        ).status,
      ).toBe(200);
    }
    const [, k8s, ns, cluster] = DEMO[5];
    // A valid recovery of payments-db (built from its live status like the scaffolder does) whose
    // new Cluster reuses the source's name: owned, allowed, archiving to a free serverName, so the
    // one thing wrong with it is that the name exists (409 from the Kubernetes API).
    const status = (
      await call('get', `/databases/${k8s}/${ns}/${cluster}/status`)
    ).body;
    const plan = planRecovery({
      status,
      target: { kind: 'latest' },
      newClusterName: cluster,
    });
    const { recoveryCluster: sameNameRecovery } = buildRecoveryManifests({
      source: { name: cluster, namespace: ns, spec: status.clusterSpec },
      newClusterName: cluster,
      target: plan.target,
      sourceServerName: plan.sourceServerName,
      targetServerName: plan.targetServerName,
      window: plan.window,
      scheduledBackups: plan.scheduledBackups,
    });
    const createSameName = (body: Record<string, unknown>) =>
      call('post', `/databases/${k8s}/${ns}/clusters`, {
        manifest: sameNameRecovery,
        ...body,
      });
    expect(
      (
        await call('post', '/backups', {
          entityRef: 'component:default/payments',
          kubernetesCluster: k8s,
          namespace: ns,
          cluster,
        })
      ).status,
    ).toBe(201);
    const errorStatuses = [
      (await call('get', `/databases/${k8s}/${ns}/missing/status`)).status,
      (
        await call(
          'get',
          `/databases/${k8s}/${ns}/${cluster}/server-names/bad%20name`,
        )
      ).status,
      (await call('post', '/backups', { entityRef: 'component:default/awx' }))
        .status,
      (await createSameName({})).status,
    ];
    expect(errorStatuses).toEqual([404, 400, 400, 400]);
    expect(responses[responses.length - 1]).toContain(
      'Invalid request body: entityRef: Required',
    );
    const conflict = await createSameName({
      entityRef: 'component:default/payments',
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.message).toMatch(/already exists/);
    expect(conflict.body.error.message).not.toMatch(/ServerNameTaken/);

    expect(logLines.length).toBeGreaterThan(0);
    const everything = [...responses, ...logLines].join('\n');
    expect(everything).not.toContain(DEMO_SECRET_MARKER);
    expect(everything).not.toContain(
      Buffer.from(DEMO_SECRET_MARKER).toString('base64').slice(0, 16),
    );
  });
});
