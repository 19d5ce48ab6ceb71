import { CrdSchemaNode, findCnpgCrd } from './schemas';

/**
 * The ObjectMeta fields the Kubernetes API server keeps. It treats a custom resource's root `metadata` as
 * ObjectMeta (not by the CRD schema, which only says `type: object`), so anything else under metadata is dropped.
 */
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

type Json = unknown;

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Prunes `value` by one structural schema node (exported for tests of x-kubernetes-preserve-unknown-fields,
 * which the CNPG CRDs themselves do not use).
 */
export function pruneBySchema(value: Json, schema: CrdSchemaNode): Json {
  return pruneNode(structuredClone(value), schema);
}

function pruneNode(value: Json, schema: CrdSchemaNode): Json {
  if (Array.isArray(value)) {
    if (schema.items) {
      return value.map(item => pruneNode(item, schema.items!));
    }
    return value;
  }
  if (!isPlainObject(value)) return value;
  if (schema['x-kubernetes-int-or-string']) return value;

  const preserveUnknown =
    schema['x-kubernetes-preserve-unknown-fields'] === true;
  const additional =
    typeof schema.additionalProperties === 'object'
      ? schema.additionalProperties
      : undefined;
  const out: Record<string, Json> = {};
  for (const [key, child] of Object.entries(value)) {
    const propertySchema = schema.properties?.[key];
    if (propertySchema) {
      out[key] = pruneNode(child, propertySchema);
    } else if (additional) {
      out[key] = pruneNode(child, additional);
    } else if (preserveUnknown || schema.additionalProperties === true) {
      out[key] = child;
    }
    // else: an unknown field; the API server drops it silently
  }
  return out;
}

/**
 * Structural-schema pruning as the Kubernetes API server does it for custom resources: fields that the CRD
 * schema does not declare are silently dropped (no error), except below `x-kubernetes-preserve-unknown-fields`.
 * `apiVersion` and `kind` are kept, and the root `metadata` is reduced to the ObjectMeta fields.
 *
 * Example: seed 001's ObjectStore puts `retentionPolicy` under `spec.configuration`; the real API server
 * accepts the object and drops that field, so no retention is in effect.
 *
 * Objects whose apiVersion/kind is not one of the known CRDs are returned unchanged (deep copy).
 * The input is never modified.
 * @public
 */
export function pruneUnknownFields<T = Record<string, unknown>>(obj: T): T {
  return transformCnpgBody(obj, pruneNode, metadata =>
    isPlainObject(metadata)
      ? Object.fromEntries(
          Object.entries(metadata).filter(([k]) => OBJECT_META_FIELDS.has(k)),
        )
      : metadata,
  );
}

/**
 * Runs `transform` over the body of a deep copy of a known CNPG resource (all but `apiVersion`,
 * `kind` and `metadata`, against its CRD schema without those three) and puts the three back in
 * front (`metadata` through `keepMetadata`). Unknown kinds come back as the unchanged copy.
 */
function transformCnpgBody<T>(
  obj: T,
  transform: (body: Json, schema: CrdSchemaNode) => Json,
  keepMetadata: (metadata: Json) => Json,
): T {
  const copy = structuredClone(obj) as unknown;
  if (!isPlainObject(copy)) return copy as T;
  const crd = findCnpgCrd(
    copy.apiVersion as string | undefined,
    copy.kind as string | undefined,
  );
  if (!crd) return copy as T;
  const { metadata, apiVersion, kind, ...rest } = copy;
  const schema = crd.openAPIV3Schema;
  const body = transform(rest, {
    ...schema,
    properties: Object.fromEntries(
      Object.entries(schema.properties ?? {}).filter(
        ([k]) => !['metadata', 'apiVersion', 'kind'].includes(k),
      ),
    ),
  }) as Record<string, Json>;
  const out: Record<string, Json> = { apiVersion, kind };
  if (metadata !== undefined) out.metadata = keepMetadata(metadata);
  return Object.assign(out, body) as T;
}

function defaultNode(value: Json, schema: CrdSchemaNode): Json {
  if (Array.isArray(value)) {
    return schema.items
      ? value.map(item => defaultNode(item, schema.items!))
      : value;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, Json> = { ...value };
  for (const [key, propertySchema] of Object.entries(schema.properties ?? {})) {
    if (out[key] === undefined && propertySchema.default !== undefined) {
      out[key] = structuredClone(propertySchema.default);
    }
    if (out[key] !== undefined) {
      out[key] = defaultNode(out[key], propertySchema);
    }
  }
  if (typeof schema.additionalProperties === 'object') {
    for (const key of Object.keys(out)) {
      if (!schema.properties?.[key]) {
        out[key] = defaultNode(out[key], schema.additionalProperties);
      }
    }
  }
  return out;
}

/**
 * Applies the CRD schema `default` values the way the API server does (structural defaulting): a default is
 * set only where the field is missing and its parent object exists. Returns a new object; unknown kinds are
 * returned unchanged (deep copy).
 * @public
 */
export function applyCrdDefaults<T = Record<string, unknown>>(obj: T): T {
  return transformCnpgBody(obj, defaultNode, metadata => metadata);
}
