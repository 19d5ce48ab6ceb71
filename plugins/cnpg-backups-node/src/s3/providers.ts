/**
 * Presets for the S3-compatible stores CNPG users archive to.
 */
import {
  detectS3Provider,
  type S3Provider,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** The client settings a provider implies. @public */
export interface S3ProviderPreset {
  provider: S3Provider;
  region: string;
  forcePathStyle: boolean;
  /**
   * Checksum mode. Non-AWS stores get `WHEN_REQUIRED`: since `@aws-sdk/client-s3` 3.729 the
   * default flexible checksums break R2, RustFS, older MinIO, Ceph RGW and s3rver.
   */
  checksums: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
}

/** Every provider name accepted by {@link resolveProviderPreset}. @public */
export const S3_PROVIDERS: readonly S3Provider[] = [
  'aws',
  'r2',
  'hetzner',
  'rustfs',
  'minio',
  'generic',
];

/**
 * Thrown for an unknown provider name.
 * @public
 */
export class UnknownS3ProviderError extends Error {
  readonly name = 'UnknownS3ProviderError';
  constructor(readonly provider: string) {
    super(
      `Unknown S3 provider "${provider}"; expected one of ${S3_PROVIDERS.join(
        ', ',
      )}`,
    );
  }
}

/** Asserts that a string is a known {@link @cnpg-backups/plugin-cnpg-backups-common#S3Provider}. @public */
export function parseS3Provider(value: string): S3Provider {
  const lower = value.trim().toLowerCase();
  if ((S3_PROVIDERS as readonly string[]).includes(lower)) {
    return lower as S3Provider;
  }
  throw new UnknownS3ProviderError(value);
}

function hostOf(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  try {
    return new URL(endpoint).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

// Provider detection has one home: -common archive/provider.ts (re-exported here, public API).
export { detectS3Provider };

/**
 * The settings for a provider. Hetzner's region is the first label of its endpoint host
 * (`https://fsn1.your-objectstorage.com` → `fsn1`); R2 uses `auto`; the others default to
 * `us-east-1`, which is what MinIO, RustFS and most S3-compatible stores expect.
 * @public
 */
export function resolveProviderPreset(options: {
  provider?: S3Provider;
  endpoint?: string;
}): S3ProviderPreset {
  const provider = options.provider ?? detectS3Provider(options.endpoint);
  switch (provider) {
    case 'aws':
      return {
        provider,
        region: 'us-east-1',
        // Virtual-hosted style is the AWS norm; with a custom endpoint (a VPC endpoint or a
        // proxy) keep it too, the SDK handles both.
        forcePathStyle: false,
        checksums: 'WHEN_SUPPORTED',
      };
    case 'r2':
      return {
        provider,
        region: 'auto',
        forcePathStyle: true,
        checksums: 'WHEN_REQUIRED',
      };
    case 'hetzner': {
      const host = hostOf(options.endpoint);
      const label = host?.split('.')[0];
      const region =
        label &&
        host?.endsWith('your-objectstorage.com') &&
        label !== 'your-objectstorage'
          ? label
          : 'fsn1';
      // Hetzner documents virtual-hosted style, but path style works and keeps bucket names
      // with dots usable over TLS.
      return {
        provider,
        region,
        forcePathStyle: true,
        checksums: 'WHEN_REQUIRED',
      };
    }
    case 'rustfs':
    case 'minio':
    case 'generic':
      return {
        provider,
        region: 'us-east-1',
        forcePathStyle: true,
        checksums: 'WHEN_REQUIRED',
      };
    default:
      throw new UnknownS3ProviderError(String(provider));
  }
}
