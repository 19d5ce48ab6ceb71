import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { cnpgBackupsPermissions } from '@cnpg-backups/plugin-cnpg-backups-common';
import { validateCnpgResource } from '@cnpg-backups/plugin-cnpg-backups-node';
import { S3EndpointPolicy, ScannerArchiveReaderFactory } from './archive';
import { attachDemoEnvironment } from './demo/attachDemoEnvironment';
import { HttpCnpgKubernetesClient, readKubernetesClusters } from './kubernetes';
import {
  readBackgroundRefreshConfig,
  RecentlyRequestedDatabases,
  recordRequestedDatabases,
  scheduleBackgroundRefresh,
} from './service/BackgroundRefresh';
import { DefaultCnpgBackupsService } from './service/DefaultCnpgBackupsService';
import { KubernetesClientRegistry } from './service/KubernetesClientRegistry';
import { ScanCache } from './service/ScanCache';
import { DEFAULT_STATUS_TTL_SECONDS, StatusCache } from './service/StatusCache';
import { createRouter } from './service/router';
import type { CnpgBackupsService } from './service/types';

/**
 * The CNPG Backups backend plugin.
 * @public
 */
export const cnpgBackupsPlugin = createBackendPlugin({
  pluginId: 'cnpg-backups',
  register(env) {
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

        const kubernetes = KubernetesClientRegistry.create();
        for (const connection of readKubernetesClusters(config)) {
          if (connection.authProvider !== 'serviceAccount') {
            logger.warn(
              `Kubernetes cluster "${connection.name}" uses authProvider "${connection.authProvider}"; CNPG Backups supports serviceAccount only and skips it`,
            );
            continue;
          }
          kubernetes.add(HttpCnpgKubernetesClient.create({ connection }));
        }
        const endpointPolicy = S3EndpointPolicy.fromConfig(config);

        // In demo mode the status is computed on the demo's clock (CNPG_DEMO_NOW).
        const demo = await attachDemoEnvironment({
          config,
          logger,
          lifecycle,
          kubernetes,
          endpointPolicy,
        });

        // A status embeds the bucket catalog, so it is never reused longer than a scan is.
        const scanTtlSeconds =
          config.getOptionalNumber('cnpgBackups.cache.ttlSeconds') ?? 60;
        const statusTtlSeconds = Math.min(
          config.getOptionalNumber('cnpgBackups.cache.statusTtlSeconds') ??
            DEFAULT_STATUS_TTL_SECONDS,
          scanTtlSeconds,
        );
        const service = DefaultCnpgBackupsService.create({
          logger,
          kubernetes,
          endpointPolicy,
          archiveReaders: ScannerArchiveReaderFactory.create({
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
          statusCache: StatusCache.create({
            cache: deps.cache,
            logger,
            ttlSeconds: statusTtlSeconds,
          }),
          scanTimeoutMs: config.getOptionalNumber(
            'cnpgBackups.scan.timeoutSeconds',
          )
            ? config.getNumber('cnpgBackups.scan.timeoutSeconds') * 1000
            : undefined,
          validateClusterManifest: validateCnpgResource,
          now: demo?.now,
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
