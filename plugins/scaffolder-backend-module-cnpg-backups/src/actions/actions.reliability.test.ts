/*
 * Reliability (issue 7) of the recovery actions against the REAL cnpg-backups backend plugin
 * (the reliability world: Kubernetes stand-in + s3rver behind the fault proxy, distinctive
 * secrets everywhere):
 *  - read-only: planning through the backend sends only read S3 commands;
 *  - secrets: no action output, log line or error message holds a secret value;
 *  - authorization: under a DENY policy plan and create fail with NotAllowedError and a clear
 *    message and create nothing; with read allowed and create denied, plan works and create fails.
 */
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  type AuthService,
  type DiscoveryService,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// The same (hoisted) @aws-sdk/client-s3 the node package's scanner uses: the spy sees its clients.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { S3Client } from '@aws-sdk/client-s3';
// Test only: the real backend plugin is the other end of the actions' REST calls.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import cnpgBackupsPlugin from '@cnpg-backups/plugin-cnpg-backups-backend';
// The reliability world of the (private) demo package's testUtils entry point.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  startReliabilityWorld,
  type ReliabilityWorld,
} from '@cnpg-backups/plugin-cnpg-backups-backend-module-demo/testUtils';
import { READ_ONLY_COMMANDS } from '@cnpg-backups/plugin-cnpg-backups-node';
import {
  createCnpgClusterCreateAction,
  createCnpgRecoveryManifestAction,
  createCnpgRecoveryPlanAction,
} from '.';

jest.setTimeout(120_000);

const sentCommands: string[] = [];
const originalSend = S3Client.prototype.send;
jest
  .spyOn(S3Client.prototype, 'send')
  .mockImplementation(function spy(this: S3Client, ...args: any[]) {
    sentCommands.push(args[0]?.constructor?.name ?? 'unknown');
    return (originalSend as any).apply(this, args);
  });

const logLines: string[] = [];
function capturingLogger(fields: Record<string, unknown> = {}): LoggerService {
  const write = (level: string) => (message: string, meta?: unknown) => {
    logLines.push(
      `${level} ${message} ${JSON.stringify({ ...fields })} ${
        meta instanceof Error
          ? `${meta.name}: ${meta.message} ${meta.stack}`
          : JSON.stringify(meta ?? {})
      }`,
    );
  };
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: meta => capturingLogger({ ...fields, ...meta }),
  };
}

/** Allows reading the status, denies every create. */
const readOnlyPolicy = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () =>
    ({
      authorize: async (requests: any[]) =>
        requests.map(r => ({
          result:
            r.permission.name === 'cnpg-backups.status.read'
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })),
      authorizeConditional: async (requests: any[]) =>
        requests.map(() => ({ result: AuthorizeResult.DENY })),
    } as any),
});

