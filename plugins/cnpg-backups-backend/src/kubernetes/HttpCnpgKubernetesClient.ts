/*
 * CnpgKubernetesClient over plain HTTP (undici fetch) against the Kubernetes REST API.
 *
 * Why not @kubernetes/client-node: we need six GET paths and two POSTs, precise error
 * mapping (CRD missing vs object missing), per-cluster CA/skipTLSVerify, and a timeout; a
 * thin fetch wrapper keeps all of that explicit and testable against the stand-in server.
 */
import { Agent, fetch } from 'undici';
import type { KubernetesClusterConnection } from './KubernetesClusterConfig';
import {
  CrdNotInstalledError,
  KubernetesAlreadyExistsError,
  KubernetesForbiddenError,
  KubernetesInvalidResponseError,
  KubernetesObjectNotFoundError,
  KubernetesRequestRejectedError,
  KubernetesTimeoutError,
  KubernetesUnauthorizedError,
  KubernetesUnavailableError,
  KubernetesUnreachableError,
} from './errors';
import type {
  CnpgBackup,
  CnpgCluster,
  CnpgKubernetesClient,
  CnpgObjectStore,
  CnpgScheduledBackup,
  KubeCustomResourceDefinition,
  NamespacedName,
} from './types';

/** A resource type: where it lives in the REST API and what to call it in messages. */
interface ResourceType {
  group: string; // '' = core
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const CLUSTERS: ResourceType = {
  group: 'postgresql.cnpg.io',
  version: 'v1',
  plural: 'clusters',
  kind: 'Cluster',
  namespaced: true,
};
const BACKUPS: ResourceType = {
  ...CLUSTERS,
  plural: 'backups',
  kind: 'Backup',
};
const SCHEDULED_BACKUPS: ResourceType = {
  ...CLUSTERS,
  plural: 'scheduledbackups',
  kind: 'ScheduledBackup',
};
const OBJECT_STORES: ResourceType = {
  group: 'barmancloud.cnpg.io',
  version: 'v1',
  plural: 'objectstores',
  kind: 'ObjectStore',
  namespaced: true,
};
const SECRETS: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'secrets',
  kind: 'Secret',
  namespaced: true,
};
const CRDS: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
};

/** API groups every Kubernetes cluster serves: their types are never "not installed". */
const BUILT_IN_GROUPS = new Set(['', 'apiextensions.k8s.io']);

/** What a missing API group means, for CrdNotInstalled messages. */
const MISSING_GROUP_MEANING: Record<string, string> = {
  'barmancloud.cnpg.io': 'the Barman Cloud plugin is not installed',
  'postgresql.cnpg.io': 'the CloudNativePG operator is not installed',
};

function crdName(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** What a Kubernetes 404 means; see {@link classifyNotFound}. */
type NotFoundVerdict =
  | { missing: 'object'; kind: string; namespace?: string; objectName: string }
  | { missing: 'type' }
  | { missing: 'path' };

/**
 * Classifies a Kubernetes 404. Real API servers answer both a missing object and a missing
 * resource type with `reason: NotFound`; only a missing OBJECT's Status names it in
 * `details.name` (`clusters.postgresql.cnpg.io "x" not found`, details `{ name, kind: plural }`),
 * while a resource type that is not served says "the server could not find the requested
 * resource" without details. So:
 *  - built-in types (core Secrets/Namespaces, the CRD API itself) always exist: a 404 is a
 *    missing object (or, on a collection, a wrong path), never CrdNotInstalled;
 *  - a Status naming `namespaces` means the request's namespace does not exist (e.g. a create);
 *  - for CNPG kinds, `details.name` (or, for a named GET without details, the object-style
 *    `"<name>" not found` message) means the object is missing, anything else on a list or a
 *    named GET means the CRD is not installed.
 * (Pure; tested through the client.)
 */
function classifyNotFound(options: {
  type: ResourceType;
  collection: boolean;
  objectName?: string;
  namespace?: string;
  status?: KubeStatus;
}): NotFoundVerdict {
  const { type, collection, status } = options;
  const namespace = options.namespace || undefined;
  const details = status?.details;
  const detailsName = details?.name || undefined;
  if (detailsName && details?.kind === 'namespaces') {
    return { missing: 'object', kind: 'Namespace', objectName: detailsName };
  }
  const objectMissing = (objectName: string): NotFoundVerdict => ({
    missing: 'object',
    kind: type.kind,
    namespace,
    objectName,
  });
  if (BUILT_IN_GROUPS.has(type.group)) {
    if (collection && !detailsName) return { missing: 'path' };
    return objectMissing(options.objectName ?? detailsName ?? '');
  }
  if (collection) {
    // A list never names an object; a details.name of the listed kind is still an object answer.
    return detailsName && details?.kind === type.plural
      ? objectMissing(detailsName)
      : { missing: 'type' };
  }
  if (detailsName) return objectMissing(options.objectName ?? detailsName);
  const message = status?.message ?? '';
  const namesTheObject =
    status?.reason === 'NotFound' &&
    options.objectName !== undefined &&
    message.includes(`"${options.objectName}" not found`);
  return namesTheObject
    ? objectMissing(options.objectName ?? '')
    : { missing: 'type' };
}

/** Options for {@link HttpCnpgKubernetesClient.create}. @public */
export interface HttpCnpgKubernetesClientOptions {
  connection: KubernetesClusterConnection;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
}

/** The Kubernetes `Status` object returned with errors. */
interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  details?: { name?: string; kind?: string; group?: string };
}

