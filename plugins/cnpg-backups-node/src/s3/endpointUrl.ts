/*
 * S3 endpoint URLs come from cluster objects (`endpointURL` of an ObjectStore or a legacy
 * `barmanObjectStore`) and from the CLI: hostile until checked. A value that is not an
 * http(s) URL is refused with a named error instead of a `TypeError: Invalid URL` from deep
 * inside the SDK.
 */

/**
 * Thrown when an S3 endpoint is not an absolute http(s) URL.
 * @public
 */
export class InvalidEndpointURLError extends Error {
  readonly name = 'InvalidEndpointURL';
  constructor(readonly endpoint: string, reason: string) {
    super(
      `Invalid S3 endpoint URL ${JSON.stringify(
        endpoint,
      )}: ${reason} (expected e.g. https://s3.example.com or http://minio.minio.svc:9000)`,
    );
  }
}

/**
 * Parses an S3 endpoint URL: an absolute `http:` or `https:` URL with a host, no credentials.
 * @throws InvalidEndpointURLError
 * @public
 */
export function parseEndpointURL(endpoint: unknown): URL {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    throw new InvalidEndpointURLError(
      String(endpoint),
      'not a non-empty string',
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new InvalidEndpointURLError(endpoint, 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidEndpointURLError(
      endpoint,
      `scheme ${url.protocol} is not http: or https:`,
    );
  }
  if (!url.hostname) {
    throw new InvalidEndpointURLError(endpoint, 'no host');
  }
  if (url.username || url.password) {
    throw new InvalidEndpointURLError(
      endpoint,
      'credentials do not belong in the URL',
    );
  }
  return url;
}
