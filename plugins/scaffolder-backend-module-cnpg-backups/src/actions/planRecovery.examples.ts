import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `cnpg:recovery:plan`. */
export const examples: TemplateExample[] = [
  {
    description: 'Plan a point-in-time recovery to a zone-qualified time',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'cnpg:recovery:plan',
          name: 'Plan the recovery',
          input: {
            kubernetesCluster: 'prod',
            namespace: 'shop',
            cluster: 'orders-db',
            targetKind: 'time',
            targetTime: '2025-06-01T14:00:00+02:00',
          },
        },
      ],
    }),
  },
  {
    description:
      'Restore the state at the end of one base backup, into a named new cluster',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'cnpg:recovery:plan',
          name: 'Plan the recovery',
          input: {
            kubernetesCluster: 'prod',
            namespace: 'shop',
            cluster: 'orders-db',
            targetKind: 'backup',
            backupId: '20250601T020000',
            newClusterName: 'orders-db-june1',
          },
        },
      ],
    }),
  },
];
