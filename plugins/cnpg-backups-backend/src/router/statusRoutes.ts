/*
 * The read routes: an entity's status, one database's status, serverName availability. Each
 * authenticates and checks `cnpg-backups.status.read` before it reads its input.
 */
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { cnpgBackupsStatusReadPermission } from '@cnpg-backups/plugin-cnpg-backups-common';
import type { Router } from 'express';
import type { CnpgBackupsService } from '../service/types';
import type { RouteAuthorizer } from './authorize';
import { sendJson, type PreSerializedLookup } from './sendJson';
import {
  databaseParams,
  entityParams,
  parse,
  refreshQuery,
  serverNameParams,
} from './validation';

export function addStatusRoutes(
  router: Router,
  options: {
    auth: RouteAuthorizer;
    catalog: CatalogService;
    service: CnpgBackupsService;
    preSerialized?: PreSerializedLookup;
  },
): void {
  const { auth, catalog, service } = options;

  router.get('/entities/:kind/:namespace/:name/status', async (req, res) => {
    const credentials = await auth.authorize(
      req,
      cnpgBackupsStatusReadPermission,
    );
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
      options.preSerialized,
    );
  });

  router.get(
    '/databases/:kubernetesCluster/:namespace/:name/status',
    async (req, res) => {
      await auth.authorize(req, cnpgBackupsStatusReadPermission);
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
      await auth.authorize(req, cnpgBackupsStatusReadPermission);
      const params = parse(serverNameParams, req.params, 'serverName request');
      res.json(await service.getServerNameEmptiness(params));
    },
  );
}
