/*
 * Entity → CNPG Clusters, from its annotations (`cnpg.io/cluster` pins Clusters;
 * `backstage.io/kubernetes-id` selects them by label), across the configured Kubernetes
 * clusters. Reads go through the caching decorator; every failure is returned as data.
 */
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  type CnpgClusterRef,
  getCnpgEntitySelector,
  InvalidAnnotationError,
  shellStatus,
  type SourceError,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  type CnpgKubernetesClient,
  type KubernetesClientRegistry,
  KubernetesObjectNotFoundError,
} from '../kubernetes';
import { toSourceError } from '../service/errors';
import type { ClusterLocator, LocatedClusters } from './types';

type Selector = NonNullable<ReturnType<typeof getCnpgEntitySelector>>;

const configError = (name: string, message: string): SourceError => ({
  source: 'config',
  name,
  message,
});

/** The default {@link ClusterLocator}. */
export class AnnotationClusterLocator implements ClusterLocator {
  readonly #kubernetes: KubernetesClientRegistry;
  readonly #reader: (
    client: CnpgKubernetesClient,
    refresh: boolean | undefined,
  ) => CnpgKubernetesClient;

  /** `reader` wraps a registered client for reading (the caching decorator). */
  constructor(options: {
    kubernetes: KubernetesClientRegistry;
    reader: (
      client: CnpgKubernetesClient,
      refresh: boolean | undefined,
    ) => CnpgKubernetesClient;
  }) {
    this.#kubernetes = options.kubernetes;
    this.#reader = options.reader;
  }

  async locate(options: {
    entity: Entity;
    refresh?: boolean;
  }): Promise<LocatedClusters> {
    const located: LocatedClusters = { found: [], shells: [], errors: [] };
    const selector = this.#selector(options.entity, located.errors);
    if (!selector) return located;
    if (selector.kind === 'explicit') {
      await Promise.all(
        selector.clusters.map(ref =>
          this.#findExplicit(ref, located, options.refresh),
        ),
      );
    } else {
      await this.#findLabelled(selector, located, options.refresh);
    }
    return located;
  }

  /** The annotations' selector, or undefined with the named reason in `errors`. */
  #selector(entity: Entity, errors: SourceError[]): Selector | undefined {
    let selector;
    try {
      selector = getCnpgEntitySelector(entity);
    } catch (error) {
      if (!(error instanceof InvalidAnnotationError)) throw error;
      errors.push(configError('InvalidAnnotation', error.message));
      return undefined;
    }
    if (!selector) {
      errors.push(
        configError(
          'MissingAnnotation',
          `Entity ${stringifyEntityRef(
            entity,
          )} has neither the cnpg.io/cluster nor the backstage.io/kubernetes-id annotation`,
        ),
      );
      return undefined;
    }
    if (this.#kubernetes.list().length === 0) {
      errors.push(
        configError(
          'NoKubernetesClusters',
          'No Kubernetes cluster is configured (kubernetes.clusterLocatorMethods[type=config], filtered by cnpgBackups.kubernetes.clusters)',
        ),
      );
      return undefined;
    }
    return selector;
  }

  async #findLabelled(
    selector: Extract<Selector, { kind: 'label' }>,
    located: LocatedClusters,
    refresh: boolean | undefined,
  ): Promise<void> {
    const { found, errors } = located;
    const clients = this.#clientsFor(selector.kubernetesCluster, errors).map(
      c => this.#reader(c, refresh),
    );
    await Promise.all(
      clients.map(async client => {
        try {
          const clusters = await client.listClusters({
            namespace: selector.namespace,
            labelSelector: selector.labelSelector,
          });
          for (const cluster of clusters) found.push({ client, cluster });
        } catch (error) {
          errors.push(
            toSourceError(error, {
              source: 'kubernetes',
              target: client.clusterName,
            }),
          );
        }
      }),
    );
    if (found.length === 0 && errors.length === 0) {
      errors.push({
        source: 'kubernetes',
        name: 'ClusterNotFound',
        message: `No CNPG Cluster labelled ${selector.labelSelector}${
          selector.namespace ? ` in namespace ${selector.namespace}` : ''
        } in ${clients.map(c => c.clusterName).join(', ')}`,
      });
    }
  }

  async #findExplicit(
    ref: CnpgClusterRef,
    located: LocatedClusters,
    refresh: boolean | undefined,
  ): Promise<void> {
    const { found, shells, errors } = located;
    if (ref.kubernetesCluster) {
      const configured = this.#kubernetes.get(ref.kubernetesCluster);
      if (!configured) {
        errors.push(
          configError(
            'UnknownKubernetesCluster',
            `Kubernetes cluster "${ref.kubernetesCluster}" (named for ${ref.namespace}/${ref.name}) is not configured`,
          ),
        );
        return;
      }
      const client = this.#reader(configured, refresh);
      try {
        found.push({ client, cluster: await client.getCluster(ref) });
      } catch (error) {
        // Pinned: the database is known, so show it with the error rather than dropping it.
        shells.push(
          shellStatus({ ...ref, kubernetesCluster: client.clusterName }, [
            toSourceError(error, {
              source: 'kubernetes',
              target: client.clusterName,
            }),
          ]),
        );
      }
      return;
    }
    const attempts = await Promise.all(
      this.#kubernetes.list().map(async configured => {
        const client = this.#reader(configured, refresh);
        try {
          return { client, cluster: await client.getCluster(ref) };
        } catch (error) {
          return { client, error };
        }
      }),
    );
    const hits = attempts.filter(a => a.cluster);
    for (const hit of hits)
      found.push({ client: hit.client, cluster: hit.cluster! });
    if (hits.length > 0) return;
    const notFound = (a: { error?: unknown }) =>
      a.error instanceof KubernetesObjectNotFoundError;
    for (const miss of attempts.filter(a => !notFound(a))) {
      errors.push(
        toSourceError(miss.error, {
          source: 'kubernetes',
          target: miss.client.clusterName,
        }),
      );
    }
    errors.push({
      source: 'kubernetes',
      name: 'ClusterNotFound',
      message: `CNPG Cluster ${ref.namespace}/${ref.name} was not found in ${
        attempts
          .filter(notFound)
          .map(a => a.client.clusterName)
          .join(', ') || 'any reachable Kubernetes cluster'
      }`,
    });
  }

  #clientsFor(
    kubernetesCluster: string | undefined,
    errors: SourceError[],
  ): CnpgKubernetesClient[] {
    if (!kubernetesCluster) return this.#kubernetes.list();
    const client = this.#kubernetes.get(kubernetesCluster);
    if (!client) {
      errors.push(
        configError(
          'UnknownKubernetesCluster',
          `Kubernetes cluster "${kubernetesCluster}" is not configured`,
        ),
      );
      return [];
    }
    return [client];
  }
}
