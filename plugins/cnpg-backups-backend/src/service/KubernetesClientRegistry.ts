import type { CnpgKubernetesClient } from '../kubernetes';

/**
 * The Kubernetes clusters the plugin reads, by Backstage name. The demo environment adds its
 * stand-in at startup, hence a registry rather than a fixed list.
 * @public
 */
export class KubernetesClientRegistry {
  readonly #clients = new Map<
    string,
    { client: CnpgKubernetesClient; demo: boolean }
  >();

  static create(
    clients: CnpgKubernetesClient[] = [],
  ): KubernetesClientRegistry {
    const registry = new KubernetesClientRegistry();
    for (const client of clients) registry.add(client);
    return registry;
  }

  add(client: CnpgKubernetesClient, options?: { demo?: boolean }): void {
    this.#clients.set(client.clusterName, {
      client,
      demo: options?.demo ?? false,
    });
  }

  get(name: string): CnpgKubernetesClient | undefined {
    return this.#clients.get(name)?.client;
  }

  isDemo(name: string): boolean {
    return this.#clients.get(name)?.demo ?? false;
  }

  list(): CnpgKubernetesClient[] {
    return [...this.#clients.values()].map(c => c.client);
  }
}
