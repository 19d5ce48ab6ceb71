/*
 * "Back up now" while a backup of that database is still pending: the router, over the REAL
 * service (fake Kubernetes client, no operator), answers 409 naming the pending Backup instead
 * of queueing another full base backup.
 */
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { S3EndpointPolicy } from '../archive';
import { DefaultCnpgBackupsService } from '../service/DefaultCnpgBackupsService';
import { KubernetesClientRegistry } from '../kubernetes/KubernetesClientRegistry';
import { createRouter } from './createRouter';
import { ScanCache } from '../archive/ScanCache';
import {
  FakeArchiveReaderFactory,
  FakeKubernetesClient,
} from '../service/__testUtils__/fakes';
import {
  objectStore,
  pluginCluster,
} from '@cnpg-backups/plugin-cnpg-backups-common/testUtils';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: { 'cnpg.io/cluster': 'db/orders' },
  },
  spec: {},
};

async function setup() {
  const client = new FakeKubernetesClient('prod');
  client.clusters = [pluginCluster('orders'), pluginCluster('billing')];
  client.objectStores = [objectStore()];
  const clock = { now: Date.parse('2025-06-10T12:00:00Z') };
  const service = DefaultCnpgBackupsService.create({
    logger: mockServices.logger.mock(),
    kubernetes: KubernetesClientRegistry.create([client]),
    archiveReaders: new FakeArchiveReaderFactory({}),
    endpointPolicy: new S3EndpointPolicy({
      allowedEndpoints: ['minio.minio.svc:9000'],
    }),
    scanCache: ScanCache.create({ ttlSeconds: 60 }),
    now: () => new Date(clock.now),
  });
  const outcomes: string[] = [];
  const router = await createRouter({
    logger: mockServices.logger.mock(),
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    catalog: catalogServiceMock({ entities: [entity] }),
    auditor: {
      createEvent: async () => ({
        success: async () => void outcomes.push('success'),
        fail: async () => void outcomes.push('fail'),
      }),
    } as any,
    service,
  });
  return {
    app: express().use(router).use(mockErrorHandler()),
    client,
    clock,
    outcomes,
  };
}

const body = {
  entityRef: 'component:default/shop',
  kubernetesCluster: 'prod',
  namespace: 'db',
  cluster: 'orders',
};

describe('POST /backups while a backup of that database is pending', () => {
  it('answers 409 naming the pending Backup instead of queueing another full backup', async () => {
    const { app, client, clock, outcomes } = await setup();
    const first = await request(app).post('/backups').send(body);
    expect(first.status).toBe(201);
    expect(first.body.backup.name).toBe('orders-manual-20250610120000');

    clock.now += 60_000; // a minute later: a new name, so only the pending check can refuse it
    const second = await request(app).post('/backups').send(body);
    expect(second.status).toBe(409);
    expect(second.body.error.name).toBe('ConflictError');
    expect(second.body.error.message).toContain(
      'Backup orders-manual-20250610120000 of db/orders is still pending',
    );
    expect(client.backups.map(b => b.metadata.name)).toEqual([
      'orders-manual-20250610120000',
    ]);
    expect(outcomes).toEqual(['success', 'fail']);

    // Once the operator finished it, "Back up now" works again.
    client.backups[0].status = {
      phase: 'completed',
      backupId: '20250610T120000',
    };
    const third = await request(app).post('/backups').send(body);
    expect(third.status).toBe(201);
    expect(third.body.backup.name).toBe('orders-manual-20250610120100');
  });

  it('names the phase the pending Backup is in', async () => {
    const { app, client } = await setup();
    await request(app).post('/backups').send(body).expect(201);
    client.backups[0].status = { phase: 'running' };
    const res = await request(app).post('/backups').send(body);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /^Backup orders-manual-20250610120000 of db\/orders is still running: /,
    );
  });
});
