/*
 * The Kubernetes clusters the plugin reads: Backstage's `kubernetes` config clusters and those
 * modules added (extension point), through the client factory (HTTP by default), plus the
 * clients modules added as they are. Cluster names are unique.
 */
import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  CnpgKubernetesClient,
  CnpgKubernetesClientFactory,
  KubernetesClusterConnection,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import { ExtensionPointError } from '../extensions';
import { HttpCnpgKubernetesClient } from './HttpCnpgKubernetesClient';
import { KubernetesClientRegistry } from './KubernetesClientRegistry';
import { readKubernetesClusters } from './KubernetesClusterConfig';

export function createKubernetesRegistry(options: {
  config: Config;
  logger: LoggerService;
  /** Registered through the Kubernetes extension point. */
  clusters: KubernetesClusterConnection[];
  clients: CnpgKubernetesClient[];
  clientFactory?: CnpgKubernetesClientFactory;
}): KubernetesClientRegistry {
  const { logger, clientFactory } = options;
  const kubernetes = KubernetesClientRegistry.create();
  const register = (client: CnpgKubernetesClient, from: string) => {
    if (kubernetes.get(client.clusterName)) {
      throw new ExtensionPointError(
        `cnpg-backups: Kubernetes cluster "${client.clusterName}" (${from}) is registered twice; cluster names must be unique`,
      );
    }
    kubernetes.add(client);
  };
  const factory: CnpgKubernetesClientFactory = clientFactory ?? {
    create: connection => HttpCnpgKubernetesClient.create({ connection }),
  };
  const connections = [
    ...readKubernetesClusters(options.config).map(c => ({ c, from: 'config' })),
    ...options.clusters.map(c => ({ c, from: 'a module' })),
  ];
  for (const { c: connection, from } of connections) {
    if (!clientFactory && connection.authProvider !== 'serviceAccount') {
      logger.warn(
        `Kubernetes cluster "${connection.name}" uses authProvider "${connection.authProvider}"; CNPG Backups supports serviceAccount only and skips it`,
      );
      continue;
    }
    register(factory.create(connection), from);
  }
  for (const client of options.clients) register(client, 'a module');
  return kubernetes;
}
