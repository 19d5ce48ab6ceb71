/*
 * cnpg:cluster:create: creates the recovery Cluster through the cnpg-backups backend, with
 * create semantics (the backend POSTs; an existing name is a 409, never a merge).
 */
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  checkClusterWebhookRules,
  checkRecoveryClusterRequest,
  describeRecoveryViolations,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { validateCnpgResource } from '@cnpg-backups/plugin-cnpg-backups-node';
import { CnpgBackupsBackendClient } from './CnpgBackupsBackendClient';
import type { CnpgRecoveryActionOptions } from './planRecovery';
import { examples } from './createCluster.examples';

/**
 * Creates the `cnpg:cluster:create` action. Only recovery Clusters are accepted: this action
 * exists to run a recovery, not to provision databases.
 * @public
 */
export function createCnpgClusterCreateAction(
  options: CnpgRecoveryActionOptions,
) {
  const client = new CnpgBackupsBackendClient(options);
  return createTemplateAction({
    id: 'cnpg:cluster:create',
    description:
      'Creates a CNPG recovery Cluster (create semantics, like kubectl create) through the cnpg-backups backend. Skipped in dry-run.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string({
              description:
                'Catalog entity that declares the source database (the permission is checked on it)',
            })
            .min(1),
        kubernetesCluster: z =>
          z
            .string({
              description: 'Kubernetes cluster name as configured in Backstage',
            })
            .min(1),
        namespace: z =>
          z
            .string({ description: 'Namespace to create the Cluster in' })
            .min(1),
        manifest: z =>
          z
            .record(z.string(), z.unknown())
            .describe(
              'The Cluster object (the "manifest" output of cnpg:recovery:manifest)',
            ),
      },
      output: {
        clusterName: z => z.string(),
        namespace: z => z.string(),
        created: z => z.boolean(),
      },
    },
    async handler(ctx) {
      const { kubernetesCluster, namespace } = ctx.input;
      const manifest = ctx.input.manifest as Record<string, any>;
      const name = String(manifest?.metadata?.name ?? '');
      const manifestNamespace = manifest?.metadata?.namespace;
      if (manifestNamespace !== undefined && manifestNamespace !== namespace) {
        throw new InputError(
          `The manifest is for namespace "${manifestNamespace}" but namespace "${namespace}" was given`,
        );
      }
      // The same recovery-only rules the backend runs (structural part: no live facts here).
      const { violations } = checkRecoveryClusterRequest({
        manifest,
        namespace,
      });
      if (violations.length > 0) {
        throw new InputError(describeRecoveryViolations(violations));
      }
      const problems = [
        ...validateCnpgResource(manifest).errors,
        ...checkClusterWebhookRules(manifest, { requireRecovery: true }),
      ];
      if (problems.length > 0) {
        throw new InputError(
          `RecoveryManifestInvalidError: ${problems.join('; ')}`,
        );
      }
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would create Cluster ${namespace}/${name} in "${kubernetesCluster}"`,
        );
        ctx.output('clusterName', name);
        ctx.output('namespace', namespace);
        ctx.output('created', false);
        return;
      }
      await client.createCluster({
        entityRef: ctx.input.entityRef,
        kubernetesCluster,
        namespace,
        manifest: {
          ...manifest,
          metadata: { ...manifest.metadata, namespace },
        },
        credentials: await ctx.getInitiatorCredentials(),
      });
      ctx.logger.info(
        `Created Cluster ${namespace}/${name} in "${kubernetesCluster}"; CNPG now runs the recovery`,
      );
      ctx.output('clusterName', name);
      ctx.output('namespace', namespace);
      ctx.output('created', true);
    },
  });
}
