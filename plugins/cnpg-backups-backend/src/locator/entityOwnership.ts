/*
 * Does an entity own a CNPG Cluster? The actions ("Back up now", recovery) may only touch a
 * Cluster the entity's annotations select, whatever the caller's permissions elsewhere.
 */
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { getCnpgEntitySelector } from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CnpgCluster, CnpgKubernetesClient } from '../kubernetes';
import { toHttpError } from '../service/errors';

/**
 * Resolves when `entity` selects the Cluster `ref` of `client`'s Kubernetes cluster; else a 403
 * `NotAllowedError` naming both (400 for a malformed annotation). A label selector is checked
 * against the live Cluster.
 */
export async function assertEntityOwns(
  entity: Entity,
  client: CnpgKubernetesClient,
  ref: { namespace: string; name: string },
): Promise<void> {
  const denied = () =>
    new NotAllowedError(
      `Entity ${stringifyEntityRef(entity)} does not own CNPG cluster ${
        client.clusterName
      }/${ref.namespace}/${ref.name} (check its cnpg.io/cluster annotation)`,
    );
  let selector;
  try {
    selector = getCnpgEntitySelector(entity);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  if (!selector) throw denied();
  if (selector.kind === 'explicit') {
    const owns = selector.clusters.some(
      c =>
        c.namespace === ref.namespace &&
        c.name === ref.name &&
        (c.kubernetesCluster === undefined ||
          c.kubernetesCluster === client.clusterName),
    );
    if (!owns) throw denied();
    return;
  }
  if (
    selector.kubernetesCluster &&
    selector.kubernetesCluster !== client.clusterName
  )
    throw denied();
  if (selector.namespace && selector.namespace !== ref.namespace)
    throw denied();
  let cluster: CnpgCluster;
  try {
    cluster = await client.getCluster(ref);
  } catch (error) {
    throw toHttpError(error);
  }
  const [key, value] = selector.labelSelector.split('=');
  if (cluster.metadata.labels?.[key] !== value) throw denied();
}
