/*
 * Runs every action example through its handler (examples that cannot run are wrong docs).
 */
import {
  mockServices,
  registerMswTestHooks,
  createMockDirectory,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  buildRecoveryManifests,
  planRecovery,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { setupServer } from 'msw/node';
import yaml from 'yaml';
import {
  backendHandlers,
  pluginStatus,
  testDiscovery,
} from '../__testUtils__/status';
import { createCnpgClusterCreateAction } from './createCluster';
import { examples as createExamples } from './createCluster.examples';
import { createCnpgRecoveryPlanAction } from './planRecovery';
import { examples as planExamples } from './planRecovery.examples';
import { createCnpgRecoveryManifestAction } from './renderManifests';
import { examples as manifestExamples } from './renderManifests.examples';

function firstStepInput(example: string) {
  return yaml.parse(example).steps[0].input;
}

/** Stands in for the template engine: resolves `${{ steps.x.output.y }}` against earlier outputs. */
function resolve(
  input: Record<string, unknown>,
  outputs: Record<string, Record<string, unknown>>,
) {
  return Object.fromEntries(
    Object.entries(input).map(([key, value]) => {
      const match =
        typeof value === 'string' &&
        /^\$\{\{ steps\.(\w+)\.output\.(\w+) \}\}$/.exec(value);
      return [key, match ? outputs[match[1]][match[2]] : value];
    }),
  );
}

describe('action examples', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const workspace = createMockDirectory();
  const deps = { discovery: testDiscovery, auth: mockServices.auth() };
  const status = pluginStatus();
  const plan = JSON.parse(
    JSON.stringify(planRecovery({ status, target: { kind: 'latest' } })),
  );
  const manifest = buildRecoveryManifests({
    source: { name: 'orders-db', namespace: 'shop', spec: status.clusterSpec! },
    newClusterName: plan.newClusterName,
    target: plan.target,
    sourceServerName: plan.sourceServerName,
    targetServerName: plan.targetServerName,
  }).recoveryCluster;
  const outputs = {
    plan: { plan, sourceClusterSpec: status.clusterSpec! },
    manifest: { manifest },
  };

  beforeEach(() => server.use(...backendHandlers({})));

  it.each(planExamples.map(e => [e.description, e.example]))(
    'cnpg:recovery:plan: %s',
    async (_d, example) => {
      const ctx = createMockActionContext({
        input: resolve(firstStepInput(example), outputs) as any,
      });
      await createCnpgRecoveryPlanAction(deps).handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith(
        'targetServerName',
        'orders-db-v2',
      );
    },
  );

  it.each(manifestExamples.map(e => [e.description, e.example]))(
    'cnpg:recovery:manifest: %s',
    async (_d, example) => {
      const ctx = createMockActionContext({
        input: resolve(firstStepInput(example), outputs) as any,
        workspacePath: workspace.path,
      });
      await createCnpgRecoveryManifestAction().handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith(
        'files',
        expect.arrayContaining([
          expect.stringMatching(/cluster-after-recovery.yaml$/),
        ]),
      );
    },
  );

  it.each(createExamples.map(e => [e.description, e.example]))(
    'cnpg:cluster:create: %s',
    async (_d, example) => {
      const ctx = createMockActionContext({
        input: resolve(firstStepInput(example), outputs) as any,
      });
      await createCnpgClusterCreateAction(deps).handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith('created', true);
    },
  );
});
