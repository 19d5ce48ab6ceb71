/*
 * The plugin's fleet wiring: the store on the plugin database, the refresher over the
 * registered Kubernetes clusters and the catalog, its schedule, and what the routes read.
 */
import type {
  AuthService,
  DatabaseService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_CNPG_CLUSTER,
  ANNOTATION_KUBERNETES_ID,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CnpgKubernetesClient } from '../kubernetes';
import type { CnpgBackupsService } from '../service/types';
import { FleetRefresher, readFleetConfig } from './FleetRefresher';
import type { FleetRouteOptions } from './fleetRoutes';
import { FleetSnapshotStore } from './FleetSnapshotStore';

export async function setupFleet(options: {
  config: Config;
  database: DatabaseService;
  scheduler: SchedulerService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  kubernetes: { list(): CnpgKubernetesClient[] };
  service: Pick<CnpgBackupsService, 'getDatabaseStatus'>;
  now?: () => Date;
}): Promise<{ refresher: FleetRefresher; routes: FleetRouteOptions }> {
  const settings = readFleetConfig(options.config);
  const now = options.now ?? (() => new Date());
  const store = await FleetSnapshotStore.create({
    database: options.database,
    retentionDays: settings.historyRetentionDays,
    historyIntervalMinutes: settings.historyIntervalMinutes,
  });
  const refresher = new FleetRefresher({
    kubernetes: options.kubernetes,
    entities: {
      entities: async () =>
        (
          await options.catalog.getEntities(
            {
              filter: [
                {
                  [`metadata.annotations.${ANNOTATION_CNPG_CLUSTER}`]:
                    CATALOG_FILTER_EXISTS,
                },
                {
                  [`metadata.annotations.${ANNOTATION_KUBERNETES_ID}`]:
                    CATALOG_FILTER_EXISTS,
                },
              ],
            },
            { credentials: await options.auth.getOwnServiceCredentials() },
          )
        ).items,
    },
    service: options.service,
    store,
    logger: options.logger,
    now,
    concurrency: settings.concurrency,
  });
  if (settings.enabled) await refresher.schedule(options.scheduler, settings);
  return { refresher, routes: { store, now } };
}
