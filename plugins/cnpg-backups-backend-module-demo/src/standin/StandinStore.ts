import { randomBytes, randomUUID } from 'node:crypto';
import {
  applyCrdDefaults,
  listCnpgCrds,
  pruneUnknownFields,
  validateCnpgResource,
  validateCnpgUpdate,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import {
  parseLabelSelector,
  matchesLabelSelector,
  LabelRequirement,
} from './labelSelector';
import { applyJsonPatch, applyMergePatch, InvalidPatchError } from './patch';
import {
  apiVersionOf,
  cnpgTypes,
  CORE_TYPES,
  CRD_TYPE,
  StandinResourceType,
} from './resources';
import { statusErrors } from './status';

/** A stored Kubernetes object (always carries apiVersion, kind and metadata). */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    generateName?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

/** A change notification (like a watch event). */
export type StandinChange = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: StandinResourceType;
  object: KubeObject;
};

/** `fieldValidation` query parameter: what to do with fields the schema does not know. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC3339 with second precision, like metav1.Time. */
export function kubeTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Lists the paths of fields present in `original` but dropped in `pruned` (`.spec.foo`). */
function droppedFields(
  original: unknown,
  pruned: unknown,
  path = '',
): string[] {
  if (Array.isArray(original) && Array.isArray(pruned)) {
    return original.flatMap((v, i) =>
      droppedFields(v, pruned[i], `${path}[${i}]`),
    );
  }
  if (!isObj(original) || !isObj(pruned)) return [];
  return Object.keys(original).flatMap(k =>
    k in pruned
      ? droppedFields(original[k], pruned[k], `${path}.${k}`)
      : [`${path}.${k}`],
  );
}

function causeFrom(issue: { field: string; reason: string; message: string }) {
  const prefix = `${issue.field}: `;
  return {
    reason: issue.reason,
    message: issue.message.startsWith(prefix)
      ? issue.message.slice(prefix.length)
      : issue.message,
    field: issue.field,
  };
}

/**
 * In-memory object store of the Kubernetes stand-in, with the API server's write semantics: structural pruning,
 * CRD defaulting and validation (422 Invalid with causes), AlreadyExists, resourceVersion/uid/generation,
 * the status subresource (main-resource writes ignore `status`, status writes ignore everything else).
 */
export class StandinStore {
  readonly #objects = new Map<string, KubeObject>();
  readonly #types: StandinResourceType[];
  readonly #listeners = new Set<(change: StandinChange) => void>();
  readonly #uninstalledCrds = new Set<string>();
  readonly #now: () => Date;
  #resourceVersion = 1000;

  constructor(options: { now?: () => Date; uninstalledCrds?: string[] } = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#types = [...CORE_TYPES, CRD_TYPE, ...cnpgTypes()];
    for (const name of options.uninstalledCrds ?? [])
      this.#uninstalledCrds.add(name);
  }

  /** Every resource type known to the stand-in, including ones whose CRD is currently not installed. */
  get allTypes(): readonly StandinResourceType[] {
    return this.#types;
  }

