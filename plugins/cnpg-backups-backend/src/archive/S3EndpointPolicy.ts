/*
 * Which S3 endpoints the backend may reach, and with which settings.
 *
 * Endpoints come from Cluster/ObjectStore objects, i.e. from whoever can write those objects.
 * Without a policy the backend would make requests (with credentials) to any URL a namespace
 * owner types in, so ONLY endpoints the config allows are contacted; anything else yields a
 * `EndpointNotAllowed` SourceError.
 */
import type { Config } from '@backstage/config';
import type { S3Provider } from '@cnpg-backups/plugin-cnpg-backups-common';
import fs from 'node:fs';
import type { S3EndpointSettings } from '@cnpg-backups/plugin-cnpg-backups-node';

/** The decision for one endpoint. @public */
export type S3EndpointDecision =
  | { allowed: true; settings?: S3EndpointSettings }
  | { allowed: false; reason: string };

/** Thrown/returned as data when an endpoint is not allowed. @public */
export class EndpointNotAllowedError extends Error {
  readonly endpoint: string;
  constructor(endpoint: string, reason: string) {
    super(reason);
    this.name = 'EndpointNotAllowed';
    this.endpoint = endpoint;
  }
}

const AWS = 'aws';

function readCa(
  caData: string | undefined,
  caFile: string | undefined,
): string | undefined {
  if (caData) {
    return caData.includes('-----BEGIN')
      ? caData
      : Buffer.from(caData, 'base64').toString('utf8');
  }
  return caFile ? fs.readFileSync(caFile, 'utf8') : undefined;
}

function normalise(url: string | undefined): string {
  if (!url || url.trim() === '' || url.trim().toLowerCase() === AWS) return AWS;
  try {
    const u = new URL(url.trim());
    return `${u.protocol}//${u.host}${u.pathname.replace(
      /\/+$/,
      '',
    )}`.toLowerCase();
  } catch {
    return url.trim().replace(/\/+$/, '').toLowerCase();
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Matches an allow-list entry: exact URL, `aws`, a host (`minio.internal:9000`) or `*.domain`. */
function entryMatches(entry: string, endpoint: string): boolean {
  const e = entry.trim().toLowerCase();
  if (e === '*') return true;
  if (e === AWS) return endpoint === AWS;
  if (endpoint === AWS) return false;
  if (normalise(e) === endpoint) return true;
  const host = hostOf(endpoint);
  if (!host) return false;
  const hostname = host.replace(/:\d+$/, '');
  if (e.startsWith('*.')) {
    const suffix = e.slice(1);
    return hostname.endsWith(suffix) || host.endsWith(suffix);
  }
  return e === host || e === hostname;
}

/**
 * The endpoint policy: `cnpgBackups.s3.allowedEndpoints` plus every `cnpgBackups.s3.endpoints[]`
 * entry (and endpoints registered at runtime, e.g. by the demo).
 * @public
 */
export class S3EndpointPolicy {
  readonly #allowed: string[];
  readonly #endpoints = new Map<string, S3EndpointSettings>();

  static fromConfig(config: Config): S3EndpointPolicy {
    const s3 = config.getOptionalConfig('cnpgBackups.s3');
    const endpoints: S3EndpointSettings[] = [];
    for (const e of s3?.getOptionalConfigArray('endpoints') ?? []) {
      const caFile = e.getOptionalString('caFile');
      const caData = e.getOptionalString('caData');
      const accessKeyId = e.getOptionalString('credentials.accessKeyId');
      const secretAccessKey = e.getOptionalString(
        'credentials.secretAccessKey',
      );
      endpoints.push({
        url: e.getString('url'),
        connectUrl: e.getOptionalString('connectUrl'),
        provider: e.getOptionalString('provider') as S3Provider | undefined,
        region: e.getOptionalString('region'),
        caPem: readCa(caData, caFile),
        credentials:
          accessKeyId && secretAccessKey
            ? {
                accessKeyId,
                secretAccessKey,
                sessionToken: e.getOptionalString('credentials.sessionToken'),
              }
            : undefined,
      });
    }
    return new S3EndpointPolicy({
      allowedEndpoints: s3?.getOptionalStringArray('allowedEndpoints') ?? [],
      endpoints,
    });
  }

  constructor(options: {
    allowedEndpoints: string[];
    endpoints?: S3EndpointSettings[];
  }) {
    this.#allowed = [...options.allowedEndpoints];
    for (const e of options.endpoints ?? []) this.register(e);
  }

  /** Adds (or replaces) a configured endpoint; it becomes allowed. */
  register(settings: S3EndpointSettings): void {
    this.#endpoints.set(normalise(settings.url), settings);
  }

  /** Decides whether `endpointURL` (undefined = AWS) may be contacted. */
  decide(endpointURL: string | undefined): S3EndpointDecision {
    const key = normalise(endpointURL);
    const settings = this.#endpoints.get(key);
    if (settings) return { allowed: true, settings };
    if (this.#allowed.some(entry => entryMatches(entry, key)))
      return { allowed: true };
    return {
      allowed: false,
      reason: `S3 endpoint ${
        endpointURL ?? 'AWS S3'
      } is not allowed by cnpgBackups.s3.allowedEndpoints (add ${
        endpointURL ? `"${hostOf(endpointURL) ?? endpointURL}"` : '"aws"'
      } or an endpoints[] entry to let the backend read it)`,
    };
  }
}
