/*
 * Barman destination paths (`s3://bucket/prefix`): the one parser (barman-cloud's rules), the
 * bucket/prefix form the status JSON shows, and the key of an archive folder.
 */

/**
 * Thrown when a destination path is not a usable `s3://bucket[/prefix]` URL.
 * @public
 */
export class InvalidDestinationError extends Error {
  readonly name = 'InvalidDestinationError';
  constructor(readonly destination: string, reason: string) {
    super(`Invalid destination "${destination}": ${reason}`);
  }
}

/**
 * A parsed Barman destination.
 * @public
 */
export interface ArchiveDestination {
  /** The destination exactly as given. */
  destination: string;
  bucket: string;
  /**
   * Key prefix with no leading slash and, unless empty, a trailing slash
   * (`''`, `'cnpg/'`, `'a/b/c/'`), ready to be concatenated with a serverName.
   */
  keyPrefix: string;
}

// S3 bucket naming rules (plus dots/underscores that older S3-compatible stores accept).
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9._-]{1,254}$/i;

/** Scheme check and split, shared by {@link parseDestination} and {@link destinationParts}. */
function splitS3(destination: string): { bucket: string; rawPrefix: string } {
  if (typeof destination !== 'string' || destination.trim() === '') {
    throw new InvalidDestinationError(String(destination), 'it is empty');
  }
  const trimmed = destination.trim();
  const match = /^([a-z][a-z0-9+.-]*):\/\/([\s\S]*)$/i.exec(trimmed);
  if (!match) {
    throw new InvalidDestinationError(
      destination,
      'expected the form s3://BUCKET[/PREFIX]',
    );
  }
  const scheme = match[1].toLowerCase();
  if (scheme !== 's3') {
    throw new InvalidDestinationError(
      destination,
      `only s3:// destinations can be read (got ${scheme}://; Azure and Google Cloud Storage are not supported)`,
    );
  }
  const rest = match[2];
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const rawPrefix = slash === -1 ? '' : rest.slice(slash + 1);
  if (bucket === '') {
    throw new InvalidDestinationError(
      destination,
      'the bucket name is missing',
    );
  }
  return { bucket, rawPrefix };
}

/**
 * Parses `s3://bucket/prefix` the way barman-cloud does: the prefix loses its leading slash
 * and may be empty or several levels deep.
 *
 * @throws InvalidDestinationError for anything else.
 * @public
 */
export function parseDestination(destination: string): ArchiveDestination {
  const { bucket, rawPrefix } = splitS3(destination);
  if (!BUCKET_PATTERN.test(bucket)) {
    throw new InvalidDestinationError(
      destination,
      `"${bucket}" is not a valid bucket name`,
    );
  }
  if (
    [...rawPrefix].some(
      ch => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f,
    )
  ) {
    throw new InvalidDestinationError(
      destination,
      'the prefix contains control characters',
    );
  }
  // Like barman-cloud: strip the leading slashes only, then join with the serverName the
  // way Python's os.path.join does (no doubled slash when the prefix already ends in one).
  const prefix = rawPrefix.replace(/^\/+/, '');
  if (prefix.split('/').some(segment => segment === '.' || segment === '..')) {
    throw new InvalidDestinationError(
      destination,
      'the prefix must not contain "." or ".." segments',
    );
  }
  return {
    destination,
    bucket,
    keyPrefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
  };
}

/**
 * The bucket and the prefix WITHOUT leading or trailing slashes, as `ArchiveTarget.bucket` and
 * `ArchiveTarget.prefix` show them (`s3://b/a/b/` → `{ bucket: 'b', prefix: 'a/b' }`). Same
 * scheme rule and split as {@link parseDestination}, but the bucket name and the prefix segments
 * are NOT judged here: the status shows what the Cluster declares, and reading the archive
 * (which parses with {@link parseDestination}) names what is wrong with it.
 * @throws InvalidDestinationError when it is not `s3://` or has no bucket
 * @public
 */
export function destinationParts(destination: string): {
  bucket: string;
  prefix: string;
} {
  const { bucket, rawPrefix } = splitS3(destination);
  return { bucket, prefix: rawPrefix.replace(/^\/+|\/+$/g, '') };
}

/**
 * A destination path (or endpoint URL) without its trailing slashes, for comparisons and messages.
 * @public
 */
export function withoutTrailingSlashes(path: string): string;
/** @public */
export function withoutTrailingSlashes(
  path: string | undefined,
): string | undefined;
export function withoutTrailingSlashes(
  path: string | undefined,
): string | undefined {
  return path?.replace(/\/+$/, '');
}

/** A stable key of an archive folder (endpoint + destination + serverName). @public */
export function archiveFolderKey(target: {
  endpointURL?: string;
  destinationPath?: string;
  serverName: string;
}): string {
  return `${withoutTrailingSlashes(
    target.endpointURL ?? 'aws',
  )}|${withoutTrailingSlashes(target.destinationPath ?? '')}|${
    target.serverName
  }`;
}
