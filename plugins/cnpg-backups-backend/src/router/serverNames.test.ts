/*
 * GET /databases/:k8s/:ns/:name/server-names/:serverName over the REAL service (fake
 * Kubernetes client and archive reader): a serverName that an existing Cluster's archive
 * declaration writes is claimed, hence not available, even while its folder is still empty
 * (issue 10, point 4). The original fields are unchanged.
 */
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { S3EndpointPolicy } from '../archive';
import { KubernetesForbiddenError } from '../kubernetes';
import { DefaultCnpgBackupsService } from '../service/DefaultCnpgBackupsService';
import { KubernetesClientRegistry } from '../kubernetes/KubernetesClientRegistry';
import { createRouter } from './createRouter';
import { ScanCache } from '../archive/ScanCache';
import {
  FakeArchiveReaderFactory,
  FakeKubernetesClient,
} from '../service/__testUtils__/fakes';
import {
  ACCESS_KEY_ID,
  NOW,
  SECRET_ACCESS_KEY,
  catalog,
  catalogBackup,
  objectStore,
  pluginCluster,
} from '@cnpg-backups/plugin-cnpg-backups-common/testUtils';

async function setup() {
  const client = new FakeKubernetesClient('prod');
  client.clusters = [
    pluginCluster('orders'),
    // A restore that already declares `orders-v2` (the incident's cnpg-main-v2), whose archive
    // is still empty (its first WAL is not archived yet).
    pluginCluster('orders-restore', {
      plugins: [
        {
          name: 'barman-cloud.cloudnative-pg.io',
          isWALArchiver: true,
          parameters: {
            barmanObjectName: 'minio-store',
            serverName: 'orders-v2',
          },
        },
      ],
    }),
  ];
  client.objectStores = [objectStore()];
  client.secrets = {
    'db/s3-creds': { ACCESS_KEY_ID, ACCESS_SECRET_KEY: SECRET_ACCESS_KEY },
  };
  const service = DefaultCnpgBackupsService.create({
    logger: mockServices.logger.mock(),
    kubernetes: KubernetesClientRegistry.create([client]),
    archiveReaders: new FakeArchiveReaderFactory({
      'http://minio.minio.svc:9000': {
        catalogs: {
          's3://backups/cnpg|orders': catalog('orders', [
            catalogBackup('20250610T020000', '2025-06-10T02:00:10Z'),
          ]),
        },
      },
    }),
    endpointPolicy: new S3EndpointPolicy({
      allowedEndpoints: ['minio.minio.svc:9000'],
    }),
    scanCache: ScanCache.create({ ttlSeconds: 60 }),
    now: () => NOW,
  });
  const router = await createRouter({
    logger: mockServices.logger.mock(),
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    catalog: catalogServiceMock({ entities: [] }),
    auditor: {
      createEvent: async () => ({
        success: async () => {},
        fail: async () => {},
      }),
    } as any,
    service,
  });
  return { app: express().use(router).use(mockErrorHandler()), client };
}

describe('GET server-names: serverNames claimed by Clusters', () => {
  it('answers claimedBy and available=false for a declared serverName whose folder is empty', async () => {
    const { app } = await setup();
    const res = await request(app).get(
      '/databases/prod/db/orders/server-names/orders-v2',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      serverName: 'orders-v2',
      empty: true,
      walObjects: 0,
      destinationPath: 's3://backups/cnpg',
      claimedBy: [
        {
          kubernetesCluster: 'prod',
          namespace: 'db',
          name: 'orders-restore',
          kind: 'cluster',
        },
      ],
      available: false,
    });
  });

  it('answers available=true for a serverName nobody declares and nothing was written to', async () => {
    const { app } = await setup();
    const res = await request(app).get(
      '/databases/prod/db/orders/server-names/orders-v3',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      serverName: 'orders-v3',
      empty: true,
      claimedBy: [],
      available: true,
    });
  });

  it('answers a named error, never "nothing claimed", when the Clusters cannot be listed', async () => {
    const { app, client } = await setup();
    // The first read (the database's own Cluster) succeeds; the cluster-wide list is refused.
    client.faults.listClusters = new KubernetesForbiddenError({
      message:
        'clusters.postgresql.cnpg.io is forbidden: cannot list resource "clusters" at the cluster scope',
      kubernetesCluster: 'prod',
    });
    const res = await request(app).get(
      '/databases/prod/db/orders/server-names/orders-v3',
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/cannot list resource "clusters"/);
  });
});
