import type { Entity } from '@backstage/catalog-model';
import { isDns1123Label, isDns1123Subdomain } from '../kubernetes/names';

/**
 * Annotation naming the CNPG clusters of an entity: `<namespace>/<name>`, several comma-separated.
 * An entry may pin its Kubernetes cluster: `<kubernetes-cluster>:<namespace>/<name>`.
 * @public
 */
export const ANNOTATION_CNPG_CLUSTER = 'cnpg.io/cluster';

/**
 * Annotation naming the Kubernetes cluster (from Backstage's `kubernetes` config) where the
 * entity's CNPG clusters live. Without it every configured cluster is searched.
 * @public
 */
export const ANNOTATION_CNPG_KUBERNETES_CLUSTER = 'cnpg.io/kubernetes-cluster';

/**
 * Backstage's standard Kubernetes annotation; used as a fallback: CNPG Clusters labelled
 * `backstage.io/kubernetes-id=<value>` belong to the entity.
 * @public
 */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';

/** Standard Backstage annotation restricting the fallback lookup to one namespace. @public */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';

/** Label CNPG Clusters carry for the `backstage.io/kubernetes-id` fallback. @public */
export const LABEL_KUBERNETES_ID = 'backstage.io/kubernetes-id';

/** One CNPG cluster named by an entity. @public */
export interface CnpgClusterRef {
  /** Kubernetes cluster name; undefined = search every configured cluster. */
  kubernetesCluster?: string;
  namespace: string;
  name: string;
}

/** How an entity points at its CNPG clusters. @public */
export type CnpgEntitySelector =
  | { kind: 'explicit'; clusters: CnpgClusterRef[] }
  | {
      kind: 'label';
      labelSelector: string;
      namespace?: string;
      kubernetesCluster?: string;
    };

/** Thrown for an annotation value that cannot be used. @public */
export class InvalidAnnotationError extends Error {
  readonly annotation: string;
  constructor(annotation: string, message: string) {
    super(`Invalid ${annotation} annotation: ${message}`);
    this.name = 'InvalidAnnotationError';
    this.annotation = annotation;
  }
}

// Backstage kubernetes cluster names are free-form config keys; keep them printable and short.
const KUBE_CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/**
 * Parses the value of `cnpg.io/cluster`. Throws {@link InvalidAnnotationError} with a specific
 * message for each malformed entry.
 * @public
 */
export function parseCnpgClusterAnnotation(
  value: string,
  defaultKubernetesCluster?: string,
): CnpgClusterRef[] {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidAnnotationError(ANNOTATION_CNPG_CLUSTER, 'value is empty');
  }
  if (value.length > 4096) {
    throw new InvalidAnnotationError(
      ANNOTATION_CNPG_CLUSTER,
      'value is longer than 4096 characters',
    );
  }
  if (
    defaultKubernetesCluster !== undefined &&
    !KUBE_CLUSTER_NAME.test(defaultKubernetesCluster)
  ) {
    throw new InvalidAnnotationError(
      ANNOTATION_CNPG_KUBERNETES_CLUSTER,
      `"${defaultKubernetesCluster}" is not a valid Kubernetes cluster name`,
    );
  }
  const refs: CnpgClusterRef[] = [];
  const seen = new Set<string>();
  for (const rawEntry of value.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') {
      throw new InvalidAnnotationError(
        ANNOTATION_CNPG_CLUSTER,
        'contains an empty entry (stray comma?)',
      );
    }
    let kubernetesCluster = defaultKubernetesCluster;
    let rest = entry;
    const colon = entry.indexOf(':');
    if (colon >= 0) {
      kubernetesCluster = entry.slice(0, colon);
      rest = entry.slice(colon + 1);
      if (!KUBE_CLUSTER_NAME.test(kubernetesCluster)) {
        throw new InvalidAnnotationError(
          ANNOTATION_CNPG_CLUSTER,
          `"${entry}": "${kubernetesCluster}" is not a valid Kubernetes cluster name`,
        );
      }
    }
    const parts = rest.split('/');
    if (parts.length !== 2) {
      throw new InvalidAnnotationError(
        ANNOTATION_CNPG_CLUSTER,
        `"${entry}" must be <namespace>/<name> or <kubernetes-cluster>:<namespace>/<name>`,
      );
    }
    const [namespace, name] = parts;
    if (!isDns1123Label(namespace)) {
      throw new InvalidAnnotationError(
        ANNOTATION_CNPG_CLUSTER,
        `"${entry}": namespace "${namespace}" is not a valid DNS-1123 label`,
      );
    }
    if (!isDns1123Subdomain(name)) {
      throw new InvalidAnnotationError(
        ANNOTATION_CNPG_CLUSTER,
        `"${entry}": cluster name "${name}" is not a valid DNS-1123 subdomain`,
      );
    }
    const key = `${kubernetesCluster ?? '*'}:${namespace}/${name}`;
    if (!seen.has(key)) {
      seen.add(key);
      refs.push({ kubernetesCluster, namespace, name });
    }
  }
  return refs;
}

/**
 * Resolves how an entity points at its CNPG clusters, or undefined when it does not.
 * Throws {@link InvalidAnnotationError} for malformed annotations.
 * @public
 */
export function getCnpgEntitySelector(
  entity: Entity,
): CnpgEntitySelector | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const kubernetesCluster =
    annotations[ANNOTATION_CNPG_KUBERNETES_CLUSTER]?.trim() || undefined;
  const explicit = annotations[ANNOTATION_CNPG_CLUSTER];
  if (explicit !== undefined) {
    return {
      kind: 'explicit',
      clusters: parseCnpgClusterAnnotation(explicit, kubernetesCluster),
    };
  }
  const kubernetesId = annotations[ANNOTATION_KUBERNETES_ID];
  if (kubernetesId !== undefined) {
    const id = kubernetesId.trim();
    if (!LABEL_VALUE.test(id) || id === '') {
      throw new InvalidAnnotationError(
        ANNOTATION_KUBERNETES_ID,
        `"${kubernetesId}" is not a valid Kubernetes label value`,
      );
    }
    const namespace =
      annotations[ANNOTATION_KUBERNETES_NAMESPACE]?.trim() || undefined;
    if (namespace !== undefined && !isDns1123Label(namespace)) {
      throw new InvalidAnnotationError(
        ANNOTATION_KUBERNETES_NAMESPACE,
        `"${namespace}" is not a valid DNS-1123 label`,
      );
    }
    return {
      kind: 'label',
      labelSelector: `${LABEL_KUBERNETES_ID}=${id}`,
      namespace,
      kubernetesCluster,
    };
  }
  return undefined;
}

/**
 * True when the entity names CNPG clusters (explicitly, or via the kubernetes-id fallback).
 * Used by both frontend systems to decide whether to show the card and tab.
 * @public
 */
export function isCnpgBackupsAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[ANNOTATION_CNPG_CLUSTER] ||
      annotations[ANNOTATION_KUBERNETES_ID],
  );
}
