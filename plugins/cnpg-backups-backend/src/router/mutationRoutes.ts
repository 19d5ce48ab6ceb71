/*
 * The two mutations: "Back up now" and recovery Cluster creation. Order, for both:
 * authenticate (401) → read just the body's entityRef (400 if absent or malformed) → the
 * resource permission on that entity (403) → validate the rest of the input (400) → audit →
 * read the entity with the caller's credentials (404) → the service.
 */
import type { AuditorService } from '@backstage/backend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  cnpgBackupsBackupCreatePermission,
  cnpgBackupsRecoveryCreatePermission,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { Router } from 'express';
import type { CnpgBackupsService } from '../service/types';
import { principalRef, type RouteAuthorizer } from './authorize';
import {
  createBackupBody,
  createClusterBody,
  namespaceParams,
  parse,
  parseBodyEntityRef,
} from './validation';

export function addMutationRoutes(
  router: Router,
  options: {
    auth: RouteAuthorizer;
    catalog: CatalogService;
    auditor: AuditorService;
    service: CnpgBackupsService;
  },
): void {
  const { auth, catalog, auditor, service } = options;

  const requireEntity = async (
    compound: CompoundEntityRef,
    entityRef: string,
    credentials: BackstageCredentials,
  ) => {
    const entity = await catalog.getEntityByRef(compound, { credentials });
    if (!entity) throw new NotFoundError(`Entity ${entityRef} not found`);
    return entity;
  };

  router.post('/backups', async (req, res) => {
    const credentials = await auth.authenticate(req);
    const { compound, entityRef } = parseBodyEntityRef(req.body);
    await auth.authorizeOnEntity(
      credentials,
      cnpgBackupsBackupCreatePermission,
      entityRef,
    );
    const body = parse(createBackupBody, req.body, 'request body');
    const meta = {
      entityRef,
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
      const created = await service.createBackup({
        entity: await requireEntity(compound, entityRef, credentials),
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

  router.post(
    '/databases/:kubernetesCluster/:namespace/clusters',
    async (req, res) => {
      const credentials = await auth.authenticate(req);
      const { compound, entityRef } = parseBodyEntityRef(req.body);
      await auth.authorizeOnEntity(
        credentials,
        cnpgBackupsRecoveryCreatePermission,
        entityRef,
      );
      const params = parse(namespaceParams, req.params, 'target');
      const body = parse(createClusterBody, req.body, 'request body');
      const meta = {
        entityRef,
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
        const created = await service.createCluster({
          ...params,
          entity: await requireEntity(compound, entityRef, credentials),
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
}
