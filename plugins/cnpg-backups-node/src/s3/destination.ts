/**
 * Parsing of Barman destination paths (`s3://bucket/prefix`).
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

/**
 * Parses `s3://bucket/prefix` the way barman-cloud does: the prefix loses its leading slash
 * and may be empty or several levels deep.
 *
 * @throws InvalidDestinationError for anything else.
 * @public
 */
export function parseDestination(destination: string): ArchiveDestination {
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
    throw new InvalidDestinationError(destination, 'the bucket name is missing');
  }
  if (!BUCKET_PATTERN.test(bucket)) {
    throw new InvalidDestinationError(
      destination,
      `"${bucket}" is not a valid bucket name`,
    );
  }
  if ([...rawPrefix].some(ch => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
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
 * Validates a serverName as a single folder name under the destination prefix.
 *
 * @throws InvalidDestinationError when it is empty or contains a slash.
 * @public
 */
export function assertServerName(destination: string, serverName: string) {
  if (typeof serverName !== 'string' || serverName.trim() === '') {
    throw new InvalidDestinationError(destination, 'the serverName is empty');
  }
  if (serverName.includes('/')) {
    throw new InvalidDestinationError(
      destination,
      `serverName "${serverName}" must be a single folder name (no "/")`,
    );
  }
}
