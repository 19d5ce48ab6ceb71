import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `cnpg:recovery:manifest`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Render the kubectl-create manifest of a plan made by cnpg:recovery:plan',
    example: yaml.stringify({
      steps: [
        {
          id: 'manifest',
          action: 'cnpg:recovery:manifest',
          name: 'Render the recovery manifest',
          input: {
            plan: '${{ steps.plan.output.plan }}',
            sourceClusterSpec: '${{ steps.plan.output.sourceClusterSpec }}',
            output: 'kubectl',
          },
        },
      ],
    }),
  },
  {
    description:
      'Render every file (manifest, after-recovery manifest, kustomize overlay) for a pull request',
    example: yaml.stringify({
      steps: [
        {
          id: 'manifest',
          action: 'cnpg:recovery:manifest',
          name: 'Render the recovery files',
          input: {
            plan: '${{ steps.plan.output.plan }}',
            sourceClusterSpec: '${{ steps.plan.output.sourceClusterSpec }}',
            output: 'pull-request',
            targetPath: 'clusters/shop/orders-db-restore',
            kustomizeBase: '../../base/orders-db',
          },
        },
      ],
    }),
  },
];
