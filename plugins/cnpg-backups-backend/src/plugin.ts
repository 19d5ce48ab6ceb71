import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { cnpgBackupsPermissions } from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  cnpgBackupsArchiveExtensionPoint,
  cnpgBackupsClockExtensionPoint,
  cnpgBackupsKubernetesExtensionPoint,
  validateCnpgResource,
  type CnpgKubernetesClient,
  type CnpgKubernetesClientFactory,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import { S3EndpointPolicy, ScannerArchiveReaderFactory } from './archive';
import { CnpgBackupsExtensions, ExtensionPointError } from './extensions';
import {
  HttpCnpgKubernetesClient,
  KubernetesClientRegistry,
  KubernetesReadCache,
  readKubernetesClusters,
} from './kubernetes';
import {
  readBackgroundRefreshConfig,
  RecentlyRequestedDatabases,
  recordRequestedDatabases,
  scheduleBackgroundRefresh,
} from './service/BackgroundRefresh';
import { DefaultCnpgBackupsService } from './service/DefaultCnpgBackupsService';
import { ScanCache } from './archive/ScanCache';
import { DEFAULT_STATUS_TTL_SECONDS, StatusCache } from './service/StatusCache';
import { createRouter } from './router';
import type { CnpgBackupsService } from './service/types';

/**
 * The CNPG Backups backend plugin.
 * @public
 */
export const cnpgBackupsPlugin = createBackendPlugin({
  pluginId: 'cnpg-backups',
  register(env) {
    const extensions = new CnpgBackupsExtensions();
    env.registerExtensionPoint(
      cnpgBackupsKubernetesExtensionPoint,
      extensions.kubernetes,
    );
    env.registerExtensionPoint(
      cnpgBackupsArchiveExtensionPoint,
      extensions.archive,
    );
    env.registerExtensionPoint(
      cnpgBackupsClockExtensionPoint,
      extensions.clock,
    );
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        cache: coreServices.cache,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, config, httpRouter, lifecycle } = deps;
        deps.permissionsRegistry.addPermissions(cnpgBackupsPermissions);

        // Modules' init ran before this one: read what they registered, once.
        extensions.lock();
        const kubernetes = KubernetesClientRegistry.create();
        const register = (client: CnpgKubernetesClient, from: string) => {
          if (kubernetes.get(client.clusterName)) {
            throw new ExtensionPointError(
              `cnpg-backups: Kubernetes cluster "${client.clusterName}" (${from}) is registered twice; cluster names must be unique`,
            );
          }
          kubernetes.add(client);
        };
        const factory: CnpgKubernetesClientFactory =
          extensions.clientFactory ?? {
            create: connection =>
              HttpCnpgKubernetesClient.create({ connection }),
          };
        const connections = [
          ...readKubernetesClusters(config).map(c => ({ c, from: 'config' })),
          ...extensions.clusters.map(c => ({ c, from: 'a module' })),
        ];
        for (const { c: connection, from } of connections) {
          if (
            !extensions.clientFactory &&
            connection.authProvider !== 'serviceAccount'
          ) {
            logger.warn(
              `Kubernetes cluster "${connection.name}" uses authProvider "${connection.authProvider}"; CNPG Backups supports serviceAccount only and skips it`,
            );
            continue;
          }
          register(factory.create(connection), from);
        }
        for (const client of extensions.clients) register(client, 'a module');
        const endpointPolicy = S3EndpointPolicy.fromConfig(config);
        for (const endpoint of extensions.endpoints)
          endpointPolicy.register(endpoint);

        // A status embeds the bucket catalog, so it is never reused longer than a scan is.
        const scanTtlSeconds =
          config.getOptionalNumber('cnpgBackups.cache.ttlSeconds') ?? 60;
        const statusTtlSeconds = Math.min(
          config.getOptionalNumber('cnpgBackups.cache.statusTtlSeconds') ??
            DEFAULT_STATUS_TTL_SECONDS,
          scanTtlSeconds,
        );
        const statusCache = StatusCache.create({
          cache: deps.cache,
          logger,
          ttlSeconds: statusTtlSeconds,
        });
        const kubernetesReads = KubernetesReadCache.create({
          ttlSeconds: statusTtlSeconds,
        });
        const service = DefaultCnpgBackupsService.create({
          logger,
          kubernetes,
          endpointPolicy,
          archiveReaders:
            extensions.archiveReaderFactory ??
            ScannerArchiveReaderFactory.create({
              concurrency: config.getOptionalNumber(
                'cnpgBackups.scan.concurrency',
              ),
              logger,
            }),
          scanCache: ScanCache.create({
            cache: deps.cache,
            logger,
            ttlSeconds: scanTtlSeconds,
          }),
          statusCache,
          kubernetesReads,
          scanTimeoutMs: config.getOptionalNumber(
            'cnpgBackups.scan.timeoutSeconds',
          )
            ? config.getNumber('cnpgBackups.scan.timeoutSeconds') * 1000
            : undefined,
          validateClusterManifest: validateCnpgResource,
          now: extensions.now,
        });

        // Background refresh (one replica at a time) of the databases people look at.
        const refresh = readBackgroundRefreshConfig(config);
        let served: CnpgBackupsService = service;
        if (refresh.enabled) {
          const requested = new RecentlyRequestedDatabases({
            cache: deps.cache,
            requestedWithin: refresh.requestedWithin,
          });
          served = recordRequestedDatabases(service, requested, logger);
          await scheduleBackgroundRefresh({
            scheduler: deps.scheduler,
            config: refresh,
            service,
            requested,
            logger,
          });
        }

        httpRouter.use(
          await createRouter({
            logger,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            auditor: deps.auditor,
            service: served,
            preSerialized: body => statusCache.preSerialized(body),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info('CNPG Backups ready', {
          kubernetesClusters: kubernetes
            .list()
            .map(c => c.clusterName)
            .join(', '),
        });
        lifecycle.addShutdownHook(async () => {
          await Promise.all(
            kubernetes
              .list()
              .map(c => (c as HttpCnpgKubernetesClient).close?.()),
          );
        });
      },
    });
  },
});
