import {
  qualifiedKind,
  qualifiedResource,
  StandinResourceType,
} from './resources';

/** A Kubernetes `Status` object (kind Status, apiVersion v1) as the API server returns on failures. */
export type KubeStatus = {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason: string; message: string; field: string }>;
  };
  code: number;
};

/** A request failed with a Kubernetes `Status`; the stand-in's HTTP layer serialises `status`. */
export class StandinApiError extends Error {
  name = 'StandinApiError';
  constructor(readonly status: KubeStatus) {
    super(status.message);
  }
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: KubeStatus['details'],
): StandinApiError {
  return new StandinApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

export const statusErrors = {
  unauthorized: () => failure(401, 'Unauthorized', 'Unauthorized'),

  forbidden(options: {
    type: StandinResourceType;
    verb: string;
    user: string;
    namespace?: string;
    name?: string;
  }) {
    const { type, verb, user, namespace, name } = options;
    const scope = namespace
      ? `in the namespace "${namespace}"`
      : 'at the cluster scope';
    const target = name
      ? `${qualifiedResource(type)} "${name}"`
      : qualifiedResource(type);
    return failure(
      403,
      'Forbidden',
      `${target} is forbidden: User "${user}" cannot ${verb} resource "${type.plural}" in API group "${type.group}" ${scope}`,
      { ...(name ? { name } : {}), group: type.group, kind: type.plural },
    );
  },

  notFound(type: StandinResourceType, name: string) {
    return failure(
      404,
      'NotFound',
      `${qualifiedResource(type)} "${name}" not found`,
      {
        name,
        group: type.group,
        kind: type.plural,
      },
    );
  },

  /** The whole resource type is unknown (e.g. its CRD is not installed). */
  resourceNotFound: () =>
    failure(
      404,
      'NotFound',
      'the server could not find the requested resource',
      {},
    ),

  namespaceNotFound(namespace: string) {
    return failure(404, 'NotFound', `namespaces "${namespace}" not found`, {
      name: namespace,
      kind: 'namespaces',
    });
  },

  alreadyExists(type: StandinResourceType, name: string) {
    return failure(
      409,
      'AlreadyExists',
      `${qualifiedResource(type)} "${name}" already exists`,
      {
        name,
        group: type.group,
        kind: type.plural,
      },
    );
  },

  conflict(type: StandinResourceType, name: string) {
    return failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(
        type,
      )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group: type.group, kind: type.plural },
    );
  },

  invalid(
    type: StandinResourceType,
    name: string,
    causes: Array<{ reason: string; message: string; field: string }>,
  ) {
    const full = causes.map(c =>
      c.field ? `${c.field}: ${c.message}` : c.message,
    );
    const summary = full.length === 1 ? full[0] : `[${full.join(', ')}]`;
    return failure(
      422,
      'Invalid',
      `${qualifiedKind(type)} "${name}" is invalid: ${summary}`,
      {
        name,
        group: type.group,
        kind: type.kind,
        causes,
      },
    );
  },

  badRequest: (message: string) => failure(400, 'BadRequest', message),

  methodNotAllowed: () =>
    failure(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    ),

  unsupportedMediaType: (contentType: string) =>
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/merge-patch+json, application/json-patch+json (got "${contentType}")`,
    ),

  internal: (message: string) =>
    failure(500, 'InternalError', `Internal error occurred: ${message}`),
};
