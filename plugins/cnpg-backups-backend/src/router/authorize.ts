/*
 * Who is calling and what they may do: every route but /health authenticates a user or service
 * principal, then checks a permission (a basic one for reads, a resource permission on the
 * entity for the actions).
 */
import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type express from 'express';

/** The permission checks the routes use. */
export interface RouteAuthorizer {
  /** A user or service principal (401 otherwise). */
  authenticate(req: express.Request): Promise<BackstageCredentials>;
  /** Authenticates, then a basic permission (403 `NotAllowedError` on deny). */
  authorize(
    req: express.Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials>;
  /**
   * A resource permission on one catalog entity: the permission framework evaluates a policy's
   * conditional decision (isEntityOwner…) against that entity, so ALLOW here means "allowed on
   * this entity", not "allowed somewhere".
   */
  authorizeOnEntity(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<void>;
}

export function createRouteAuthorizer(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): RouteAuthorizer {
  const { httpAuth, permissions } = options;
  const authenticate = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
  return {
    authenticate,
    async authorize(req, permission) {
      const credentials = await authenticate(req);
      const [decision] = await permissions.authorize([{ permission }], {
        credentials,
      });
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(`Permission ${permission.name} denied`);
      }
      return credentials;
    },
    async authorizeOnEntity(credentials, permission, entityRef) {
      const [decision] = await permissions.authorize(
        [{ permission, resourceRef: entityRef }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `Permission ${permission.name} denied on ${entityRef}`,
        );
      }
    },
  };
}

/** The caller's ref for audit annotations: the user entity or the service subject. */
export function principalRef(
  credentials: BackstageCredentials,
): string | undefined {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (p.type === 'user') return p.userEntityRef;
  return p.type === 'service' ? p.subject : undefined;
}
