/*
 * Legacy (non-aggregated) discovery documents and a minimal OpenAPI v3 surface, enough for the real kubectl:
 * - `kubectl get` resolves `clusters.postgresql.cnpg.io` through /api, /apis and /apis/<group>/<version>;
 *   it asks for aggregated discovery first (Accept: ...;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList)
 *   and falls back to these documents when the answer is plain application/json.
 * - `kubectl create -f` (default --validate=strict) reads /openapi/v3 and the group-version document to check
 *   that the server supports the `fieldValidation` query parameter (it looks for the PATCH operation tagged
 *   with x-kubernetes-group-version-kind); when it does, kubectl sends `fieldValidation=Strict` and lets the
 *   server reject unknown fields instead of validating client-side with /openapi/v2.
 */
import { createHash } from 'node:crypto';
import { listCnpgCrds } from '@cnpg-backups/plugin-cnpg-backups-node';
import { StandinResourceType } from './resources';

const VERBS_RW = ['create', 'delete', 'get', 'list', 'patch', 'update'];

function resourceEntries(type: StandinResourceType) {
  const isCrdList = type.kind === 'CustomResourceDefinition';
  const main = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: isCrdList ? ['get', 'list'] : VERBS_RW,
    ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
    ...(type.custom ? { categories: [] as string[] } : {}),
    storageVersionHash: createHash('sha256')
      .update(`${type.group}/${type.version}/${type.kind}`)
      .digest('base64')
      .slice(0, 11),
  };
  const subs = type.subresources
    .filter(s => s === 'status' && !isCrdList)
    .map(s => ({
      name: `${type.plural}/${s}`,
      singularName: '',
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: ['get', 'patch', 'update'],
    }));
  return [main, ...subs];
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupOf(group: string, types: StandinResourceType[]) {
  const versions = [
    ...new Set(types.filter(t => t.group === group).map(t => t.version)),
  ].map(v => ({
    groupVersion: `${group}/${v}`,
    version: v,
  }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(types: StandinResourceType[]) {
  const groups = [...new Set(types.filter(t => t.group).map(t => t.group))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map(g => groupOf(g, types)),
  };
}

export function apiGroup(group: string, types: StandinResourceType[]) {
  if (!types.some(t => t.group === group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupOf(group, types) };
}

export function apiResourceList(
  group: string,
  version: string,
  types: StandinResourceType[],
) {
  const matching = types.filter(
    t => t.group === group && t.version === version,
  );
  if (matching.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: matching.flatMap(resourceEntries),
  };
}

function gvPath(group: string, version: string) {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** /openapi/v3: the index of group-version documents. */
export function openApiV3Root(types: StandinResourceType[]) {
  const gvs = [...new Set(types.map(t => `${t.group}|${t.version}`))].map(s =>
    s.split('|'),
  );
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, version] of gvs) {
    const doc = JSON.stringify(openApiV3GroupVersion(group, version, types));
    const hash = createHash('sha512')
      .update(doc)
      .digest('hex')
      .slice(0, 32)
      .toUpperCase();
    paths[gvPath(group, version)] = {
      serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}`,
    };
  }
  return { paths };
}

const QUERY_PARAMETERS = [
  'dryRun',
  'fieldManager',
  'fieldValidation',
  'pretty',
].map(name => ({
  name,
  in: 'query',
  description:
    name === 'fieldValidation'
      ? 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict.'
      : name,
  schema: { type: 'string', uniqueItems: true },
}));

function schemaName(type: StandinResourceType) {
  const reversedGroup = type.group
    ? type.group.split('.').reverse().join('.')
    : 'io.k8s.api.core';
  return `${reversedGroup}.${type.version}.${type.kind}`;
}

/** /openapi/v3/apis/<group>/<version>: paths with the GVK-tagged operations, and the CRD schemas. */
export function openApiV3GroupVersion(
  group: string,
  version: string,
  types: StandinResourceType[],
) {
  const matching = types.filter(
    t => t.group === group && t.version === version,
  );
  if (matching.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const root = group ? `/apis/${group}/${version}` : `/api/${version}`;
  for (const type of matching) {
    const gvk = { group, version, kind: type.kind };
    const ns = type.namespaced ? '/namespaces/{namespace}' : '';
    const ref = { $ref: `#/components/schemas/${schemaName(type)}` };
    const body = { content: { 'application/json': { schema: ref } } };
    const ok = {
      '200': {
        description: 'OK',
        content: { 'application/json': { schema: ref } },
      },
    };
    const pathParams = [
      ...(type.namespaced
        ? [
            {
              name: 'namespace',
              in: 'path',
              required: true,
              schema: { type: 'string' },
            },
          ]
        : []),
    ];
    paths[`${root}${ns}/${type.plural}`] = {
      parameters: pathParams,
      get: {
        operationId: `list${type.kind}`,
        'x-kubernetes-action': 'list',
        'x-kubernetes-group-version-kind': gvk,
        responses: ok,
      },
      post: {
        operationId: `create${type.kind}`,
        'x-kubernetes-action': 'post',
        'x-kubernetes-group-version-kind': gvk,
        parameters: QUERY_PARAMETERS,
        requestBody: body,
        responses: { ...ok, '201': ok['200'] },
      },
    };
    paths[`${root}${ns}/${type.plural}/{name}`] = {
      parameters: [
        ...pathParams,
        {
          name: 'name',
          in: 'path',
          required: true,
          schema: { type: 'string' },
        },
      ],
      get: {
        operationId: `read${type.kind}`,
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
        responses: ok,
      },
      put: {
        operationId: `replace${type.kind}`,
        'x-kubernetes-action': 'put',
        'x-kubernetes-group-version-kind': gvk,
        parameters: QUERY_PARAMETERS,
        requestBody: body,
        responses: ok,
      },
      patch: {
        operationId: `patch${type.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
        parameters: QUERY_PARAMETERS,
        requestBody: {
          content: {
            'application/merge-patch+json': { schema: { type: 'object' } },
            'application/json-patch+json': { schema: { type: 'object' } },
          },
        },
        responses: ok,
      },
      delete: {
        operationId: `delete${type.kind}`,
        'x-kubernetes-action': 'delete',
        'x-kubernetes-group-version-kind': gvk,
        responses: ok,
      },
    };
    const crd = listCnpgCrds().find(
      c => c.group === group && c.version === version && c.kind === type.kind,
    );
    schemas[schemaName(type)] = {
      ...(crd
        ? crd.openAPIV3Schema
        : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
      'x-kubernetes-group-version-kind': [gvk],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (cnpg-backups stand-in)', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}
