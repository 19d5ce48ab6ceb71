/*
 * Which S3-compatible store an endpoint URL points at. One rule for the archive target shown on
 * the card, the S3 client presets and the diagnoses: host names match on a dot boundary, RustFS
 * and MinIO are recognised by name, no endpoint means AWS, an unparsable URL is `generic`.
 */
import type { S3Provider } from '../status/types';

function hostOf(endpoint: string): string | undefined {
  try {
    return new URL(endpoint).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function isHostUnder(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * Guesses the provider from the endpoint URL.
 * @public
 */
export function detectS3Provider(endpoint?: string): S3Provider {
  if (endpoint === undefined || endpoint.trim() === '') return 'aws';
  const host = hostOf(endpoint.trim());
  if (!host) return 'generic';
  if (
    isHostUnder(host, 'amazonaws.com') ||
    isHostUnder(host, 'amazonaws.com.cn')
  ) {
    return 'aws';
  }
  if (isHostUnder(host, 'r2.cloudflarestorage.com')) return 'r2';
  if (isHostUnder(host, 'your-objectstorage.com')) return 'hetzner';
  if (host.includes('rustfs')) return 'rustfs';
  if (host.includes('minio')) return 'minio';
  return 'generic';
}

/** True when the endpoint is AWS S3 itself (no endpoint = AWS). @public */
export function isAwsEndpoint(endpoint: string | undefined): boolean {
  return detectS3Provider(endpoint) === 'aws';
}
