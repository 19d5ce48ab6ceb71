/*
 * Recovery-only Cluster rules, phase 1: the envelope (a postgresql.cnpg.io/v1 Cluster, nothing but
 * apiVersion, kind, metadata and spec) and metadata (name, namespace, the builder's annotations only).
 */
import { isDns1123Label } from '../../kubernetes/names';
import {
  ALLOWED_ANNOTATIONS,
  ALLOWED_METADATA_FIELDS,
  isObject,
  type Json,
  SKIP_WAL_CHECK_ANNOTATION,
  ViolationList,
} from './common';

/** Checks the envelope; returns the manifest when it is a Cluster object (else the check stops). */
export function checkEnvelope(
  manifest: unknown,
  list: ViolationList,
): Json | undefined {
  if (!isObject(manifest)) {
    list.add({
      code: 'NotACluster',
      message: 'manifest must be a Cluster object',
    });
    return undefined;
  }
  if (
    manifest.apiVersion !== 'postgresql.cnpg.io/v1' ||
    manifest.kind !== 'Cluster'
  ) {
    list.add({
      code: 'NotACluster',
      message: `manifest must be apiVersion postgresql.cnpg.io/v1, kind Cluster (got ${String(
        manifest.apiVersion,
      )} ${String(manifest.kind)})`,
    });
    return undefined;
  }
  for (const key of Object.keys(manifest)) {
    if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(key)) {
      list.forbid(key, 'only apiVersion, kind, metadata and spec are sent');
    }
  }
  return manifest;
}

function checkAnnotations(annotations: unknown, list: ViolationList): void {
  if (!isObject(annotations)) {
    list.forbid('metadata.annotations', 'must be a map of strings');
    return;
  }
  for (const key of Object.keys(annotations)) {
    if (key === SKIP_WAL_CHECK_ANNOTATION) {
      list.add({
        code: 'SkipEmptyWalArchiveCheck',
        path: `metadata.annotations.${key}`,
        message: `${key} would let the new Cluster write WAL into a non-empty archive (another cluster's history); recovery must archive to an empty serverName`,
      });
    } else if (!ALLOWED_ANNOTATIONS.has(key)) {
      list.forbid(
        `metadata.annotations.${key}`,
        `only ${[...ALLOWED_ANNOTATIONS].join(
          ', ',
        )} are written by the recovery manifest`,
      );
    }
  }
}

/** Checks metadata: a DNS-1123 name, the target namespace, no labels, only the builder's annotations. */
export function checkMetadata(
  manifest: Json,
  namespace: string,
  list: ViolationList,
): void {
  const metadata = isObject(manifest.metadata) ? manifest.metadata : {};
  if (typeof metadata.name !== 'string' || !isDns1123Label(metadata.name)) {
    list.add({
      code: 'InvalidName',
      path: 'metadata.name',
      message: `metadata.name ${JSON.stringify(
        metadata.name,
      )} must be a DNS-1123 label`,
    });
  }
  if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
    list.add({
      code: 'NamespaceMismatch',
      path: 'metadata.namespace',
      message: `metadata.namespace ${JSON.stringify(
        metadata.namespace,
      )} differs from the target namespace "${namespace}"`,
    });
  }
  for (const key of Object.keys(metadata)) {
    if (key === 'labels') {
      list.forbid(
        'metadata.labels',
        "labels such as backstage.io/kubernetes-id attach the Cluster to a catalog entity; add the new Cluster to your entity's cnpg.io/cluster annotation instead",
      );
    } else if (!ALLOWED_METADATA_FIELDS.has(key)) {
      list.forbid(
        `metadata.${key}`,
        'the recovery manifest sets only name, namespace and annotations',
      );
    }
  }
  if (metadata.annotations !== undefined) {
    checkAnnotations(metadata.annotations, list);
  }
}
