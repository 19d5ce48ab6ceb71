import { listCnpgCrds } from '@cnpg-backups/plugin-cnpg-backups-node';

/** A REST resource type the stand-in serves. */
export type StandinResourceType = {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Subresources served, e.g. ['status']. */
  subresources: string[];
  /** True for the CNPG custom resources (validated with the CRD schemas). */
  custom: boolean;
  /** Name of the CRD that defines it (`<plural>.<group>`), for custom resources. */
  crdName?: string;
};

export const CORE_TYPES: StandinResourceType[] = [
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    plural: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    custom: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Secret',
    listKind: 'SecretList',
    plural: 'secrets',
    singular: 'secret',
    namespaced: true,
    shortNames: [],
    subresources: [],
    custom: false,
  },
];

export const CRD_TYPE: StandinResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  subresources: ['status'],
  custom: false,
};

/** The CNPG custom resource types, from the upstream CRDs. */
export function cnpgTypes(): StandinResourceType[] {
  return listCnpgCrds().map(c => ({
    group: c.group,
    version: c.version,
    kind: c.kind,
    listKind: c.listKind,
    plural: c.plural,
    singular: c.singular,
    namespaced: c.scope === 'Namespaced',
    shortNames: c.shortNames,
    subresources: c.subresources,
    custom: true,
    crdName: `${c.plural}.${c.group}`,
  }));
}

export function apiVersionOf(type: StandinResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** `plural.group` as used in kubectl messages (`backups.postgresql.cnpg.io`), or just `plural` for core. */
export function qualifiedResource(type: StandinResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** `Kind.group` as used in Invalid messages (`Backup.postgresql.cnpg.io`), or just `Kind` for core. */
export function qualifiedKind(type: StandinResourceType): string {
  return type.group ? `${type.kind}.${type.group}` : type.kind;
}
