import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import SvgIcon from '@material-ui/core/SvgIcon';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  compatWrapper,
  convertLegacyRouteRef,
  convertLegacyRouteRefs,
} from '@backstage/core-compat-api';
import { isCnpgBackupsAvailable } from '@cnpg-backups/plugin-cnpg-backups-common';
import { cnpgBackupsApiRef, CnpgBackupsClient } from './api';
import { fleetRouteRef, rootRouteRef } from './routes';

/** The API client extension. @alpha */
export const cnpgBackupsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: cnpgBackupsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CnpgBackupsClient({ discoveryApi, fetchApi }),
    }),
});

/** The entity overview card, shown for entities that name CNPG clusters. @alpha */
export const cnpgBackupsEntityCard = EntityCardBlueprint.make({
  name: 'backups',
  params: {
    // 'info': the overview's top-right column next to About (above the relation tables at
    // any width); an app can move it into the main column with `config: { type: content }`.
    type: 'info',
    filter: isCnpgBackupsAvailable,
    loader: () =>
      import(
        /* webpackPrefetch: true */ './components/EntityCnpgBackupsCard'
      ).then(m =>
        // compatWrapper lets the components' core-plugin-api hooks (routes, APIs) work here.
        compatWrapper(<m.EntityCnpgBackupsCard />),
      ),
  },
});

/** The entity "Backups" tab at `cnpg-backups`. @alpha */
export const cnpgBackupsEntityContent = EntityContentBlueprint.make({
  name: 'backups',
  params: {
    path: 'cnpg-backups',
    title: 'Backups',
    filter: isCnpgBackupsAvailable,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('./components/EntityCnpgBackupsContent').then(m =>
        compatWrapper(<m.EntityCnpgBackupsContent />),
      ),
  },
});

// Material's "Storage" icon path (stacked drives), without depending on @material-ui/icons.
const DatabasesIcon = () => (
  <SvgIcon>
    <path d="M2 20h20v-4H2v4zm2-3h2v2H4v-2zM2 4v4h20V4H2zm4 3H4V5h2v2zm-4 7h20v-4H2v4zm2-3h2v2H4v-2z" />
  </SvgIcon>
);

/** The fleet page "Databases" at `/cnpg-databases`, with its sidebar item. @alpha */
export const cnpgBackupsFleetPage = PageBlueprint.make({
  name: 'fleet',
  params: {
    path: '/cnpg-databases',
    title: 'Databases',
    icon: <DatabasesIcon />,
    routeRef: convertLegacyRouteRef(fleetRouteRef),
    // The page brings its own Header (title, subtitle).
    noHeader: true,
    loader: () =>
      import('./components/FleetPage').then(m =>
        compatWrapper(<m.FleetPage />),
      ),
  },
});

/** The CNPG Backups frontend plugin (new frontend system). @alpha */
export default createFrontendPlugin({
  pluginId: 'cnpg-backups',
  extensions: [
    cnpgBackupsApi,
    cnpgBackupsEntityCard,
    cnpgBackupsEntityContent,
    cnpgBackupsFleetPage,
  ],
  routes: convertLegacyRouteRefs({ root: rootRouteRef, fleet: fleetRouteRef }),
});
