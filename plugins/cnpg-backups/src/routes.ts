import { createRouteRef } from '@backstage/core-plugin-api';

/** Route of the entity "Backups" tab. @public */
export const rootRouteRef = createRouteRef({ id: 'cnpg-backups' });
