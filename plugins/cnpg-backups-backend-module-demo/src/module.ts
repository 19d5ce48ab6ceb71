import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { S3EndpointPolicy } from '../archive';
import { HttpCnpgKubernetesClient } from '../kubernetes';
import type { KubernetesClientRegistry } from '../service/KubernetesClientRegistry';
import { DEMO_NOW_ENV, parseDemoNow } from './clock';

/**
 * With `cnpgBackups.demo.enabled`, starts the demo environment (Kubernetes stand-in + s3rver with
 * Barman archives), registers its cluster as `demo` and routes the CRs' declared S3 endpoints to
 * s3rver. Returns the demo clock (dated from `CNPG_DEMO_NOW` when set, then advancing in real time),
 * which the status service must use. Does nothing and returns undefined otherwise.
 * @throws InvalidDemoNowError when CNPG_DEMO_NOW is set but not an ISO-8601 instant.
 */
export async function attachDemoEnvironment(options: {
  config: RootConfigService;
  logger: LoggerService;
  lifecycle: LifecycleService;
  kubernetes: KubernetesClientRegistry;
  endpointPolicy: S3EndpointPolicy;
  /** The environment to read CNPG_DEMO_NOW from (default process.env). */
  env?: Record<string, string | undefined>;
}): Promise<{ now: () => Date } | undefined> {
  const { config, logger, lifecycle, kubernetes, endpointPolicy } = options;
  if (!config.getOptionalBoolean('cnpgBackups.demo.enabled')) return undefined;
  const now = parseDemoNow((options.env ?? process.env)[DEMO_NOW_ENV]);
  if (now) logger.info(`CNPG Backups demo: ${DEMO_NOW_ENV}=${now.toISOString()}, the demo clock starts there`);

  // Loaded lazily: demo code (stand-in, s3rver) is not even loaded unless asked for.
  // (A plain require: dynamic import() is not available under Jest's CommonJS VM.)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startDemoEnvironment } =
    require('./index') as typeof import('./index');
  const demo = await startDemoEnvironment({
    logger,
    kubernetesPort: config.getOptionalNumber('cnpgBackups.demo.kubernetesPort'),
    s3Port: config.getOptionalNumber('cnpgBackups.demo.s3Port'),
    now,
  });
  kubernetes.add(
    HttpCnpgKubernetesClient.create({
      connection: {
        name: demo.kubernetes.name,
        url: demo.kubernetes.url,
        token: demo.kubernetes.token,
        caPem: demo.kubernetes.caPem,
        authProvider: 'serviceAccount',
      },
    }),
    { demo: true },
  );
  // The demo CRs keep real-looking endpoints (RustFS, R2, AWS...); send those to s3rver,
  // path-style, with the credentials read from the demo Secrets.
  for (const [declared, url] of Object.entries(demo.s3.endpointOverrides)) {
    endpointPolicy.register({
      url: declared,
      connectUrl: url,
      provider: 'generic',
      region: demo.s3.region,
    });
  }
  lifecycle.addShutdownHook(() => demo.stop());
  return { now: demo.now };
}
