/*
 * cnpg:recovery:manifest: renders the recovery manifests for a plan, validates every one of
 * them against the CNPG CRD schemas and webhook rules, and writes them to the workspace.
 */
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  applyJsonPatch,
  buildRecoveryManifests,
  checkClusterWebhookRules,
  validateRecoveryTarget,
  type RecoveryManifests,
  type RecoveryTargetRequest,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { validateCnpgResource } from '@cnpg-backups/plugin-cnpg-backups-node';
import fs from 'node:fs/promises';
import nodePath from 'node:path';
import { rethrowAsInputError } from './errors';
import { examples } from './renderManifests.examples';

/** Output forms of `cnpg:recovery:manifest`. @public */
export type RecoveryManifestForm = 'kubectl' | 'kustomize' | 'pull-request';

type Json = Record<string, any>;

function requirePlanField(plan: Json, field: string): string {
  const value = plan[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(
      `plan.${field} is missing: pass the "plan" output of cnpg:recovery:plan`,
    );
  }
  return value;
}

/**
 * Every manifest of a recovery, validated against the CRD schemas (+ the node package's
 * webhook rules) and this package's recovery rules. Exported for tests and the CLI.
 * @returns the problems, each prefixed with the manifest it belongs to.
 * @public
 */
export function validateRecoveryManifests(
  manifests: RecoveryManifests,
  source: { name: string; namespace: string; spec: Record<string, unknown> },
): string[] {
  const problems: string[] = [];
  const check = (
    label: string,
    obj: Json,
    rules: Parameters<typeof checkClusterWebhookRules>[1],
  ) => {
    const crd = validateCnpgResource(obj);
    problems.push(...crd.errors.map(e => `${label}: ${e}`));
    problems.push(
      ...checkClusterWebhookRules(obj, rules).map(e => `${label}: ${e}`),
    );
  };
  check('cluster-recovery.yaml', manifests.recoveryCluster, {
    requireRecovery: true,
  });
  check('cluster-after-recovery.yaml', manifests.afterRecoveryCluster, {
    forbidBootstrap: true,
  });
  // The overlay is checked by applying it to the source as kustomize would.
  const base = {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: source.name, namespace: source.namespace },
    spec: source.spec,
  };
  try {
    check(
      'kustomize overlay result',
      applyJsonPatch(base, manifests.kustomizePatch),
      { requireRecovery: true },
    );
  } catch (error) {
    problems.push(`kustomize overlay: ${(error as Error).message}`);
  }
  return problems;
}

function readme(options: {
  manifests: RecoveryManifests;
  plan: Json;
  form: RecoveryManifestForm;
  directory: string;
}): string {
  const { plan, manifests, form, directory } = options;
  const lines = [
    `# Recovery of ${plan.namespace}/${plan.sourceCluster}`,
    '',
    `- Source serverName: \`${plan.sourceServerName}\``,
    `- Target: ${plan.targetDescription ?? plan.target?.kind}`,
    `- Base backup: \`${plan.baseBackup?.id ?? 'auto'}\``,
    `- New Cluster: \`${plan.newClusterName}\`, archiving to the empty serverName \`${plan.targetServerName}\``,
    '',
  ];
  if (form !== 'kustomize') {
    lines.push(
      '## Create the recovered cluster',
      '',
      '```sh',
      `kubectl create -f ${directory}/${manifests.files.recovery.path}`,
      '```',
      '',
      "Use `kubectl create`, never `kubectl apply` or a GitOps sync: CNPG's mutating webhook adds",
      '`bootstrap.initdb` to any Cluster it sees without recovery, and a server-side apply merges it in',
      '("Only one bootstrap method can be specified at a time"). Recovery only ever bootstraps a NEW Cluster.',
      '',
    );
  }
  if (form !== 'kubectl') {
    lines.push(
      '## Kustomize overlay',
      '',
      `\`${manifests.files.kustomization.path}\` turns the source base into the recovery Cluster. Use it only for a`,
      'Cluster that does not exist yet; if your GitOps tool prunes, the old Cluster leaves the desired state when the',
      'overlay replaces the base, so sync it as a separate application or with pruning disabled.',
      '',
    );
  }
  lines.push(
    '## After the recovery',
    '',
    `Commit \`${manifests.files.afterRecovery.path}\` (no \`bootstrap\`): CNPG ignores bootstrap on an existing Cluster,`,
    'and keeping `bootstrap.recovery` in Git would silently re-restore old data if the Cluster were ever re-created.',
    `The new Cluster archives to \`${plan.targetServerName}\`; the next recovery reads from there.`,
    'Never delete or "clean up" WAL in the archive to make a serverName reusable.',
    '',
  );
  const warnings = [
    ...new Set<string>([...(plan.warnings ?? []), ...manifests.warnings]),
  ];
  if (warnings.length > 0) {
    lines.push('## Warnings', '', ...warnings.map(w => `- ${w}`), '');
  }
  return lines.join('\n');
}

