import type { CnpgKubernetesClient } from '../kubernetes';

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

  list(): CnpgKubernetesClient[] {
    return [...this.#clients.values()];
  }
}
