import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { cnpgBackupsApiRef, CnpgBackupsClient } from './api';
import type { EntityCnpgBackupsCardProps } from './components/EntityCnpgBackupsCard';
import type { EntityCnpgBackupsContentProps } from './components/EntityCnpgBackupsContent';
import { fleetRouteRef, rootRouteRef } from './routes';
import type { FleetPageProps } from './components/FleetPage';

/** The CNPG Backups frontend plugin (legacy frontend system). @public */
export const cnpgBackupsPlugin = createPlugin({
  id: 'cnpg-backups',
  apis: [
    createApiFactory({
      api: cnpgBackupsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CnpgBackupsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef, fleet: fleetRouteRef },
});

/**
 * Entity overview card: backup health, recovery window, last backup and top findings of
 * every CNPG database of the entity (legacy frontend system). Show it with
 * `<EntitySwitch.Case if={isCnpgBackupsAvailable}>`.
 * @public
 */
export const EntityCnpgBackupsCard: (
  props: EntityCnpgBackupsCardProps,
) => JSX.Element = cnpgBackupsPlugin.provide(
  createComponentExtension({
    name: 'EntityCnpgBackupsCard',
    component: {
      lazy: () =>
        import(
          /* webpackPrefetch: true */ './components/EntityCnpgBackupsCard'
        ).then(m => m.EntityCnpgBackupsCard),
    },
  }),
);

/**
 * Entity "Backups" tab (legacy frontend system): timeline, backups, WAL continuity,
 * schedules, archive, lineage, diagnoses and the backup/restore actions. Mount it at
 * `/cnpg-backups` in the entity layout so the card's link finds it.
 * @public
 */
export const EntityCnpgBackupsContent: (
  props: EntityCnpgBackupsContentProps,
) => JSX.Element = cnpgBackupsPlugin.provide(
  createRoutableExtension({
    name: 'EntityCnpgBackupsContent',
    component: () =>
      import('./components/EntityCnpgBackupsContent').then(
        m => m.EntityCnpgBackupsContent,
      ),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The fleet page "Databases" (legacy frontend system): every CNPG database the portal knows,
 * owned or not, with its risk and history. Mount it on a route of the app, e.g.
 * `<Route path="/cnpg-databases" element={<CnpgFleetPage />} />`, and add a sidebar item.
 * @public
 */
export const CnpgFleetPage: (props: FleetPageProps) => JSX.Element =
  cnpgBackupsPlugin.provide(
    createRoutableExtension({
      name: 'CnpgFleetPage',
      component: () => import('./components/FleetPage').then(m => m.FleetPage),
      mountPoint: fleetRouteRef,
    }),
  );
