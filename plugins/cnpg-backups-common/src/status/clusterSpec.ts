/*
 * What a status keeps of a Cluster's spec: the fields a recovery manifest copies, and the
 * storage size / application database the diagnoses' recovery snippets name.
 */
import type { CnpgCluster } from '../kubernetes/resources';
import { RECOVERY_COPIED_SPEC_FIELDS } from '../recovery/clusterRequest/common';

/**
 * Cluster spec fields worth copying into a recovery manifest (no Secret values live here): the one
 * list the recovery rules also check against ({@link RECOVERY_COPIED_SPEC_FIELDS}).
 * @public
 */
export const CLUSTER_SPEC_FIELDS: readonly string[] =
  RECOVERY_COPIED_SPEC_FIELDS;

const BOOTSTRAP_METHODS = ['initdb', 'recovery', 'pg_basebackup'] as const;

function bootstrapSection(
  spec: Record<string, unknown>,
): { method: string; section: Record<string, unknown> } | undefined {
  const bootstrap = spec.bootstrap as Record<string, unknown> | undefined;
  for (const method of BOOTSTRAP_METHODS) {
    const section = bootstrap?.[method];
    if (section && typeof section === 'object') {
      return { method, section: section as Record<string, unknown> };
    }
  }
  return undefined;
}

/**
 * The spec fields of {@link CLUSTER_SPEC_FIELDS}, plus only the application database of the
 * bootstrap (a recovery must keep it, otherwise CNPG defaults the restored cluster to an empty
 * `app` database).
 * @public
 */
export function pickClusterSpec(
  cluster: Pick<CnpgCluster, 'spec'>,
): Record<string, unknown> | undefined {
  if (!cluster.spec) return undefined;
  const spec = cluster.spec as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const key of CLUSTER_SPEC_FIELDS) {
    if (spec[key] !== undefined) picked[key] = spec[key];
  }
  const found = bootstrapSection(spec);
  if (found) {
    picked.bootstrap = {
      [found.method]: Object.fromEntries(
        ['database', 'owner', 'secret']
          .filter(key => found.section[key] !== undefined)
          .map(key => [key, found.section[key]]),
      ),
    };
  }
  return picked;
}

/** Storage size and application database of a Cluster, for the diagnoses' recovery snippets. @public */
export function applicationOf(cluster: Pick<CnpgCluster, 'spec'>): {
  storageSize?: string;
  database?: string;
  owner?: string;
} {
  const spec = (cluster.spec ?? {}) as Record<string, any>;
  const size = spec.storage?.size;
  const section = bootstrapSection(spec)?.section;
  const text = (v: unknown) =>
    typeof v === 'string' && v !== '' ? v : undefined;
  return {
    ...(text(size) ? { storageSize: size } : {}),
    ...(text(section?.database)
      ? { database: section!.database as string }
      : {}),
    ...(text(section?.owner) ? { owner: section!.owner as string } : {}),
  };
}
