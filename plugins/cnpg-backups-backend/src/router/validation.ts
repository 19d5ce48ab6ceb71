/*
 * Request input checks: zod schemas for params, queries and bodies, each failure a named 400.
 * Every value a caller sends passes through here before anything else sees it.
 */
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  isDns1123Label,
  isDns1123Subdomain,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { z } from 'zod';

// Kubernetes names: RFC 1123 labels / subdomains. Backstage cluster names: printable config keys.
const dnsLabel = z.string().refine(isDns1123Label, 'must be a DNS-1123 label');
const dnsSubdomain = z
  .string()
  .max(253)
  .refine(isDns1123Subdomain, 'must be a DNS-1123 subdomain');
const kubernetesClusterName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/,
    'must be a configured Kubernetes cluster name',
  );
// barman serverNames are folder names: no slashes, no dot-only names.
const serverName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'must be a folder name (letters, digits, . _ -)',
  );

export const entityParams = z.object({
  kind: z.string().min(1).max(63),
  namespace: z.string().min(1).max(63),
  name: z.string().min(1).max(253),
});
export const databaseParams = z.object({
  kubernetesCluster: kubernetesClusterName,
  namespace: dnsLabel,
  name: dnsSubdomain,
});
export const serverNameParams = databaseParams.extend({ serverName });
export const namespaceParams = databaseParams.omit({ name: true });
export const refreshQuery = z.object({
  refresh: z.enum(['true', 'false']).optional(),
});

/** The part of an action body the permission check needs: which entity it acts for. */
const entityRefBody = z.object({
  entityRef: z.string().min(1).max(1000),
});
export const createBackupBody = entityRefBody.extend({
  kubernetesCluster: kubernetesClusterName,
  namespace: dnsLabel,
  cluster: dnsSubdomain,
});
export const createClusterBody = entityRefBody.extend({
  manifest: z.record(z.unknown()),
});

/** Deepest JSON nesting a request body may have (a recovery manifest needs about 12). */
export const MAX_JSON_DEPTH = 64;

/** `value` checked against `schema`, or a 400 `InputError` naming every failing field. */
export function parse<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = result.error.issues
      .map(i => `${i.path.length ? i.path.join('.') : what}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${details}`);
  }
  return result.data;
}

/**
 * The entity an action body names, parsed and normalised (`component:default/shop`): enough to
 * run the resource permission check before the rest of the body is looked at. 400 when absent
 * or not an entity reference.
 */
export function parseBodyEntityRef(body: unknown): {
  compound: CompoundEntityRef;
  entityRef: string;
} {
  const { entityRef } = parse(entityRefBody, body, 'request body');
  let compound: CompoundEntityRef;
  try {
    compound = parseEntityRef(entityRef);
  } catch (error) {
    throw new InputError(`Invalid entityRef: ${(error as Error).message}`);
  }
  return { compound, entityRef: stringifyEntityRef(compound) };
}
