import { Navigate } from 'react-router-dom';
import { PageBlueprint } from '@backstage/frontend-plugin-api';

/**
 * `/` opens the catalog. The catalog itself stays at its default `/catalog`, where the
 * sidebar, the entity pages' breadcrumbs and every "catalog" link point (mounting the
 * catalog at `/` left `/catalog` answering 404).
 */
export const rootRedirectPage = PageBlueprint.make({
  name: 'root-redirect',
  params: {
    path: '/',
    noHeader: true,
    loader: async () => <Navigate to="/catalog" replace />,
  },
});