  /** Resource types currently served (custom resources only while their CRD is installed). */
  servedTypes(): StandinResourceType[] {
    return this.#types.filter(
      t => !t.crdName || !this.#uninstalledCrds.has(t.crdName),
    );
  }

  /** Simulates installing/uninstalling a CRD, e.g. `objectstores.barmancloud.cnpg.io` = plugin not installed. */
  setCrdInstalled(crdName: string, installed: boolean): void {
    if (!this.#types.some(t => t.crdName === crdName)) {
      throw new Error(`Unknown CRD ${crdName}`);
    }
    if (installed) this.#uninstalledCrds.delete(crdName);
    else this.#uninstalledCrds.add(crdName);
  }

  isCrdInstalled(crdName: string): boolean {
    return !this.#uninstalledCrds.has(crdName);
  }

  /** Finds a served type by group/version/plural, or undefined. */
  findType(
    group: string,
    version: string,
    plural: string,
  ): StandinResourceType | undefined {
    return this.servedTypes().find(
      t => t.group === group && t.version === version && t.plural === plural,
    );
  }

  /** Finds a type by apiVersion + kind (installed or not). */
  typeOf(apiVersion: string, kind: string): StandinResourceType | undefined {
    return this.#types.find(
      t => apiVersionOf(t) === apiVersion && t.kind === kind,
    );
  }

  /** Subscribes to changes; returns an unsubscribe function. */
  onChange(listener: (change: StandinChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The current (list) resourceVersion. */
  get resourceVersion(): string {
    return String(this.#resourceVersion);
  }

  #key(type: StandinResourceType, namespace: string | undefined, name: string) {
    return `${type.group}/${type.plural}/${
      type.namespaced ? namespace ?? '' : ''
    }/${name}`;
  }

  #nextVersion(): string {
    this.#resourceVersion += 1;
    return String(this.#resourceVersion);
  }

  #emit(change: StandinChange) {
    for (const listener of [...this.#listeners]) {
      try {
        listener({ ...change, object: structuredClone(change.object) });
      } catch {
        // a listener failure must not break the API request
      }
    }
  }

  #crdObject(type: StandinResourceType): KubeObject {
    const crd = listCnpgCrds().find(
      c => c.group === type.group && c.plural === type.plural,
    )!;
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: type.crdName!,
        uid: `00000000-0000-4000-8000-${Buffer.from(type.crdName!)
          .toString('hex')
          .slice(0, 12)}`,
        resourceVersion: '1',
        generation: 1,
        creationTimestamp: '2025-01-01T00:00:00Z',
      },
      spec: {
        group: crd.group,
        names: {
          kind: crd.kind,
          listKind: crd.listKind,
          plural: crd.plural,
          singular: crd.singular,
          ...(crd.shortNames.length ? { shortNames: crd.shortNames } : {}),
        },
        scope: crd.scope,
        versions: [
          {
            name: crd.version,
            served: true,
            storage: crd.storage,
            schema: { openAPIV3Schema: crd.openAPIV3Schema },
            subresources: Object.fromEntries(
              crd.subresources.map(s => [s, {}]),
            ),
            additionalPrinterColumns: crd.additionalPrinterColumns,
          },
        ],
      },
      status: {
        acceptedNames: {
          kind: crd.kind,
          plural: crd.plural,
          singular: crd.singular,
          listKind: crd.listKind,
        },
        conditions: [
          {
            type: 'NamesAccepted',
            status: 'True',
            reason: 'NoConflicts',
            message: 'no conflicts found',
          },
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
          },
        ],
        storedVersions: [crd.version],
      },
    };
  }

  /** Returns one object (deep copy) or throws a NotFound StandinApiError. */
  get(
    type: StandinResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    if (type === CRD_TYPE) {
      const crdType = this.#types.find(t => t.crdName === name);
      if (!crdType || !this.isCrdInstalled(name))
        throw statusErrors.notFound(type, name);
      return this.#crdObject(crdType);
    }
    const obj = this.#objects.get(this.#key(type, namespace, name));
    if (!obj) throw statusErrors.notFound(type, name);
    return structuredClone(obj);
  }

  /** Lists objects of a type, optionally in one namespace and filtered by a label selector. */
  list(
    type: StandinResourceType,
    options: {
      namespace?: string;
      labelSelector?: string | LabelRequirement[];
      fieldSelector?: string;
    } = {},
  ): { items: KubeObject[]; resourceVersion: string } {
    const requirements =
      typeof options.labelSelector === 'string' ||
      options.labelSelector === undefined
        ? parseLabelSelector(options.labelSelector)
        : options.labelSelector;
    const fields = parseFieldSelector(options.fieldSelector);
    let items: KubeObject[];
    if (type === CRD_TYPE) {
      items = this.#types
        .filter(t => t.crdName && this.isCrdInstalled(t.crdName))
        .map(t => this.#crdObject(t));
    } else {
      items = [...this.#objects.values()].filter(
        o =>
          o.kind === type.kind &&
          o.apiVersion === apiVersionOf(type) &&
          (!type.namespaced ||
            !options.namespace ||
            o.metadata.namespace === options.namespace),
      );
    }
    items = items
      .filter(o => matchesLabelSelector(requirements, o.metadata.labels))
      .filter(o =>
        fields.every(([k, op, v]) =>
          op === '=' ? fieldValue(o, k) === v : fieldValue(o, k) !== v,
        ),
      )
      .sort((a, b) =>
        `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(
          `${b.metadata.namespace ?? ''}/${b.metadata.name}`,
        ),
      )
      .map(o => structuredClone(o));
    return { items, resourceVersion: this.resourceVersion };
  }

  /**
   * Prunes, defaults and validates a candidate object of `type`; throws a 422 Invalid (or 400 for strict
   * unknown fields) StandinApiError.
   */
  #admit(
    type: StandinResourceType,
    candidate: KubeObject,
    options: {
      fieldValidation?: FieldValidation;
      old?: KubeObject;
      warnings?: string[];
    },
  ): KubeObject {
    if (!type.custom) return this.#admitCore(type, candidate);
    const pruned = pruneUnknownFields(candidate) as KubeObject;
    const unknown = droppedFields(candidate, pruned);
    if (unknown.length > 0) {
      if (options.fieldValidation === 'Strict') {
        throw statusErrors.badRequest(
          `${type.kind} in version "${type.version}" cannot be handled as a ${
            type.kind
          }: strict decoding error: ${unknown
            .map(f => `unknown field "${f.slice(1)}"`)
            .join(', ')}`,
        );
      }
      if (options.fieldValidation !== 'Ignore') {
        options.warnings?.push(
          ...unknown.map(f => `unknown field "${f.slice(1)}"`),
        );
      }
    }
    const defaulted = applyCrdDefaults(pruned) as KubeObject;
    const result = options.old
      ? validateCnpgUpdate(options.old, defaulted)
      : validateCnpgResource(defaulted);
    if (!result.valid) {
      throw statusErrors.invalid(
        type,
        candidate.metadata?.name ?? '',
        result.issues.map(causeFrom),
      );
    }
    return defaulted;
  }

  #admitCore(type: StandinResourceType, candidate: KubeObject): KubeObject {
    const obj = structuredClone(candidate);
    const name = obj.metadata?.name ?? '';
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
      throw statusErrors.invalid(type, name, [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: ${JSON.stringify(
            name,
          )}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
        },
      ]);
    }
    if (type.kind === 'Secret') {
      const data: Record<string, string> = {
        ...((obj.data as Record<string, string>) ?? {}),
      };
      for (const [k, v] of Object.entries(data)) {
        if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
          throw statusErrors.invalid(type, name, [
            {
              reason: 'FieldValueInvalid',
              field: `data[${k}]`,
              message:
                'Invalid value: "<secret contents redacted>": illegal base64 data',
            },
          ]);
        }
      }
      for (const [k, v] of Object.entries(
        (obj.stringData as Record<string, string>) ?? {},
      )) {
        data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      }
      delete obj.stringData;
      obj.data = data;
      obj.type = obj.type ?? 'Opaque';
    }
    if (type.kind === 'Namespace') {
      obj.spec = obj.spec ?? { finalizers: ['kubernetes'] };
      obj.status = obj.status ?? { phase: 'Active' };
      obj.metadata.labels = {
        ...obj.metadata.labels,
        'kubernetes.io/metadata.name': name,
      };
    }
    return obj;
  }

  #checkIdentity(
    type: StandinResourceType,
    namespace: string | undefined,
    body: unknown,
  ): KubeObject {
    if (!isObj(body))
      throw statusErrors.badRequest('the request body must be a JSON object');
    const obj = structuredClone(body) as KubeObject;
    obj.apiVersion = obj.apiVersion ?? apiVersionOf(type);
    obj.kind = obj.kind ?? type.kind;
    if (obj.apiVersion !== apiVersionOf(type) || obj.kind !== type.kind) {
      throw statusErrors.badRequest(
        `the API version in the data (${
          obj.apiVersion
        }) does not match the expected API version (${apiVersionOf(
          type,
        )}) or kind ${obj.kind} is not ${type.kind}`,
      );
    }
    if (!isObj(obj.metadata)) obj.metadata = { name: '' };
    if (type.namespaced) {
      if (
        obj.metadata.namespace &&
        namespace &&
        obj.metadata.namespace !== namespace
      ) {
        throw statusErrors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  /**
   * Creates an object as POST does. `status` is dropped for types with a status subresource (as the real
   * API server does). Returns the stored object.
   */
  create(
    type: StandinResourceType,
    namespace: string | undefined,
    body: unknown,
    options: {
      fieldValidation?: FieldValidation;
      warnings?: string[];
      dryRun?: boolean;
    } = {},
  ): KubeObject {
    if (type === CRD_TYPE) throw statusErrors.methodNotAllowed();
    const obj = this.#checkIdentity(type, namespace, body);
    if (!obj.metadata.name && typeof obj.metadata.generateName === 'string') {
      obj.metadata.name = `${obj.metadata.generateName}${randomBytes(3)
        .toString('hex')
        .slice(0, 5)}`;
    }
    if (type.subresources.includes('status')) delete obj.status;
    return this.#insert(type, obj, options);
  }

  #insert(
    type: StandinResourceType,
    obj: KubeObject,
    options: {
      fieldValidation?: FieldValidation;
      warnings?: string[];
      keepMetadata?: boolean;
      dryRun?: boolean;
    },
  ): KubeObject {
    if (type.namespaced) {
      const ns = obj.metadata.namespace;
      if (!ns)
        throw statusErrors.badRequest(
          'the namespace of the object must be set',
        );
      if (!this.#objects.has(this.#key(CORE_TYPES[0], undefined, ns))) {
        throw statusErrors.namespaceNotFound(ns);
      }
    }
    const admitted = this.#admit(type, obj, options);
    const key = this.#key(
      type,
      admitted.metadata.namespace,
      admitted.metadata.name,
    );
    if (this.#objects.has(key))
      throw statusErrors.alreadyExists(type, admitted.metadata.name);
    const meta = admitted.metadata;
    const keep = options.keepMetadata;
    admitted.metadata = {
      ...meta,
      uid: keep && meta.uid ? meta.uid : randomUUID(),
      resourceVersion: this.#nextVersion(),
      creationTimestamp:
        keep && meta.creationTimestamp
          ? meta.creationTimestamp
          : kubeTime(this.#now()),
      ...(type.custom
        ? { generation: keep && meta.generation ? meta.generation : 1 }
        : {}),
    };
    delete admitted.metadata.generateName;
    if (options.dryRun) {
      admitted.metadata.resourceVersion = '';
      return structuredClone(admitted);
    }
    this.#objects.set(key, admitted);
    this.#emit({ type: 'ADDED', resource: type, object: admitted });
    return structuredClone(admitted);
  }

  /**
   * Seeds an object directly (demo/test setup): keeps the given uid, creationTimestamp, generation and status,
   * creates the namespace when missing, but still prunes and validates like any write.
   */
  seed(body: KubeObject): KubeObject {
    const type = this.typeOf(body.apiVersion, body.kind);
    if (!type || type === CRD_TYPE)
      throw new Error(`Cannot seed ${body.apiVersion} ${body.kind}`);
    const ns = body.metadata.namespace;
    if (
      type.namespaced &&
      ns &&
      !this.#objects.has(this.#key(CORE_TYPES[0], undefined, ns))
    ) {
      this.seed({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
      });
    }
    return this.#insert(type, structuredClone(body), {
      fieldValidation: 'Ignore',
      keepMetadata: true,
    });
  }

  /** Replaces an object (PUT), or only its status when `subresource` is 'status'. */
  update(
    type: StandinResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: {
      subresource?: 'status';
      fieldValidation?: FieldValidation;
      warnings?: string[];
      dryRun?: boolean;
    } = {},
  ): KubeObject {
    const old = this.get(type, namespace, name);
    const incoming = this.#checkIdentity(type, namespace, body);
    if (incoming.metadata.name && incoming.metadata.name !== name) {
      throw statusErrors.badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    incoming.metadata.name = name;
    if (
      incoming.metadata.resourceVersion &&
      incoming.metadata.resourceVersion !== old.metadata.resourceVersion
    ) {
      throw statusErrors.conflict(type, name);
    }
    let candidate: KubeObject;
    if (options.subresource === 'status') {
      candidate = { ...old, status: incoming.status };
    } else if (type.subresources.includes('status')) {
      candidate = { ...incoming, status: old.status };
      if (candidate.status === undefined) delete candidate.status;
    } else {
      candidate = incoming;
    }
    candidate.metadata = {
      ...(options.subresource === 'status' ? old.metadata : incoming.metadata),
      name,
      namespace: old.metadata.namespace,
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
    };
    if (!type.namespaced) delete candidate.metadata.namespace;
    const admitted = this.#admit(type, candidate, { ...options, old });
    const specChanged =
      JSON.stringify(old.spec) !== JSON.stringify(admitted.spec);
    if (type.custom) {
      admitted.metadata.generation =
        (old.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    if (options.dryRun) return structuredClone(admitted);
    admitted.metadata.resourceVersion = this.#nextVersion();
    this.#objects.set(this.#key(type, old.metadata.namespace, name), admitted);
    this.#emit({ type: 'MODIFIED', resource: type, object: admitted });
    return structuredClone(admitted);
  }

  /** Applies a merge patch or JSON patch (PATCH), to the object or its status. */
  patch(
    type: StandinResourceType,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    contentType: string,
    options: {
      subresource?: 'status';
      fieldValidation?: FieldValidation;
      warnings?: string[];
      dryRun?: boolean;
    } = {},
  ): KubeObject {
    const old = this.get(type, namespace, name);
    let patched: unknown;
    try {
      if (contentType.startsWith('application/json-patch+json')) {
        patched = applyJsonPatch(old, patch);
      } else if (
        contentType.startsWith('application/merge-patch+json') ||
        (!type.custom &&
          contentType.startsWith('application/strategic-merge-patch+json'))
      ) {
        patched = applyMergePatch(old, patch);
      } else {
        throw statusErrors.unsupportedMediaType(contentType);
      }
    } catch (error) {
      if (error instanceof InvalidPatchError)
        throw statusErrors.badRequest(
          `the patch could not be applied: ${error.message}`,
        );
      throw error;
    }
    if (isObj(patched) && isObj(patched.metadata)) {
      // a patch never needs a matching resourceVersion unless it sets one explicitly
      if (
        !(
          isObj(patch) &&
          isObj(patch.metadata) &&
          'resourceVersion' in patch.metadata
        )
      ) {
        patched.metadata.resourceVersion = old.metadata.resourceVersion;
      }
    }
    return this.update(type, namespace, name, patched, options);
  }

  /** Deletes an object and returns it (as the API server does for custom resources). */
  delete(
    type: StandinResourceType,
    namespace: string | undefined,
    name: string,
    options: { dryRun?: boolean } = {},
  ): KubeObject {
    if (type === CRD_TYPE) throw statusErrors.methodNotAllowed();
    const old = this.get(type, namespace, name);
    if (options.dryRun) return old;
    this.#objects.delete(this.#key(type, old.metadata.namespace, name));
    if (type.kind === 'Namespace') {
      for (const [key, o] of [...this.#objects]) {
        if (o.metadata.namespace === name) this.#objects.delete(key);
      }
    }
    this.#nextVersion();
    this.#emit({ type: 'DELETED', resource: type, object: old });
    return old;
  }
}

function parseFieldSelector(
  selector: string | undefined,
): Array<[string, '=' | '!=', string]> {
  if (!selector) return [];
  return selector.split(',').map(part => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part.trim());
    if (!m) throw statusErrors.badRequest(`invalid field selector "${part}"`);
    return [m[1], m[2] === '!=' ? '!=' : '=', m[3]];
  });
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const seg of path.split('.')) cur = isObj(cur) ? cur[seg] : undefined;
  return cur === undefined ? '' : String(cur);
}
