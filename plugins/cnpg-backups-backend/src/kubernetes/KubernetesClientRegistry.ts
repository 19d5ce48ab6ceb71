import { NotFoundError } from '@backstage/errors';
import type { CnpgKubernetesClient } from './types';

/**
 * The Kubernetes clusters the plugin reads, by Backstage name: the configured ones plus those backend
 * modules add through the Kubernetes extension point.
 * @public
 */
export class KubernetesClientRegistry {
  readonly #clients = new Map<string, CnpgKubernetesClient>();

  static create(
    clients: CnpgKubernetesClient[] = [],
  ): KubernetesClientRegistry {
    const registry = new KubernetesClientRegistry();
    for (const client of clients) registry.add(client);
    return registry;
  }

  add(client: CnpgKubernetesClient): void {
    this.#clients.set(client.clusterName, client);
  }

  get(name: string): CnpgKubernetesClient | undefined {
    return this.#clients.get(name);
  }

  /** The client of a configured cluster, or a 404 `NotFoundError` naming it. */
  require(name: string): CnpgKubernetesClient {
    const client = this.#clients.get(name);
    if (!client) {
      throw new NotFoundError(`Kubernetes cluster "${name}" is not configured`);
    }
    return client;
  }

  list(): CnpgKubernetesClient[] {
    return [...this.#clients.values()];
  }
}
