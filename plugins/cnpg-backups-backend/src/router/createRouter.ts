/*
 * The REST API. Thin: a JSON body parser with a nesting limit, then the read routes and the
 * action routes. Input is checked with zod (validation.ts), permissions in authorize.ts; errors
 * are @backstage/errors thrown to the framework's error middleware (no try/catch except to
 * audit failures). The router imports nothing from the service's internals: a pre-serialised
 * response comes through the `preSerialized` seam.
 */
import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { addFleetRoutes, type FleetRouteOptions } from '../fleet/fleetRoutes';
import type { CnpgBackupsService } from '../service/types';
import { addMutationRoutes } from './mutationRoutes';
import { createRouteAuthorizer } from './authorize';
import { jsonNestingDepth } from './jsonDepth';
import type { PreSerializedLookup } from './sendJson';
import { addStatusRoutes } from './statusRoutes';
import { MAX_JSON_DEPTH } from './validation';

/** Options for {@link createRouter}. @public */
export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  auditor: AuditorService;
  service: CnpgBackupsService;
  /**
   * The already-serialised JSON (and ETag) of a response a cache kept, if any; the entity
   * status route sends those bytes instead of serialising again. Default: none.
   */
  preSerialized?: PreSerializedLookup;
  /** The fleet's stored snapshots (`GET /fleet`, history). Without it the fleet routes are absent. */
  fleet?: FleetRouteOptions;
}

/** Creates the plugin's express router. @public */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  // Depth is measured on the raw bytes (verify runs before JSON.parse) and refused before any
  // recursive code (zod, the service, the auditor's JSON) sees the body.
  const bodyDepth = new WeakMap<express.Request, number>();
  router.use(
    express.json({
      limit: '1mb',
      verify: (req, _res, buffer) => {
        bodyDepth.set(
          req as express.Request,
          jsonNestingDepth(buffer, MAX_JSON_DEPTH),
        );
      },
    }),
  );
  router.use((req, _res, next) => {
    const depth = bodyDepth.get(req) ?? 0;
    if (depth > MAX_JSON_DEPTH) {
      next(
        new InputError(
          `Invalid request body: JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
        ),
      );
      return;
    }
    next();
  });

  const auth = createRouteAuthorizer(options);
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  addStatusRoutes(router, { ...options, auth });
  addMutationRoutes(router, { ...options, auth });
  if (options.fleet) addFleetRoutes(router, { auth, fleet: options.fleet });
  return router;
}
