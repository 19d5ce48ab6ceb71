import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
  type SignInResolver,
} from '@backstage/plugin-auth-node';

/** The provider id: the app signs in through `/api/auth/visitor/refresh`. */
export const VISITOR_PROVIDER_ID = 'visitor';

/** Same rule as Backstage's guest provider: development only unless explicitly allowed. */
function isAllowed(config: Config): boolean {
  return (
    process.env.NODE_ENV === 'development' ||
    config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') === true
  );
}

/** Reads `auth.providers.visitor.userEntityRef` (a User ref; default `user:default/visitor`). */
export function readVisitorUserRef(config: Config): string {
  const raw =
    config.getOptionalString('userEntityRef') ?? 'user:default/visitor';
  let ref;
  try {
    ref = parseEntityRef(raw, {
      defaultKind: 'user',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `auth.providers.visitor.userEntityRef "${raw}" is not an entity ref`,
      error,
    );
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'user') {
    throw new InputError(
      `auth.providers.visitor.userEntityRef "${raw}" must be a User ref, e.g. user:default/visitor`,
    );
  }
  return stringifyEntityRef(ref);
}

const visitorAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async () => ({ profile: {} }),
  initialize: ({ config }) => ({ allowed: isAllowed(config) }),
  async authenticate(_options, ctx: { allowed: boolean }) {
    if (!ctx.allowed) {
      throw new NotAllowedError(
        "The visitor provider is a demo sign-in like the guest provider: it only runs with NODE_ENV=development unless 'auth.providers.visitor.dangerouslyAllowOutsideDevelopment' is true",
      );
    }
    return { result: {} };
  },
});

/**
 * Signs in as the configured catalog User (so its groups give its ownership refs); before the
 * catalog has ingested that User, the token carries the User ref alone.
 */
export function signInAsVisitor(config: Config): SignInResolver<unknown> {
  const entityRef = readVisitorUserRef(config);
  return async (_info, ctx) =>
    ctx.signInWithCatalogUser(
      { entityRef },
      { dangerousEntityRefFallback: { entityRef } },
    );
}

/**
 * The demo's second guest-like sign-in, "Visitor": a signed-in user who owns none of the demo
 * databases, to show the permission policy's DENY side next to the guest (an owner). Enabled by
 * `auth.providers.visitor: {}` in the app config; development only, like the guest provider.
 */
export const authModuleVisitorProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'visitor-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers, config }) {
        const providerConfig = config.getOptionalConfig(
          `auth.providers.${VISITOR_PROVIDER_ID}`,
        );
        if (!providerConfig) {
          return;
        }
        providers.registerProvider({
          providerId: VISITOR_PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator: visitorAuthenticator,
            signInResolver: signInAsVisitor(providerConfig),
          }),
        });
      },
    });
  },
});
