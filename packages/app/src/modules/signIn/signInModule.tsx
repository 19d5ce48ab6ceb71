import {
  ApiBlueprint,
  createApiRef,
  createFrontendModule,
  discoveryApiRef,
} from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { ProxiedDemoAuth, type ProxiedDemoAuthApi } from './ProxiedDemoAuth';

/** The demo's second guest-like sign-in (backend: packages/backend/src/auth/visitorProvider.ts). */
export const visitorAuthApiRef = createApiRef<ProxiedDemoAuthApi>({
  id: 'app.auth.visitor',
});

const visitorAuthApi = ApiBlueprint.make({
  name: 'visitor-auth',
  params: defineParams =>
    defineParams({
      api: visitorAuthApiRef,
      deps: { discoveryApi: discoveryApiRef },
      factory: ({ discoveryApi }) =>
        new ProxiedDemoAuth({ provider: 'visitor', discoveryApi }),
    }),
});

/**
 * The demo's sign-in page: two guest-like identities, to show both sides of the permission
 * policy. "Guest" owns the demo databases (may back up and restore them); "Visitor" is signed in
 * but owns nothing (sees statuses; the buttons are disabled and the API answers 403).
 */
const demoSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => {
      const { SignInPage } = await import('@backstage/core-components');
      return props => (
        <SignInPage
          {...props}
          title="Sign in to the CNPG Backups demo"
          align="center"
          providers={[
            'guest',
            {
              id: 'visitor-auth-provider',
              title: 'Visitor',
              message:
                'Signed in, but owns none of the demo databases: reads every status, may not back up or restore.',
              apiRef: visitorAuthApiRef,
            },
          ]}
        />
      );
    },
  },
});

/** Replaces the app's default (guest-only) sign-in page. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [visitorAuthApi, demoSignInPage],
});
