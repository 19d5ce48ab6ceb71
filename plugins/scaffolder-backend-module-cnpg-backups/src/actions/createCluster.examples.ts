import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `cnpg:cluster:create`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Create the recovery Cluster rendered by cnpg:recovery:manifest',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'cnpg:cluster:create',
          name: 'Create the recovery Cluster',
          input: {
            kubernetesCluster: 'prod',
            namespace: 'shop',
            manifest: '${{ steps.manifest.output.manifest }}',
          },
        },
      ],
    }),
  },
];
