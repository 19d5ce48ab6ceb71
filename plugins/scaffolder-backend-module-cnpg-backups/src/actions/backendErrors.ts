/*
 * The scaffolder's words for the backend's refusals: the wire client throws ResponseError
 * (@backstage/errors); a task log reads better with what to do next.
 */
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import type { DatabaseRef } from '@cnpg-backups/plugin-cnpg-backups-common';

/** The backend's own error message (the JSON error body's, else the raw text). */
function reasonOf(error: ResponseError): string {
  const message = String(error.body?.error?.message ?? '');
  const prefix = `Request failed with status ${error.statusCode} ${error.statusText}, `;
  if (!message.startsWith(prefix)) return message;
  const text = message.slice(prefix.length);
  try {
    return JSON.parse(text)?.error?.message ?? text;
  } catch {
    return text;
  }
}

/** Reading a database's status: 404 and 403 say which Cluster. */
export function statusReadError(
  error: unknown,
  database: DatabaseRef,
): unknown {
  if (!(error instanceof ResponseError)) return error;
  const { kubernetesCluster, namespace, name } = database;
  if (error.statusCode === 404) {
    return new NotFoundError(
      `CNPG Cluster ${namespace}/${name} was not found in Kubernetes cluster "${kubernetesCluster}"`,
    );
  }
  if (error.statusCode === 403) {
    return new NotAllowedError(
      `You are not allowed to read the backup status of ${namespace}/${name}`,
    );
  }
  return error;
}

/** Creating a recovery Cluster: 409 says what was taken and what to do, 403 which permission. */
export function clusterCreateError(
  error: unknown,
  request: {
    entityRef: string;
    kubernetesCluster: string;
    namespace: string;
    name: string;
  },
): unknown {
  if (!(error instanceof ResponseError)) return error;
  const reason = reasonOf(error);
  const where = `namespace ${request.namespace} of "${request.kubernetesCluster}"`;
  if (error.statusCode === 409) {
    // The backend names what was taken: the Cluster name or the archive serverName.
    return new ConflictError(
      /ServerNameTaken/.test(reason)
        ? `${reason}. Plan the recovery again: cnpg:recovery:plan picks the next free serverName`
        : `A Cluster named "${request.name}" already exists in ${where}. Recovery creates a NEW Cluster: choose another name, or wait until the old Cluster and its PVCs are completely gone (${reason})`,
    );
  }
  if (error.statusCode === 403) {
    return new NotAllowedError(
      `You are not allowed to create this recovery Cluster in ${where} for ${request.entityRef} (permission cnpg-backups.recovery.create): ${reason}`,
    );
  }
  return error;
}
