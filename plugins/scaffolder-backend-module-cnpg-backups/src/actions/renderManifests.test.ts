import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  planRecovery,
  type RecoveryTargetRequest,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { parse } from 'yaml';
import { pluginStatus } from '../__testUtils__/status';
import { createCnpgRecoveryManifestAction } from './renderManifests';

describe('cnpg:recovery:manifest', () => {
  const action = createCnpgRecoveryManifestAction();
  const workspace = createMockDirectory();

  function planFor(target: RecoveryTargetRequest) {
    const status = pluginStatus();
    return JSON.parse(JSON.stringify(planRecovery({ status, target })));
  }

  beforeEach(() => workspace.clear());

  it.each(['kubectl', 'kustomize', 'pull-request'] as const)(
    'writes the %s files',
    async output => {
      const ctx = createMockActionContext({
        input: {
          plan: planFor({ kind: 'time', targetTime: '2025-06-01T12:00:00Z' }),
          sourceClusterSpec: pluginStatus().clusterSpec as any,
          output,
        },
        workspacePath: workspace.path,
      });
      await action.handler(ctx as any);
      const out = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      const expected = {
        kubectl: [
          'cluster-recovery.yaml',
          'cluster-after-recovery.yaml',
          'README.md',
        ],
        kustomize: [
          'cluster-after-recovery.yaml',
          'kustomize/kustomization.yaml',
          'README.md',
        ],
        'pull-request': [
          'cluster-recovery.yaml',
          'cluster-after-recovery.yaml',
          'kustomize/kustomization.yaml',
          'README.md',
        ],
      }[output].map(f => `cnpg-recovery/${f}`);
      expect(out.files).toEqual(expected);
      const content = workspace.content() as any;
      expect(Object.keys(content['cnpg-recovery']).sort()).toEqual(
        [...new Set(expected.map(f => f.split('/')[1]))].sort(),
      );
      expect(out.command).toBe(
        'kubectl create -f cnpg-recovery/cluster-recovery.yaml',
      );
      const recovery = parse(out.recoveryManifest);
      expect(recovery.spec.bootstrap.recovery.recoveryTarget).toEqual({
        backupID: '20250601T020000',
        targetTime: '2025-06-01T12:00:00Z',
      });
      expect(
        recovery.spec.externalClusters[0].plugin.parameters.serverName,
      ).toBe('orders-db');
      expect(recovery.spec.plugins[0].parameters.serverName).toBe(
        'orders-db-v2',
      );
      expect(out.manifest).toEqual(recovery);
      expect(out.readme).toContain(
        output === 'kustomize'
          ? 'Kustomize overlay'
          : 'kubectl create -f cnpg-recovery/cluster-recovery.yaml',
      );
      expect(out.readme).toContain(
        output === 'kustomize' ? 'does not exist yet' : 'never `kubectl apply`',
      );
      expect(out.readme).toContain('Commit `cluster-after-recovery.yaml`');
    },
  );

  it('refuses a tampered plan (target serverName = source)', async () => {
    const plan = planFor({ kind: 'latest' });
    plan.targetServerName = plan.sourceServerName;
    const ctx = createMockActionContext({
      input: {
        plan,
        sourceClusterSpec: pluginStatus().clusterSpec as any,
        output: 'kubectl',
      },
      workspacePath: workspace.path,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /ServerNameConflictError/,
    );
  });

  it('refuses a plan with a hostile cluster name or target', async () => {
    const plan = planFor({ kind: 'latest' });
    const ctx = createMockActionContext({
      input: {
        plan: { ...plan, newClusterName: 'x\nkind: Secret' },
        sourceClusterSpec: pluginStatus().clusterSpec as any,
        output: 'kubectl',
      },
      workspacePath: workspace.path,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(InputError);
    const ctx2 = createMockActionContext({
      input: {
        plan: {
          ...plan,
          target: { kind: 'time', targetTime: '2025-06-01 12:00:00' },
        },
        sourceClusterSpec: pluginStatus().clusterSpec as any,
        output: 'kubectl',
      },
      workspacePath: workspace.path,
    });
    await expect(action.handler(ctx2 as any)).rejects.toThrow(
      /RecoveryTimeWithoutZoneError/,
    );
  });

  it('refuses a workspace path escaping the workspace', async () => {
    const ctx = createMockActionContext({
      input: {
        plan: planFor({ kind: 'latest' }),
        sourceClusterSpec: pluginStatus().clusterSpec as any,
        targetPath: '../outside',
      },
      workspacePath: workspace.path,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(/outside/);
  });

  it('reports CRD violations from the source spec', async () => {
    const spec = { ...pluginStatus().clusterSpec!, instances: 'three' };
    const ctx = createMockActionContext({
      input: {
        plan: planFor({ kind: 'latest' }),
        sourceClusterSpec: spec as any,
      },
      workspacePath: workspace.path,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /RecoveryManifestInvalidError: .*spec.instances/,
    );
  });
});