/**
 * {@link CnpgKubernetesClient} over the Kubernetes REST API.
 * @public
 */
export class HttpCnpgKubernetesClient implements CnpgKubernetesClient {
  readonly #connection: KubernetesClusterConnection;
  readonly #dispatcher: Agent;
  readonly #timeoutMs: number;
  readonly #baseUrl: string;

  static create(
    options: HttpCnpgKubernetesClientOptions,
  ): HttpCnpgKubernetesClient {
    return new HttpCnpgKubernetesClient(options);
  }

  private constructor(options: HttpCnpgKubernetesClientOptions) {
    this.#connection = options.connection;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#baseUrl = options.connection.url.replace(/\/+$/, '');
    this.#dispatcher = new Agent({
      connect: {
        ca: options.connection.caPem,
        rejectUnauthorized: !options.connection.skipTLSVerify,
      },
    });
  }

  get clusterName(): string {
    return this.#connection.name;
  }

  /** Releases the connection pool. */
  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  async listClusters(options: { namespace?: string; labelSelector?: string }) {
    return this.#list<CnpgCluster>(CLUSTERS, options);
  }

  async getCluster(options: NamespacedName) {
    return this.#get<CnpgCluster>(CLUSTERS, options);
  }

  async listBackups(options: { namespace: string; clusterName?: string }) {
    return this.#list<CnpgBackup>(BACKUPS, {
      namespace: options.namespace,
      labelSelector: options.clusterName
        ? `cnpg.io/cluster=${options.clusterName}`
        : undefined,
    });
  }

  async listScheduledBackups(options: { namespace: string }) {
    return this.#list<CnpgScheduledBackup>(SCHEDULED_BACKUPS, options);
  }

  async listObjectStores(options: { namespace: string }) {
    return this.#list<CnpgObjectStore>(OBJECT_STORES, options);
  }

  async getObjectStore(options: NamespacedName) {
    return this.#get<CnpgObjectStore>(OBJECT_STORES, options);
  }

  async getSecret(options: NamespacedName): Promise<Record<string, string>> {
    const secret = await this.#get<{
      data?: Record<string, string>;
      stringData?: Record<string, string>;
    }>(SECRETS, options);
    const decoded: Record<string, string> = {};
    for (const [key, value] of Object.entries(secret.data ?? {})) {
      decoded[key] = Buffer.from(String(value), 'base64').toString('utf8');
    }
    return decoded;
  }

  async getCustomResourceDefinition(options: { name: string }) {
    return this.#get<KubeCustomResourceDefinition>(CRDS, {
      namespace: '',
      name: options.name,
    });
  }

  async createBackup(options: { namespace: string; backup: CnpgBackup }) {
    return this.#create<CnpgBackup>(BACKUPS, options.namespace, {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Backup',
      ...options.backup,
      metadata: { ...options.backup.metadata, namespace: options.namespace },
    });
  }

  async createCluster(options: { namespace: string; cluster: CnpgCluster }) {
    try {
      return await this.#create<CnpgCluster>(CLUSTERS, options.namespace, {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        ...options.cluster,
        metadata: { ...options.cluster.metadata, namespace: options.namespace },
      });
    } catch (error) {
      if (error instanceof KubernetesAlreadyExistsError) {
        throw new KubernetesAlreadyExistsError(
          `Cluster ${options.namespace}/${options.cluster.metadata.name} already exists in Kubernetes cluster ${this.clusterName}: use a new name; recovery must create a new cluster (it is never done in place)`,
          this.clusterName,
        );
      }
      throw error;
    }
  }

  #path(type: ResourceType, namespace?: string, name?: string): string {
    const root = type.group
      ? `/apis/${type.group}/${type.version}`
      : `/api/${type.version}`;
    const ns =
      type.namespaced && namespace
        ? `/namespaces/${encodeURIComponent(namespace)}`
        : '';
    const obj = name ? `/${encodeURIComponent(name)}` : '';
    return `${root}${ns}/${type.plural}${obj}`;
  }

  async #list<T>(
    type: ResourceType,
    options: { namespace?: string; labelSelector?: string },
  ): Promise<T[]> {
    const query = options.labelSelector
      ? `?labelSelector=${encodeURIComponent(options.labelSelector)}`
      : '';
    const body = await this.#request({
      method: 'GET',
      path: `${this.#path(type, options.namespace)}${query}`,
      type,
      collection: true,
    });
    const items = (body as { items?: unknown }).items;
    if (items !== null && items !== undefined && !Array.isArray(items)) {
      throw new KubernetesInvalidResponseError({
        message: `Listing ${type.kind} objects returned a body without an items array`,
        kubernetesCluster: this.clusterName,
      });
    }
    return (items as T[] | null) ?? [];
  }

  async #get<T>(type: ResourceType, options: NamespacedName): Promise<T> {
    return (await this.#request({
      method: 'GET',
      path: this.#path(type, options.namespace, options.name),
      type,
      collection: false,
      objectName: options.name,
      namespace: options.namespace,
    })) as T;
  }

  async #create<T>(
    type: ResourceType,
    namespace: string,
    object: unknown,
  ): Promise<T> {
    return (await this.#request({
      method: 'POST',
      path: this.#path(type, namespace),
      type,
      collection: true,
      body: object,
    })) as T;
  }

  async #request(options: {
    method: 'GET' | 'POST';
    path: string;
    type: ResourceType;
    collection: boolean;
    objectName?: string;
    namespace?: string;
    body?: unknown;
  }): Promise<object> {
    const { type } = options;
    const kubernetesCluster = this.clusterName;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#connection.token) {
      headers.authorization = `Bearer ${this.#connection.token}`;
    }
    if (options.body !== undefined)
      headers['content-type'] = 'application/json';
    let response: Awaited<ReturnType<typeof fetch>>;
    let text: string;
    try {
      response = await fetch(`${this.#baseUrl}${options.path}`, {
        method: options.method,
        headers,
        body:
          options.body === undefined ? undefined : JSON.stringify(options.body),
        dispatcher: this.#dispatcher,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new KubernetesTimeoutError({
          message: `Kubernetes cluster ${kubernetesCluster} did not answer ${
            options.method
          } ${type.kind} within ${this.#timeoutMs} ms`,
          kubernetesCluster,
        });
      }
      const cause = (error as { cause?: { code?: string; message?: string } })
        ?.cause;
      throw new KubernetesUnreachableError({
        message: `Cannot reach Kubernetes cluster ${kubernetesCluster} at ${
          this.#baseUrl
        }: ${cause?.code ?? cause?.message ?? (error as Error)?.message}`,
        kubernetesCluster,
        cause: error,
      });
    }

    let parsed: unknown;
    let parseFailed = false;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parseFailed = true;
    }
    const status = parsed as KubeStatus | undefined;
    const serverMessage = status?.message ? `: ${status.message}` : '';

    if (response.ok) {
      if (parseFailed || typeof parsed !== 'object' || parsed === null) {
        throw new KubernetesInvalidResponseError({
          message: `Kubernetes cluster ${kubernetesCluster} returned a malformed (non-JSON-object) body for ${options.method} ${type.kind}`,
          kubernetesCluster,
          statusCode: response.status,
        });
      }
      return parsed as object;
    }

    switch (response.status) {
      case 401:
        throw new KubernetesUnauthorizedError({
          message: `Kubernetes cluster ${kubernetesCluster} rejected the service account token (401)${serverMessage}`,
          kubernetesCluster,
        });
      case 403:
        throw new KubernetesForbiddenError({
          message: `The service account may not ${
            options.method === 'POST' ? 'create' : 'read'
          } ${type.kind} objects${
            options.namespace ? ` in namespace ${options.namespace}` : ''
          } on Kubernetes cluster ${kubernetesCluster} (403)${serverMessage}`,
          kubernetesCluster,
        });
      case 404: {
        const verdict = classifyNotFound({
          type,
          collection: options.collection,
          objectName: options.objectName,
          namespace: options.namespace,
          status,
        });
        if (verdict.missing === 'object') {
          throw new KubernetesObjectNotFoundError({
            kind: verdict.kind,
            namespace: verdict.namespace,
            objectName: verdict.objectName,
            kubernetesCluster,
          });
        }
        if (verdict.missing === 'type') {
          throw new CrdNotInstalledError({
            message: `The ${type.kind} resource type (${crdName(
              type,
            )}) is not served by Kubernetes cluster ${kubernetesCluster}: ${
              MISSING_GROUP_MEANING[type.group] ??
              'the resource type is missing'
            }`,
            kubernetesCluster,
            crd: crdName(type),
          });
        }
        // A built-in collection path that 404s is a wrong URL (e.g. a proxy path), not data.
        throw new KubernetesRequestRejectedError({
          message: `Kubernetes cluster ${kubernetesCluster} answered 404 for ${options.method} ${type.kind} (${options.path})${serverMessage}`,
          kubernetesCluster,
          statusCode: 404,
        });
      }
      case 409:
        throw new KubernetesAlreadyExistsError(
          `${type.kind} already exists in Kubernetes cluster ${kubernetesCluster}${serverMessage}`,
          kubernetesCluster,
        );
      default:
        break;
    }
    if (response.status >= 500) {
      throw new KubernetesUnavailableError({
        message: `Kubernetes cluster ${kubernetesCluster} answered ${response.status} for ${options.method} ${type.kind}${serverMessage}`,
        kubernetesCluster,
        statusCode: response.status,
      });
    }
    throw new KubernetesRequestRejectedError({
      message: `Kubernetes cluster ${kubernetesCluster} rejected ${options.method} ${type.kind} (${response.status})${serverMessage}`,
      kubernetesCluster,
      statusCode: response.status,
    });
  }
}
