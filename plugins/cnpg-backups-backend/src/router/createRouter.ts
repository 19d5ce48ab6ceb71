/*
 * The REST API. Thin: validate input with zod, check the permission, resolve the entity with
 * the caller's credentials, call the service. Errors are @backstage/errors thrown to the
 * framework's error middleware (no try/catch here except to audit failures).
 */
import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  cnpgBackupsBackupCreatePermission,
  cnpgBackupsRecoveryCreatePermission,
  cnpgBackupsStatusReadPermission,
  isDns1123Label,
  isDns1123Subdomain,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { jsonNestingDepth } from './jsonDepth';
import { getPreSerializedJson } from './StatusCache';
import type { CnpgBackupsService } from './types';

/** Options for {@link createRouter}. @public */
export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  auditor: AuditorService;
  service: CnpgBackupsService;
}

// Kubernetes names: RFC 1123 labels / subdomains. Backstage cluster names: printable config keys.
const dnsLabel = z.string().refine(isDns1123Label, 'must be a DNS-1123 label');
const dnsSubdomain = z
  .string()
  .max(253)
  .refine(isDns1123Subdomain, 'must be a DNS-1123 subdomain');
const kubernetesClusterName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/,
    'must be a configured Kubernetes cluster name',
  );
// barman serverNames are folder names: no slashes, no dot-only names.
const serverName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'must be a folder name (letters, digits, . _ -)',
  );

const entityParams = z.object({
  kind: z.string().min(1).max(63),
  namespace: z.string().min(1).max(63),
  name: z.string().min(1).max(253),
});
const databaseParams = z.object({
  kubernetesCluster: kubernetesClusterName,
  namespace: dnsLabel,
  name: dnsSubdomain,
});
const refreshQuery = z.object({
  refresh: z.enum(['true', 'false']).optional(),
});
const createBackupBody = z.object({
  entityRef: z.string().min(1).max(1000),
  kubernetesCluster: kubernetesClusterName,
  namespace: dnsLabel,
  cluster: dnsSubdomain,
});
const createClusterBody = z.object({
  entityRef: z.string().min(1).max(1000),
  manifest: z.record(z.unknown()),
});

/** Deepest JSON nesting a request body may have (a recovery manifest needs about 12). */
const MAX_JSON_DEPTH = 64;

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = result.error.issues
      .map(i => `${i.path.length ? i.path.join('.') : what}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${details}`);
  }
  return result.data;
}

/** Sends JSON, reusing the text a cache already serialised (a warm status is ~36 KB). */
function sendJson(res: express.Response, body: unknown): void {
  const cached = getPreSerializedJson(body);
  if (cached === undefined) {
    res.json(body);
    return;
  }
  // With the ETag set, express neither hashes the body again nor skips its 304 handling.
  res.set('Content-Type', 'application/json; charset=utf-8');
  res.set('ETag', cached.etag);
  res.send(cached.body);
}

function principalRef(credentials: BackstageCredentials): string | undefined {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (p.type === 'user') return p.userEntityRef;
  return p.type === 'service' ? p.subject : undefined;
}

