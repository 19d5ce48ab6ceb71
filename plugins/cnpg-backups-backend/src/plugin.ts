import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { cnpgBackupsPermissions } from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  cnpgBackupsArchiveExtensionPoint,
  cnpgBackupsClockExtensionPoint,
  cnpgBackupsKubernetesExtensionPoint,
  validateCnpgResource,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import { S3EndpointPolicy, ScannerArchiveReaderFactory } from './archive';
import { readCnpgBackupsConfig } from './config';
import { CnpgBackupsExtensions } from './extensions';
import {
  createKubernetesRegistry,
  type HttpCnpgKubernetesClient,
  KubernetesReadCache,
} from './kubernetes';
import { setupBackgroundRefresh } from './service/BackgroundRefresh';
import { DefaultCnpgBackupsService } from './service/DefaultCnpgBackupsService';
import { ScanCache } from './archive/ScanCache';
import { StatusCache } from './service/StatusCache';
import { createRouter } from './router';
import { setupFleet } from './fleet/setupFleet';
import { setupOwnerSignals } from './notifications/setupOwnerSignals';

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
        database: coreServices.database,
        auth: coreServices.auth,
        notifications: notificationService,
      },
      async init(deps) {
        const { logger, config, httpRouter, lifecycle } = deps;
        deps.permissionsRegistry.addPermissions(cnpgBackupsPermissions);

        // Modules' init ran before this one: read what they registered, once.
        extensions.lock();
        const settings = readCnpgBackupsConfig(config);
        const kubernetes = createKubernetesRegistry({
          config,
          logger,
          clusters: extensions.clusters,
          clients: extensions.clients,
          clientFactory: extensions.clientFactory,
        });
        const endpointPolicy = S3EndpointPolicy.fromConfig(config);
        for (const endpoint of extensions.endpoints)
          endpointPolicy.register(endpoint);

        // With the in-memory cache store, statuses and catalogs stay in the in-process
        // layers only (a serialised copy in the same memory would double them).
        const statusCache = StatusCache.create({
          cache: settings.sharedCacheInProcess ? undefined : deps.cache,
          logger,
          ttlSeconds: settings.statusTtlSeconds,
        });
        const kubernetesReads = KubernetesReadCache.create({
          ttlSeconds: settings.statusTtlSeconds,
        });
        const service = DefaultCnpgBackupsService.create({
          logger,
          kubernetes,
          endpointPolicy,
          archiveReaders:
            extensions.archiveReaderFactory ??
            ScannerArchiveReaderFactory.create({
              concurrency: settings.scanConcurrency,
              logger,
              now: extensions.now,
            }),
          scanCache: ScanCache.create({
            cache: deps.cache,
            logger,
            ttlSeconds: settings.scanTtlSeconds,
            maxScanStates: settings.maxScanStates,
            shareCatalogs: !settings.sharedCacheInProcess,
          }),
          statusCache,
          kubernetesReads,
          scanTimeoutMs: settings.scanTimeoutMs,
          validateClusterManifest: validateCnpgResource,
          now: extensions.now,
        });

        // Background refresh (one replica at a time) of the databases people look at.
        const served = await setupBackgroundRefresh({
          config: settings.refresh,
          service,
          cache: deps.cache,
          scheduler: deps.scheduler,
          logger,
        });

        // Fleet: every database's snapshot, refreshed in the background (global scope).
        const fleet = await setupFleet({
          config,
          database: deps.database,
          scheduler: deps.scheduler,
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          kubernetes,
          service,
          now: extensions.now,
        });
        // Issue 13: owners notified on health changes; OTel gauges over the stored snapshots.
        await setupOwnerSignals({
          config,
          logger,
          notifications: deps.notifications,
          refresher: fleet.refresher,
          store: fleet.routes.store,
        });

        httpRouter.use(
          await createRouter({
            logger,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            auditor: deps.auditor,
            service: served,
            preSerialized: body => statusCache.preSerialized(body),
            fleet: fleet.routes,
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
