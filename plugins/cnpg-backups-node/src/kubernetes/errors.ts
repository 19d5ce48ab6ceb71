/*
 * Named Kubernetes failures. The service turns these into `SourceError`s (name + message), so
 * each distinct failure gets a distinct, stable `name`.
 */
import { ConflictError } from '@backstage/errors';

/** Base class of every Kubernetes client failure. @public */
export class KubernetesClientError extends Error {
  /** The Backstage name of the Kubernetes cluster. */
  readonly kubernetesCluster: string;
  /** HTTP status, when a response was received. */
  readonly statusCode?: number;
  constructor(options: {
    name: string;
    message: string;
    kubernetesCluster: string;
    statusCode?: number;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = options.name;
    this.kubernetesCluster = options.kubernetesCluster;
    this.statusCode = options.statusCode;
  }
}

/** 401: the service account token was rejected. @public */
export class KubernetesUnauthorizedError extends KubernetesClientError {
  constructor(o: { message: string; kubernetesCluster: string }) {
    super({ ...o, name: 'KubernetesUnauthorized', statusCode: 401 });
  }
}

/** 403: RBAC does not allow the request. @public */
export class KubernetesForbiddenError extends KubernetesClientError {
  constructor(o: { message: string; kubernetesCluster: string }) {
    super({ ...o, name: 'KubernetesForbidden', statusCode: 403 });
  }
}

/** 404 on a resource type: the CRD (and so the operator or plugin) is not installed. @public */
export class CrdNotInstalledError extends KubernetesClientError {
  /** e.g. `objectstores.barmancloud.cnpg.io`. */
  readonly crd: string;
  constructor(o: { message: string; kubernetesCluster: string; crd: string }) {
    super({ ...o, name: 'CrdNotInstalled', statusCode: 404 });
    this.crd = o.crd;
  }
}

/** 404 on one object. `name` is `<Kind>NotFound`, e.g. `ClusterNotFound`. @public */
export class KubernetesObjectNotFoundError extends KubernetesClientError {
  readonly kind: string;
  readonly namespace?: string;
  readonly objectName: string;
  constructor(o: {
    kind: string;
    namespace?: string;
    objectName: string;
    kubernetesCluster: string;
  }) {
    super({
      name: `${o.kind}NotFound`,
      message: `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${
        o.objectName
      } not found in Kubernetes cluster ${o.kubernetesCluster}`,
      kubernetesCluster: o.kubernetesCluster,
      statusCode: 404,
    });
    this.kind = o.kind;
    this.namespace = o.namespace;
    this.objectName = o.objectName;
  }
}

/** 5xx from the API server. @public */
export class KubernetesUnavailableError extends KubernetesClientError {
  constructor(o: {
    message: string;
    kubernetesCluster: string;
    statusCode: number;
  }) {
    super({ ...o, name: 'KubernetesUnavailable' });
  }
}

/** The request took longer than the configured timeout. @public */
export class KubernetesTimeoutError extends KubernetesClientError {
  constructor(o: { message: string; kubernetesCluster: string }) {
    super({ ...o, name: 'KubernetesTimeout' });
  }
}

/** A 2xx response whose body is not the JSON object expected. @public */
export class KubernetesInvalidResponseError extends KubernetesClientError {
  constructor(o: {
    message: string;
    kubernetesCluster: string;
    statusCode?: number;
  }) {
    super({ ...o, name: 'KubernetesInvalidResponse' });
  }
}

/** No connection (DNS, refused, TLS). @public */
export class KubernetesUnreachableError extends KubernetesClientError {
  constructor(o: {
    message: string;
    kubernetesCluster: string;
    cause?: unknown;
  }) {
    super({ ...o, name: 'KubernetesUnreachable' });
  }
}

/** Any other 4xx (400 validation, 422 invalid object...), with the API server's message. @public */
export class KubernetesRequestRejectedError extends KubernetesClientError {
  constructor(o: {
    message: string;
    kubernetesCluster: string;
    statusCode: number;
  }) {
    super({ ...o, name: 'KubernetesRequestRejected' });
  }
}

/**
 * 409 on create. A `ConflictError` from `@backstage/errors` so the router maps it to HTTP 409.
 * @public
 */
export class KubernetesAlreadyExistsError extends ConflictError {
  readonly kubernetesCluster: string;
  constructor(message: string, kubernetesCluster: string) {
    super(message);
    this.kubernetesCluster = kubernetesCluster;
  }
}
