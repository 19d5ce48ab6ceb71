import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupServer } from 'msw/node';
import {
  backendHandlers,
  pluginStatus,
  testDiscovery,
} from '../__testUtils__/status';
import { createCnpgRecoveryPlanAction } from './planRecovery';

describe('cnpg:recovery:plan', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const action = createCnpgRecoveryPlanAction({
    discovery: testDiscovery,
    auth: mockServices.auth(),
  });
  const baseInput = {
    kubernetesCluster: 'prod',
    namespace: 'shop',
    cluster: 'orders-db',
  };

  function outputs(ctx: ReturnType<typeof createMockActionContext>) {
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  it('plans a time target with the backend status and an empty serverName', async () => {
    const authorizations: string[] = [];
    server.use(...backendHandlers({ authorizations }));
    const ctx = createMockActionContext({
      input: {
        ...baseInput,
        targetKind: 'time',
        targetTime: '2025-06-01T12:00:00+02:00',
      },
    });
    await action.handler(ctx as any);
    const out = outputs(ctx);
    expect(out.sourceServerName).toBe('orders-db');
    expect(out.targetServerName).toBe('orders-db-v2');
    expect(out.baseBackupId).toBe('20250601T020000');
    expect(out.newClusterName).toBe('orders-db-restore');
    expect(out.target).toEqual({
      kind: 'time',
      targetTime: '2025-06-01T10:00:00Z',
      backupId: '20250601T020000',
    });
    expect(out.window).toEqual({
      from: '2025-06-01T02:00:10Z',
      to: '2025-06-01T18:00:00Z',
      lastRecoverableWal: '000000010000000000000007',
    });
    expect(out.sourceClusterSpec).toEqual(pluginStatus().clusterSpec);
    expect(out.plan.targetServerName).toBe('orders-db-v2');
    // The token was minted on behalf of the initiator for the cnpg-backups plugin.
    expect(authorizations[0]).toMatch(
      /^Bearer mock-service-token:.*cnpg-backups/,
    );
  });

  it('moves to the next generation when the bucket says the serverName is not empty', async () => {
    server.use(
      ...backendHandlers({ nonEmpty: ['orders-db-v2', 'orders-db-v3'] }),
    );
    const ctx = createMockActionContext({
      input: { ...baseInput, targetKind: 'latest' },
    });
    await action.handler(ctx as any);
    expect(outputs(ctx).targetServerName).toBe('orders-db-v4');
  });

  it('skips a serverName a Cluster declares although its archive folder is still empty (issue 10, point 4)', async () => {
    // A second restore already created orders-db-restore archiving to orders-db-v2; no WAL yet.
    server.use(
      ...backendHandlers({
        claimed: {
          'orders-db-v2': [
            {
              kubernetesCluster: 'prod',
              namespace: 'shop',
              name: 'orders-db-restore',
              kind: 'cluster',
            },
          ],
        },
      }),
    );
    const ctx = createMockActionContext({
      input: { ...baseInput, targetKind: 'latest' },
    });
    const info = jest.spyOn(ctx.logger, 'info');
    await action.handler(ctx as any);
    expect(outputs(ctx).targetServerName).toBe('orders-db-v3');
    expect(outputs(ctx).plan.targetServerName).toBe('orders-db-v3');
    expect(info).toHaveBeenCalledWith(
      'serverName orders-db-v2 is claimed by Cluster prod/shop/orders-db-restore; trying the next generation',
    );
  });

  it('skips a serverName reserved by a recovery Cluster being created, and a non-empty one after it', async () => {
    server.use(
      ...backendHandlers({
        claimed: {
          'orders-db-v2': [
            {
              kubernetesCluster: 'prod',
              namespace: 'shop',
              name: 'orders-db-r1',
              kind: 'creation',
            },
          ],
        },
        nonEmpty: ['orders-db-v3'],
      }),
    );
    const ctx = createMockActionContext({
      input: { ...baseInput, targetKind: 'latest' },
    });
    await action.handler(ctx as any);
    expect(outputs(ctx).targetServerName).toBe('orders-db-v4');
  });

  it('still works against a backend that predates claimedBy (empty is all it answers)', async () => {
    server.use(
      ...backendHandlers({
        legacyServerNames: true,
        nonEmpty: ['orders-db-v2'],
      }),
    );
    const ctx = createMockActionContext({
      input: { ...baseInput, targetKind: 'latest' },
    });
    await action.handler(ctx as any);
    expect(outputs(ctx).targetServerName).toBe('orders-db-v3');
  });

  it('refuses a target after the last recoverable point with the named error', async () => {
    server.use(...backendHandlers({}));
    const ctx = createMockActionContext({
      input: {
        ...baseInput,
        targetKind: 'time',
        targetTime: '2030-01-01T00:00:00Z',
      },
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(InputError);
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /^RecoveryTargetAfterWindowError: .*000000010000000000000007/,
    );
  });

  it('refuses zone-less times', async () => {
    server.use(...backendHandlers({}));
    const ctx = createMockActionContext({
      input: {
        ...baseInput,
        targetKind: 'time',
        targetTime: '2025-06-01 12:00:00',
      },
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /RecoveryTimeWithoutZoneError/,
    );
  });

  it('reports an unknown cluster as NotFound', async () => {
    server.use(...backendHandlers({}));
    const ctx = createMockActionContext({
      input: { ...baseInput, cluster: 'nope', targetKind: 'latest' },
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /nope was not found/,
    );
  });

  it('derives a minimal spec when the backend gives none, and needs storageSize then', async () => {
    const status = pluginStatus();
    delete status.clusterSpec;
    server.use(...backendHandlers({ status }));
    const ctx = createMockActionContext({
      input: { ...baseInput, targetKind: 'latest' },
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /give storageSize/,
    );
    const ctx2 = createMockActionContext({
      input: { ...baseInput, targetKind: 'latest', storageSize: '20Gi' },
    });
    await action.handler(ctx2 as any);
    const out = outputs(ctx2);
    expect(out.sourceClusterSpec).toEqual({
      instances: 2,
      storage: { size: '20Gi' },
      plugins: [
        {
          name: 'barman-cloud.cloudnative-pg.io',
          isWALArchiver: true,
          parameters: { barmanObjectName: 's3-store', serverName: 'orders-db' },
        },
      ],
    });
    expect(out.warnings.join()).toMatch(/rebuilt from the status summary/);
  });
});
