import {
  coreServices,
  createBackendModule,
  type LifecycleService,
  type LoggerService,
  type RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  cnpgBackupsArchiveExtensionPoint,
  cnpgBackupsClockExtensionPoint,
  cnpgBackupsKubernetesExtensionPoint,
  type CnpgBackupsArchiveExtensionPoint,
  type CnpgBackupsClockExtensionPoint,
  type CnpgBackupsKubernetesExtensionPoint,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import { DEMO_NOW_ENV, parseDemoNow } from './clock';
import { DemoFaults } from './faults/DemoFaults';
import { createDemoRouter } from './faults/demoRouter';

/**
 * With `cnpgBackups.demo.enabled`, starts the demo environment (Kubernetes stand-in + s3rver with
 * Barman archives) and registers it through the cnpg-backups extension points: the stand-in as the
 * Kubernetes cluster `demo`, the CRs' declared S3 endpoints routed to s3rver, and the demo clock (dated
 * from `CNPG_DEMO_NOW` when set, then advancing in real time) as the clock statuses are computed with.
 * Does nothing and returns undefined otherwise.
 * @throws InvalidDemoNowError when CNPG_DEMO_NOW is set but not an ISO-8601 instant.
 */
export async function attachDemoEnvironment(options: {
  config: RootConfigService;
  logger: LoggerService;
  lifecycle: LifecycleService;
  kubernetes: CnpgBackupsKubernetesExtensionPoint;
  archive: CnpgBackupsArchiveExtensionPoint;
  clock: CnpgBackupsClockExtensionPoint;
  /** The environment to read CNPG_DEMO_NOW from (default process.env). */
  env?: Record<string, string | undefined>;
}): Promise<{ now: () => Date; faults: DemoFaults } | undefined> {
  const { config, logger, lifecycle, kubernetes, archive, clock } = options;
  if (!config.getOptionalBoolean('cnpgBackups.demo.enabled')) return undefined;
  const now = parseDemoNow((options.env ?? process.env)[DEMO_NOW_ENV]);
  if (now)
    logger.info(
      `CNPG Backups demo: ${DEMO_NOW_ENV}=${now.toISOString()}, the demo clock starts there`,
    );

  // Loaded lazily: the stand-in and s3rver are not even loaded unless the demo is on.
  // (A plain require: dynamic import() is not available under Jest's CommonJS VM.)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startDemoEnvironment } =
    require('./startDemoEnvironment') as typeof import('./startDemoEnvironment');
  const demo = await startDemoEnvironment({
    logger,
    kubernetesPort: config.getOptionalNumber('cnpgBackups.demo.kubernetesPort'),
    s3Port: config.getOptionalNumber('cnpgBackups.demo.s3Port'),
    now,
  });
  lifecycle.addShutdownHook(() => demo.stop());
  kubernetes.addCluster({
    name: demo.kubernetes.name,
    url: demo.kubernetes.url,
    token: demo.kubernetes.token,
    caPem: demo.kubernetes.caPem,
    authProvider: 'serviceAccount',
  });
  // The demo CRs keep real-looking endpoints (RustFS, R2, AWS...); send those to s3rver,
  // path-style, with the credentials read from the demo Secrets.
  for (const [declared, url] of Object.entries(demo.s3.endpointOverrides)) {
    archive.addEndpoint({
      url: declared,
      connectUrl: url,
      provider: 'generic',
      region: demo.s3.region,
    });
  }
  clock.setClock(demo.now);
  const faults = new DemoFaults({
    store: demo.standin.store,
    databases: demo.databases,
    now: demo.now,
  });
  return { now: demo.now, faults };
}

/**
 * DEMO ONLY: the CNPG Backups demo environment as a backend module of the cnpg-backups plugin. Installed by
 * the demo portal (packages/backend); starts only with `cnpgBackups.demo.enabled: true`.
 */
export const cnpgBackupsModuleDemo = createBackendModule({
  pluginId: 'cnpg-backups',
  moduleId: 'demo',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        kubernetes: cnpgBackupsKubernetesExtensionPoint,
        archive: cnpgBackupsArchiveExtensionPoint,
        clock: cnpgBackupsClockExtensionPoint,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        scheduler: coreServices.scheduler,
      },
      async init(deps) {
        const demo = await attachDemoEnvironment(deps);
        // The demo's control routes (/api/cnpg-backups/demo/…): only with the demo on.
        if (demo) {
          deps.httpRouter.use(
            createDemoRouter({
              faults: demo.faults,
              scheduler: deps.scheduler,
              httpAuth: deps.httpAuth,
              logger: deps.logger,
            }),
          );
        }
      },
    });
  },
});
