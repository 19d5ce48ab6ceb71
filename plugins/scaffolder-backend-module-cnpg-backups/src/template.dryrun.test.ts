/*
 * Dry-runs templates/restore-cnpg-database/template.yaml through a REAL scaffolder backend
 * (POST /api/scaffolder/v2/dry-run) with this module's actions and a stand-in cnpg-backups
 * backend plugin that serves the status, server-name and create routes with real service auth.
 */
import {
  createBackendPlugin,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { pluginStatus } from './__testUtils__/status';
import { scaffolderModuleCnpgBackups } from './module';

const TEMPLATE_PATH = path.resolve(
  __dirname,
  '../../../templates/restore-cnpg-database/template.yaml',
);

function fakeCnpgBackupsBackend(calls: string[], created: unknown[]) {
  return createBackendPlugin({
    pluginId: 'cnpg-backups',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const router = express.Router();
          router.use(express.json());
          router.use(async (req, _res, next) => {
            // Only calls made on behalf of a user are accepted, as in the real backend.
            await httpAuth.credentials(req, { allow: ['user'] });
            calls.push(`${req.method} ${req.path}`);
            next();
          });
          router.get('/databases/:k8s/:ns/:name/status', (_req, res) => {
            res.json(pluginStatus());
          });
          router.get(
            '/databases/:k8s/:ns/:name/server-names/:serverName',
            (req, res) => {
              const empty = req.params.serverName !== 'orders-db-v2';
              res.json({
                serverName: req.params.serverName,
                empty,
                walObjects: empty ? 0 : 3,
              });
            },
          );
          router.post('/databases/:k8s/:ns/clusters', (req, res) => {
            created.push(req.body);
            res.status(201).json(req.body.manifest);
          });
          httpRouter.use(router);
        },
      });
    },
  });
}

/** Last status per step id, from the dry-run log. */
function stepStatuses(body: any): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const entry of body.log ?? []) {
    if (entry.body?.stepId && entry.body?.status)
      statuses[entry.body.stepId] = entry.body.status;
  }
  return statuses;
}

function logText(body: any): string {
  return (body.log ?? [])
    .map((entry: any) => entry.body?.message ?? '')
    .join('\n');
}