/**
 * Creates the `cnpg:recovery:manifest` action.
 * @public
 */
export function createCnpgRecoveryManifestAction() {
  return createTemplateAction({
    id: 'cnpg:recovery:manifest',
    description:
      'Renders and validates the recovery manifests of a cnpg:recovery:plan (kubectl create manifest, after-recovery manifest for Git, kustomize overlay) and writes them to the workspace.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        plan: z =>
          z
            .record(z.string(), z.unknown())
            .describe('The "plan" output of cnpg:recovery:plan'),
        sourceClusterSpec: z =>
          z
            .record(z.string(), z.unknown())
            .describe('The "sourceClusterSpec" output of cnpg:recovery:plan'),
        output: z =>
          z
            .enum(['kubectl', 'kustomize', 'pull-request'], {
              description:
                'kubectl: manifest for kubectl create; kustomize: overlay; pull-request: every file',
            })
            .default('kubectl'),
        targetPath: z =>
          z
            .string({ description: 'Workspace directory for the files' })
            .default('cnpg-recovery'),
        kustomizeBase: z =>
          z
            .string({
              description: 'Path of the source base, relative to the overlay',
            })
            .optional(),
      },
      output: {
        directory: z => z.string(),
        files: z => z.array(z.string()),
        recoveryManifest: z => z.string(),
        afterRecoveryManifest: z => z.string(),
        kustomization: z => z.string(),
        manifest: z => z.record(z.string(), z.unknown()),
        command: z => z.string(),
        readme: z => z.string(),
        warnings: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const plan = ctx.input.plan as Json;
      const form = (ctx.input.output ?? 'kubectl') as RecoveryManifestForm;
      const directory = ctx.input.targetPath ?? 'cnpg-recovery';
      const source = {
        name: requirePlanField(plan, 'sourceCluster'),
        namespace: requirePlanField(plan, 'namespace'),
        spec: ctx.input.sourceClusterSpec as Json,
      };
      let manifests: RecoveryManifests;
      try {
        manifests = buildRecoveryManifests({
          source,
          newClusterName: requirePlanField(plan, 'newClusterName'),
          // The plan crossed a template boundary: check it again instead of trusting it.
          target: validateRecoveryTarget(plan.target as RecoveryTargetRequest),
          sourceServerName: requirePlanField(plan, 'sourceServerName'),
          targetServerName: requirePlanField(plan, 'targetServerName'),
          kustomizeBase: ctx.input.kustomizeBase,
          window: plan.window,
          scheduledBackups: plan.scheduledBackups,
        });
      } catch (error) {
        rethrowAsInputError(error);
      }
      const problems = validateRecoveryManifests(manifests, source);
      if (problems.length > 0) {
        throw new InputError(
          `RecoveryManifestInvalidError: ${problems.join('; ')}`,
        );
      }

      const wanted = [manifests.files.afterRecovery];
      if (form !== 'kustomize') wanted.unshift(manifests.files.recovery);
      if (form !== 'kubectl') wanted.push(manifests.files.kustomization);
      const readmeText = readme({ manifests, plan, form, directory });
      const files = [...wanted, { path: 'README.md', content: readmeText }];
      const written: string[] = [];
      for (const file of files) {
        const relative = nodePath.posix.join(directory, file.path);
        const absolute = resolveSafeChildPath(ctx.workspacePath, relative);
        await fs.mkdir(nodePath.dirname(absolute), { recursive: true });
        await fs.writeFile(absolute, file.content, 'utf8');
        written.push(relative);
      }
      const command = `kubectl create -f ${nodePath.posix.join(
        directory,
        manifests.files.recovery.path,
      )}`;
      ctx.logger.info(`Wrote ${written.join(', ')}`);
      ctx.output('directory', directory);
      ctx.output('files', written);
      ctx.output('recoveryManifest', manifests.files.recovery.content);
      ctx.output(
        'afterRecoveryManifest',
        manifests.files.afterRecovery.content,
      );
      ctx.output('kustomization', manifests.files.kustomization.content);
      ctx.output(
        'manifest',
        JSON.parse(JSON.stringify(manifests.recoveryCluster)),
      );
      ctx.output('command', command);
      ctx.output('readme', readmeText);
      ctx.output('warnings', [
        ...new Set<string>([...(plan.warnings ?? []), ...manifests.warnings]),
      ]);
    },
  });
}
