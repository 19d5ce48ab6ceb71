import { createRouteRef } from '@backstage/core-plugin-api';

/** Route of the entity "Backups" tab. @public */
export const rootRouteRef = createRouteRef({ id: 'cnpg-backups' });

/** Route of the fleet page ("Databases"). @public */
export const fleetRouteRef = createRouteRef({ id: 'cnpg-backups-fleet' });