describe('restore-cnpg-database template (scaffolder dry-run)', () => {
  // A whole scaffolder backend starts per test; the first one also loads every module (cold).
  jest.setTimeout(120_000);
  const template = yaml.parse(fs.readFileSync(TEMPLATE_PATH, 'utf8'));

  async function dryRun(values: Record<string, unknown>) {
    const calls: string[] = [];
    const created: unknown[] = [];
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        githubModule,
        scaffolderModuleCnpgBackups,
        fakeCnpgBackupsBackend(calls, created),
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost' },
            integrations: {
              github: [{ host: 'github.com', token: 'not-used-in-dry-run' }],
            },
          },
        }),
      ],
    });
    const response = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({ template, values, directoryContents: [] });
    return { response, calls, created };
  }

  it('keeps the names the backup card pre-fills', () => {
    const keys = template.spec.parameters.flatMap((p: any) => [
      ...Object.keys(p.properties ?? {}),
      ...(p.dependencies?.targetKind?.oneOf ?? []).flatMap((o: any) =>
        Object.keys(o.properties),
      ),
    ]);
    for (const key of [
      'entityRef',
      'kubernetesCluster',
      'namespace',
      'cluster',
      'serverName',
      'targetKind',
      'backupId',
      'targetTime',
    ]) {
      expect(keys).toContain(key);
    }
    expect(template.metadata.name).toBe('restore-cnpg-database');
    expect(template.metadata.title).toBe('Restore a CNPG database');
  });

  it('plans and renders a point-in-time recovery (download mode)', async () => {
    const { response, calls, created } = await dryRun({
      entityRef: 'component:default/orders',
      kubernetesCluster: 'prod',
      namespace: 'shop',
      cluster: 'orders-db',
      serverName: 'orders-db',
      targetKind: 'time',
      targetTime: '2025-06-01T12:00:00+02:00',
      output: 'download',
    });
    expect(response.status).toBe(200);
    const body = response.body;
    expect(stepStatuses(body)).toEqual({
      plan: 'completed',
      manifest: 'completed',
      pr: 'skipped',
      create: 'skipped',
    });
    // orders-db-v2 is not empty in the bucket: the plan moved on to -v3.
    expect(calls).toEqual(
      expect.arrayContaining([
        'GET /databases/prod/shop/orders-db/status',
        'GET /databases/prod/shop/orders-db/server-names/orders-db-v2',
        'GET /databases/prod/shop/orders-db/server-names/orders-db-v3',
      ]),
    );
    expect(created).toEqual([]);
    const texts = body.output.text.map((t: any) => t.content).join('\n');
    expect(texts).toContain('targetTime: "2025-06-01T10:00:00Z"');
    expect(texts).toContain('serverName: orders-db-v3');
    expect(texts).toContain(
      'kubectl create -f cnpg-recovery/cluster-recovery.yaml',
    );
    expect(body.output.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ entityRef: 'component:default/orders' }),
      ]),
    );
    // No warnings for this plan: the Warnings block is left out.
    expect(body.output.text.map((t: any) => t.title)).not.toContain('Warnings');
    const files = body.directoryContents.map((f: any) => f.path).sort();
    expect(files).toEqual([
      'cnpg-recovery/README.md',
      'cnpg-recovery/cluster-after-recovery.yaml',
      'cnpg-recovery/cluster-recovery.yaml',
    ]);
  });

  it('runs the create path without creating anything in dry-run', async () => {
    // The card pre-fills entityRef (the entity declaring the database); the template passes it to
    // cnpg:cluster:create, whose permission and ownership checks need it.
    const { response, created } = await dryRun({
      entityRef: 'component:default/orders',
      kubernetesCluster: 'prod',
      namespace: 'shop',
      cluster: 'orders-db',
      targetKind: 'backup',
      backupId: '20250601T020000',
      newClusterName: 'orders-june1',
      output: 'create',
    });
    expect(response.status).toBe(200);
    expect(stepStatuses(response.body)).toEqual({
      plan: 'completed',
      manifest: 'completed',
      pr: 'skipped',
      create: 'completed',
    });
    expect(logText(response.body)).toContain(
      'Dry run: would create Cluster shop/orders-june1',
    );
    // Without an entity the create step is refused by its input schema, even in dry-run.
    const noEntity = await dryRun({
      kubernetesCluster: 'prod',
      namespace: 'shop',
      cluster: 'orders-db',
      targetKind: 'backup',
      backupId: '20250601T020000',
      newClusterName: 'orders-june1',
      output: 'create',
    });
    expect(noEntity.response.status).toBe(400);
    expect(noEntity.response.body.error.message).toMatch(
      /cnpg:cluster:create.*requires property "entityRef"/,
    );
    expect(noEntity.created).toEqual([]);
    // The new name differs from the source, but the fixture's source spec carries initdb only:
    // no warnings either. A same-name restore is warned about:
    const sameName = await dryRun({
      kubernetesCluster: 'prod',
      namespace: 'shop',
      cluster: 'orders-db',
      targetKind: 'latest',
      newClusterName: 'orders-db',
      output: 'download',
    });
    const warnings = sameName.response.body.output.text.find(
      (t: any) => t.title === 'Warnings',
    );
    expect(warnings.content).toMatch(/source's name "orders-db"/);
    // Planner and builder give the same words once, not twice.
    expect(warnings.content.match(/source's name/g)).toHaveLength(1);
    expect(created).toEqual([]);
  });

  it('renders every file and a pull request in pull-request mode', async () => {
    const { response } = await dryRun({
      entityRef: 'component:default/orders',
      kubernetesCluster: 'prod',
      namespace: 'shop',
      cluster: 'orders-db',
      targetKind: 'latest',
      output: 'pull-request',
      repoUrl: 'github.com?owner=acme&repo=gitops',
      repoPath: 'clusters/shop/orders-db-restore',
    });
    expect(response.status).toBe(200);
    expect(stepStatuses(response.body)).toEqual({
      plan: 'completed',
      manifest: 'completed',
      pr: 'completed',
      create: 'skipped',
    });
    expect(
      response.body.directoryContents.map((f: any) => f.path).sort(),
    ).toEqual([
      'cnpg-recovery/README.md',
      'cnpg-recovery/cluster-after-recovery.yaml',
      'cnpg-recovery/cluster-recovery.yaml',
      'cnpg-recovery/kustomize/kustomization.yaml',
    ]);
    expect(response.body.output.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          title: 'Pull request',
          url: 'github.com?owner=acme&repo=gitops',
        }),
      ]),
    );
    expect(logText(response.body)).toContain(
      'Performing dry run of creating pull request',
    );
  });

  it('rejects a zone-less time in the form schema', async () => {
    const { response } = await dryRun({
      kubernetesCluster: 'prod',
      namespace: 'shop',
      cluster: 'orders-db',
      targetKind: 'time',
      targetTime: '2025-06-01 12:00:00',
      output: 'download',
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.errors)).toMatch(
      /targetTime.*pattern|pattern.*targetTime/,
    );
  });

  it('fails the plan step with the named error for a target after the archive', async () => {
    const { response } = await dryRun({
      kubernetesCluster: 'prod',
      namespace: 'shop',
      cluster: 'orders-db',
      targetKind: 'time',
      targetTime: '2030-01-01T00:00:00Z',
      output: 'download',
    });
    // A failed step fails the dry-run with the step's InputError.
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
    expect(response.body.error.message).toMatch(
      /RecoveryTargetAfterWindowError: targetTime 2030-01-01T00:00:00Z is after the last recoverable point 2025-06-01T18:00:00Z/,
    );
  });
});