/** Creates the plugin's express router. @public */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, auditor, service } = options;
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

  const authorize = async (
    req: express.Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Permission ${permission.name} denied`);
    }
    return credentials;
  };

  /**
   * A resource permission on one catalog entity: the permission framework evaluates a policy's
   * conditional decision (isEntityOwner…) against that entity, so ALLOW here means "allowed on
   * this entity", not "allowed somewhere".
   */
  const authorizeOnEntity = async (
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<void> => {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Permission ${permission.name} denied on ${entityRef}`,
      );
    }
  };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entities/:kind/:namespace/:name/status', async (req, res) => {
    const credentials = await authorize(req, cnpgBackupsStatusReadPermission);
    const params = parse(entityParams, req.params, 'entity reference');
    const query = parse(refreshQuery, req.query, 'query');
    const entity = await catalog.getEntityByRef(params, { credentials });
    if (!entity) {
      throw new NotFoundError(`Entity ${stringifyEntityRef(params)} not found`);
    }
    sendJson(
      res,
      await service.getEntityStatus({
        entity,
        credentials,
        refresh: query.refresh === 'true',
      }),
    );
  });

  router.post('/backups', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = parse(createBackupBody, req.body, 'request body');
    let compound;
    try {
      compound = parseEntityRef(body.entityRef);
    } catch (error) {
      throw new InputError(`Invalid entityRef: ${(error as Error).message}`);
    }
    await authorizeOnEntity(
      credentials,
      cnpgBackupsBackupCreatePermission,
      stringifyEntityRef(compound),
    );
    const meta = {
      entityRef: stringifyEntityRef(compound),
      kubernetesCluster: body.kubernetesCluster,
      namespace: body.namespace,
      cluster: body.cluster,
    };
    const audit = await auditor.createEvent({
      eventId: 'backup-create',
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const entity = await catalog.getEntityByRef(compound, { credentials });
      if (!entity)
        throw new NotFoundError(`Entity ${meta.entityRef} not found`);
      const created = await service.createBackup({
        entity,
        kubernetesCluster: body.kubernetesCluster,
        namespace: body.namespace,
        cluster: body.cluster,
        requestedBy: principalRef(credentials),
      });
      await audit.success({ meta: { ...meta, backup: created.backup.name } });
      res.status(201).json(created);
    } catch (error) {
      await audit.fail({ error: error as Error, meta });
      throw error;
    }
  });

  router.get(
    '/databases/:kubernetesCluster/:namespace/:name/status',
    async (req, res) => {
      await authorize(req, cnpgBackupsStatusReadPermission);
      const params = parse(databaseParams, req.params, 'database');
      const query = parse(refreshQuery, req.query, 'query');
      res.json(
        await service.getDatabaseStatus({
          ...params,
          refresh: query.refresh === 'true',
        }),
      );
    },
  );

  router.get(
    '/databases/:kubernetesCluster/:namespace/:name/server-names/:serverName',
    async (req, res) => {
      await authorize(req, cnpgBackupsStatusReadPermission);
      const params = parse(
        databaseParams.extend({ serverName }),
        req.params,
        'serverName request',
      );
      const result = await service.getServerNameEmptiness(params);
      res.json(result);
    },
  );

  router.post(
    '/databases/:kubernetesCluster/:namespace/clusters',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const params = parse(
        databaseParams.omit({ name: true }),
        req.params,
        'target',
      );
      const body = parse(createClusterBody, req.body, 'request body');
      let entityCompound;
      try {
        entityCompound = parseEntityRef(body.entityRef);
      } catch (error) {
        throw new InputError(`Invalid entityRef: ${(error as Error).message}`);
      }
      await authorizeOnEntity(
        credentials,
        cnpgBackupsRecoveryCreatePermission,
        stringifyEntityRef(entityCompound),
      );
      const meta = {
        entityRef: stringifyEntityRef(entityCompound),
        kubernetesCluster: params.kubernetesCluster,
        namespace: params.namespace,
        cluster: String(
          (body.manifest.metadata as { name?: unknown } | undefined)?.name ??
            '',
        ),
      };
      const audit = await auditor.createEvent({
        eventId: 'cluster-create',
        severityLevel: 'high',
        request: req,
        meta,
      });
      try {
        const entity = await catalog.getEntityByRef(entityCompound, {
          credentials,
        });
        if (!entity) {
          throw new NotFoundError(
            `Entity ${stringifyEntityRef(entityCompound)} not found`,
          );
        }
        const created = await service.createCluster({
          ...params,
          entity,
          manifest: body.manifest,
          requestedBy: principalRef(credentials),
        });
        await audit.success({ meta: { ...meta, uid: created.uid ?? null } });
        res.status(201).json(created);
      } catch (error) {
        await audit.fail({ error: error as Error, meta });
        throw error;
      }
    },
  );

  return router;
}
