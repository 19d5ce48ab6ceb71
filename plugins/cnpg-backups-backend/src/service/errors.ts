/*
 * Turning failures into data (SourceError) for status responses, and into @backstage/errors
 * for actions.
 */
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  ErrorSource,
  SourceError,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  CrdNotInstalledError,
  KubernetesClientError,
  KubernetesObjectNotFoundError,
} from '../kubernetes';
import { S3_ERROR_NAMES } from '@cnpg-backups/plugin-cnpg-backups-node';
import { EndpointNotAllowedError } from '../archive/S3EndpointPolicy';

/** A named error about archive credentials/config found in Kubernetes. @public */
export class ArchiveConfigurationError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const CONFIG_ERROR_NAMES = new Set([
  'EndpointNotAllowed',
  'InvalidEndpointURL',
  'UnsupportedArchive',
  'InvalidDestinationError',
  'InvalidDestination',
  'CredentialsNotSet',
  'SecretKeyNotFound',
  'ObjectStoreNotSet',
]);

// Every name an S3 read can fail with (from -node), plus the backend's own scan deadline.
const S3_SOURCE_ERROR_NAMES: ReadonlySet<string> = new Set([
  ...S3_ERROR_NAMES,
  'ScanTimeout',
]);

/** Maps any thrown value to a SourceError. @public */
export function toSourceError(
  error: unknown,
  fallback: { source: ErrorSource; target?: string },
): SourceError {
  const e = error as Error | undefined;
  const name = e?.name && e.name !== 'Error' ? e.name : 'InternalError';
  let source: ErrorSource = fallback.source;
  let target = fallback.target;
  if (error instanceof KubernetesClientError) {
    source = 'kubernetes';
    target = error.kubernetesCluster;
  } else if (CONFIG_ERROR_NAMES.has(name)) {
    source = 'config';
  } else if (S3_SOURCE_ERROR_NAMES.has(name)) {
    source = 's3';
  } else if (name === 'InternalError') {
    source = 'internal';
  }
  return {
    source,
    name,
    message: e?.message ? String(e.message) : String(error),
    ...(target ? { target } : {}),
  };
}

/** Drops exact duplicate errors: -common's, the one home of that rule. */
export { uniqueErrors } from '@cnpg-backups/plugin-cnpg-backups-common';

/** Maps a Kubernetes failure during an ACTION to the matching HTTP error. @public */
export function toHttpError(error: unknown): Error {
  if (error instanceof ConflictError) return error;
  if (
    error instanceof KubernetesObjectNotFoundError ||
    error instanceof CrdNotInstalledError
  ) {
    return new NotFoundError(error.message);
  }
  if (error instanceof KubernetesClientError) {
    switch (error.name) {
      case 'KubernetesForbidden':
        return new NotAllowedError(error.message);
      case 'KubernetesRequestRejected':
        return new InputError(error.message);
      default:
        return new ServiceUnavailableError(`${error.name}: ${error.message}`);
    }
  }
  return error as Error;
}

/**
 * Maps a failure to reach an archive during an ACTION (serverName check, recovery) to the
 * matching HTTP error: a bad destination or archive configuration is a 400, a forbidden
 * endpoint a 403, a Kubernetes failure as {@link toHttpError}.
 */
export function toArchiveActionError(error: unknown): Error {
  const e = error as Error;
  if (e?.name === 'InvalidDestinationError') return new InputError(e.message);
  if (error instanceof EndpointNotAllowedError) {
    return new NotAllowedError(e.message);
  }
  if (error instanceof ArchiveConfigurationError) {
    return new InputError(e.message);
  }
  return toHttpError(error);
}
