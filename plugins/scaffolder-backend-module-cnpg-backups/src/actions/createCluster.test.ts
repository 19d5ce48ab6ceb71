import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  buildRecoveryManifests,
  validateRecoveryTarget,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { setupServer } from 'msw/node';
import {
  backendHandlers,
  pluginStatus,
  testDiscovery,
} from '../__testUtils__/status';
import { createCnpgClusterCreateAction } from './createCluster';

function recoveryManifest(name = 'orders-db-restore') {
  return buildRecoveryManifests({
    source: {
      name: 'orders-db',
      namespace: 'shop',
      spec: pluginStatus().clusterSpec!,
    },
    newClusterName: name,
    target: validateRecoveryTarget({ kind: 'latest' }),
    sourceServerName: 'orders-db',
    targetServerName: 'orders-db-v2',
  }).recoveryCluster;
}

describe('cnpg:cluster:create', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const action = createCnpgClusterCreateAction({
    discovery: testDiscovery,
    auth: mockServices.auth(),
  });

  it('POSTs the manifest with create semantics', async () => {
    const created: any[] = [];
    server.use(...backendHandlers({ created }));
    const ctx = createMockActionContext({
      input: {
        entityRef: 'component:default/orders',
        kubernetesCluster: 'prod',
        namespace: 'shop',
        manifest: recoveryManifest() as any,
      },
    });
    await action.handler(ctx as any);
    expect(created).toHaveLength(1);
    expect(created[0].manifest.metadata).toMatchObject({
      name: 'orders-db-restore',
      namespace: 'shop',
    });
    expect(created[0].entityRef).toBe('component:default/orders');
    expect(ctx.output).toHaveBeenCalledWith('created', true);
  });

  it('does nothing in dry-run', async () => {
    const created: any[] = [];
    server.use(...backendHandlers({ created }));
    // createMockActionContext drops isDryRun, so set it on the context it returns.
    const ctx = {
      ...createMockActionContext({
        input: {
          entityRef: 'component:default/orders',
          kubernetesCluster: 'prod',
          namespace: 'shop',
          manifest: recoveryManifest() as any,
        },
      }),
      isDryRun: true,
    };
    await action.handler(ctx as any);
    expect(created).toHaveLength(0);
    expect(ctx.output).toHaveBeenCalledWith('created', false);
  });

  it('explains a name that already exists (409)', async () => {
    server.use(...backendHandlers({ existingClusters: ['orders-db-restore'] }));
    const ctx = createMockActionContext({
      input: {
        entityRef: 'component:default/orders',
        kubernetesCluster: 'prod',
        namespace: 'shop',
        manifest: recoveryManifest() as any,
      },
    });
    await expect(action.handler(ctx as any)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /"orders-db-restore" already exists in namespace shop/,
      ),
    });
  });

  it('explains a refusal (403)', async () => {
    server.use(...backendHandlers({ createStatus: 403 }));
    const ctx = createMockActionContext({
      input: {
        entityRef: 'component:default/orders',
        kubernetesCluster: 'prod',
        namespace: 'shop',
        manifest: recoveryManifest() as any,
      },
    });
    await expect(action.handler(ctx as any)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /not allowed to create this recovery Cluster in namespace shop of "prod" for component:default\/orders/,
      ),
    });
  });

  it('refuses non-recovery manifests and namespace mismatches before calling the backend', async () => {
    const created: any[] = [];
    server.use(...backendHandlers({ created }));
    const initdb = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'x' },
      spec: { instances: 1, bootstrap: { initdb: {} } },
    };
    await expect(
      action.handler(
        createMockActionContext({
          input: {
            entityRef: 'component:default/orders',
            kubernetesCluster: 'prod',
            namespace: 'shop',
            manifest: initdb,
          },
        }) as any,
      ),
    ).rejects.toThrow(/NotARecoveryCluster spec.bootstrap.initdb/);
    await expect(
      action.handler(
        createMockActionContext({
          input: {
            entityRef: 'component:default/orders',
            kubernetesCluster: 'prod',
            namespace: 'other',
            manifest: recoveryManifest() as any,
          },
        }) as any,
      ),
    ).rejects.toThrow(/namespace "shop" but namespace "other"/);
    expect(created).toHaveLength(0);
  });

  it.each([
    [
      'skipEmptyWalArchiveCheck',
      (m: any) =>
        (m.metadata.annotations['cnpg.io/skipEmptyWalArchiveCheck'] =
          'enabled'),
      /SkipEmptyWalArchiveCheck/,
    ],
    [
      'managed roles',
      (m: any) =>
        (m.spec.managed = { roles: [{ name: 'root', superuser: true }] }),
      /ForbiddenField spec.managed/,
    ],
    [
      'a foreign label',
      (m: any) =>
        (m.metadata.labels = { 'backstage.io/kubernetes-id': 'payments' }),
      /ForbiddenField metadata.labels/,
    ],
    [
      'an extra volume',
      (m: any) => (m.spec.projectedVolumeTemplate = { sources: [] }),
      /ForbiddenField spec.projectedVolumeTemplate/,
    ],
    [
      'no bootstrap',
      (m: any) => delete m.spec.bootstrap,
      /NotARecoveryCluster/,
    ],
  ])(
    'refuses %s locally with the shared rules, before calling the backend',
    async (_what, mutate, message) => {
      const created: any[] = [];
      server.use(...backendHandlers({ created }));
      const m = JSON.parse(JSON.stringify(recoveryManifest()));
      mutate(m);
      await expect(
        action.handler(
          createMockActionContext({
            input: {
              entityRef: 'component:default/orders',
              kubernetesCluster: 'prod',
              namespace: 'shop',
              manifest: m,
            },
          }) as any,
        ),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(message),
      });
      expect(created).toHaveLength(0);
    },
  );

  it("passes on the backend's 409 naming a taken serverName (re-checked right before create)", async () => {
    server.use(
      ...backendHandlers({
        createStatus: 409,
        createMessage:
          'ServerNameTaken: serverName "orders-db-v2" is taken (archived to by Cluster shop/orders-db-restore-a)',
      }),
    );
    const ctx = createMockActionContext({
      input: {
        entityRef: 'component:default/orders',
        kubernetesCluster: 'prod',
        namespace: 'shop',
        manifest: recoveryManifest() as any,
      },
    });
    await expect(action.handler(ctx as any)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /serverName "orders-db-v2" is taken .*Plan the recovery again/,
      ),
    });
  });
});
