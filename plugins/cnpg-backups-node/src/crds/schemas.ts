/*
 * Access to the upstream CRD schemas (generated into crd-schemas.json by scripts/sync-crds.mjs from
 * <repo>/../shared/crds; never edit the JSON by hand).
 */
import crdSchemasJson from './crd-schemas.json';

/** A JSON-schema node of a CRD's openAPIV3Schema (structural schema). @public */
export type CrdSchemaNode = {
  type?: string;
  properties?: Record<string, CrdSchemaNode>;
  additionalProperties?: CrdSchemaNode | boolean;
  items?: CrdSchemaNode;
  required?: string[];
  default?: unknown;
  enum?: unknown[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [keyword: string]: unknown;
};

/** One served version of one upstream CustomResourceDefinition. @public */
export type CnpgCrdDefinition = {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  scope: 'Namespaced' | 'Cluster';
  storage: boolean;
  /** Names of the enabled subresources, e.g. `['scale', 'status']`. */
  subresources: string[];
  additionalPrinterColumns: Array<{
    name: string;
    type: string;
    jsonPath: string;
    description?: string;
    format?: string;
    priority?: number;
  }>;
  /** The file in ../shared/crds the entry came from. */
  sourceFile: string;
  openAPIV3Schema: CrdSchemaNode;
};

const definitions = (crdSchemasJson as unknown as { crds: CnpgCrdDefinition[] })
  .crds;

/**
 * Every served version of the upstream CRDs the project knows: CNPG v1.30 Cluster, Backup, ScheduledBackup and
 * plugin-barman-cloud v0.14 ObjectStore.
 * @public
 */
export function listCnpgCrds(): readonly CnpgCrdDefinition[] {
  return definitions;
}

/** Finds the CRD version serving `apiVersion` (`group/version`) + `kind`, or undefined. @public */
export function findCnpgCrd(
  apiVersion: string | undefined,
  kind: string | undefined,
): CnpgCrdDefinition | undefined {
  if (!apiVersion || !kind) return undefined;
  return definitions.find(
    d => `${d.group}/${d.version}` === apiVersion && d.kind === kind,
  );
}