describe('recovery actions against the real backend: read-only, secrets, authorization', () => {
  let world: ReliabilityWorld;
  const backends: Array<() => Promise<void>> = [];
  const outputs: string[] = [];
  const errors: string[] = [];

  async function startBackend(
    permissions?: ReturnType<typeof createServiceFactory>,
  ) {
    const services: { discovery?: DiscoveryService; auth?: AuthService } = {};
    const capture = createBackendModule({
      pluginId: 'cnpg-backups',
      moduleId: 'reliability-capture',
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
        cnpgBackupsPlugin,
        capture,
        mockServices.rootConfig.factory({ data: world.config }),
        catalogServiceMock.factory({ entities: world.entities }),
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => capturingLogger() as any,
        }),
        createServiceFactory({
          service: coreServices.logger,
          deps: { plugin: coreServices.pluginMetadata },
          factory: ({ plugin }) => capturingLogger({ plugin: plugin.getId() }),
        }),
        ...(permissions ? [permissions] : []),
      ],
    });
    backends.push(() => backend.stop());
    return { discovery: services.discovery!, auth: services.auth! };
  }

  const context = (input: Record<string, any>) => ({
    ...createMockActionContext({
      input,
      logger: capturingLogger({ action: true }) as any,
    }),
    getInitiatorCredentials: async () => mockCredentials.user(),
  });
  const outputsOf = (ctx: any): Record<string, any> => {
    const result = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    outputs.push(JSON.stringify(result));
    return result;
  };
  const failure = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => undefined,
      e => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    errors.push(`${error.name}: ${error.message}\n${error.stack}`);
    return error;
  };
  const planInput = {
    kubernetesCluster: 'k8s',
    namespace: 'pay',
    cluster: 'billing',
    targetKind: 'latest',
    newClusterName: 'billing-restore',
  };
  const recoveryCluster = {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'billing-restore' },
    spec: {
      instances: 1,
      storage: { size: '1Gi' },
      bootstrap: { recovery: { source: 'origin' } },
      // The new Cluster archives to a new serverName (a recovery-only rule, checked locally first).
      plugins: [
        {
          name: 'barman-cloud.cloudnative-pg.io',
          isWALArchiver: true,
          parameters: {
            barmanObjectName: 'billing-store',
            serverName: 'billing-v2',
          },
        },
      ],
      externalClusters: [
        {
          name: 'origin',
          plugin: {
            name: 'barman-cloud.cloudnative-pg.io',
            parameters: {
              barmanObjectName: 'billing-store',
              serverName: 'billing',
            },
          },
        },
      ],
    },
  };

  /**
   * The world's entity `shop` declares k8s:pay/billing, the recovery source above: with this
   * entityRef the request is well-formed and owned, so only the permission decision can refuse it.
   */
  const ownerRef = 'component:default/shop';
  const createInput = {
    entityRef: ownerRef,
    kubernetesCluster: 'k8s',
    namespace: 'pay',
    manifest: recoveryCluster,
  };

  beforeAll(async () => {
    world = await startReliabilityWorld();
  });
  afterAll(async () => {
    for (const stop of backends) await stop();
    await world?.close();
  });

  it('plan → manifest through the backend sends only read S3 commands, and the plan is safe', async () => {
    const deps = await startBackend();
    sentCommands.length = 0;
    const planCtx = context(planInput);
    await createCnpgRecoveryPlanAction(deps).handler(planCtx as any);
    const plan = outputsOf(planCtx);
    expect(plan.sourceServerName).toBe('billing');
    expect(plan.targetServerName).toBe('billing-v2');
    expect(sentCommands.length).toBeGreaterThan(0);
    expect(sentCommands.filter(c => !READ_ONLY_COMMANDS.has(c))).toEqual([]);
    expect(
      world.proxy.log.every(r => r.method === 'GET' || r.method === 'HEAD'),
    ).toBe(true);

    const manifestCtx = context({
      plan: plan.plan,
      sourceClusterSpec: plan.sourceClusterSpec,
      output: 'kubectl',
    });
    await createCnpgRecoveryManifestAction().handler(manifestCtx as any);
    const manifest = outputsOf(manifestCtx);
    expect(manifest.recoveryManifest).toContain('serverName: billing-v2');
  });

  it('DENY everything: plan and create fail with NotAllowedError and a clear message, nothing is created', async () => {
    const deps = await startBackend(
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    );
    const posts = world.standin.requests.filter(
      r => r.method === 'POST',
    ).length;
    const planError = await failure(
      createCnpgRecoveryPlanAction(deps).handler(context(planInput) as any),
    );
    expect(planError.name).toBe('NotAllowedError');
    expect(planError.message).toMatch(
      /cnpg-backups\.status\.read|not allowed|denied/i,
    );
    const createError = await failure(
      createCnpgClusterCreateAction(deps).handler(context(createInput) as any),
    );
    expect(createError.name).toBe('NotAllowedError');
    expect(createError.message).toMatch(
      /cnpg-backups\.recovery\.create|not allowed|denied/i,
    );
    expect(world.standin.requests.filter(r => r.method === 'POST').length).toBe(
      posts,
    );
  });

  it('read allowed, create denied: plan works, create fails with NotAllowedError', async () => {
    const deps = await startBackend(readOnlyPolicy);
    const planCtx = context(planInput);
    await createCnpgRecoveryPlanAction(deps).handler(planCtx as any);
    expect(outputsOf(planCtx).targetServerName).toBe('billing-v2');
    // The premise: the entity sent really declares the source database.
    expect(
      world.entities.find(e => e.metadata.name === 'shop')?.metadata
        .annotations?.['cnpg.io/cluster'],
    ).toContain('k8s:pay/billing');
    const posts = world.standin.requests.filter(
      r => r.method === 'POST',
    ).length;
    const createError = await failure(
      createCnpgClusterCreateAction(deps).handler(context(createInput) as any),
    );
    expect(createError.name).toBe('NotAllowedError');
    expect(createError.message).toContain('cnpg-backups.recovery.create');
    expect(createError.message).toContain(ownerRef);
    expect(world.standin.requests.filter(r => r.method === 'POST').length).toBe(
      posts,
    );
  });

  it('a failing bucket: plan refuses by name, without secrets in the message', async () => {
    const deps = await startBackend();
    world.proxy.setRules([
      {
        when: r => (r.query.get('prefix') ?? '').startsWith('pay/billing/'),
        action: {
          type: 'status',
          status: 403,
          code: 'AccessDenied',
          message: 'Access Denied',
        },
      },
    ]);
    try {
      const error = await failure(
        createCnpgRecoveryPlanAction(deps).handler(
          context({ ...planInput, newClusterName: 'billing-x' }) as any,
        ),
      );
      expect(error.name).not.toMatch(/^(Error|TypeError)$/);
      expect(error.message.length).toBeGreaterThan(20);
    } finally {
      world.proxy.setRules([]);
    }
  });

  it('no action output, log line or error message holds a secret value', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(3);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(logLines.length).toBeGreaterThan(0);
    const everything = [...outputs, ...errors, ...logLines].join('\n');
    for (const secret of world.secretValues) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(Buffer.from(secret).toString('base64'));
    }
    expect(everything).not.toContain('DO-NOT-LEAK');
  });
});
