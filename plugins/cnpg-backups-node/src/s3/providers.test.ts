import {
  detectS3Provider,
  resolveProviderPreset,
  parseS3Provider,
  UnknownS3ProviderError,
} from './providers';
import { resolveS3ClientConfig } from './createS3Client';

describe('detectS3Provider (re-exported from -common archive/provider.ts)', () => {
  it('is the -common rule', () => {
    expect(detectS3Provider('https://minio.internal:9000')).toBe('minio');
    expect(detectS3Provider('https://xamazonaws.com')).toBe('generic');
  });
});

describe('resolveProviderPreset', () => {
  it('uses auto for R2 and WHEN_REQUIRED checksums', () => {
    expect(
      resolveProviderPreset({ endpoint: 'https://x.r2.cloudflarestorage.com' }),
    ).toEqual({
      provider: 'r2',
      region: 'auto',
      forcePathStyle: true,
      checksums: 'WHEN_REQUIRED',
    });
  });
  it('takes the Hetzner region from the endpoint host', () => {
    expect(
      resolveProviderPreset({ endpoint: 'https://nbg1.your-objectstorage.com' })
        .region,
    ).toBe('nbg1');
    expect(
      resolveProviderPreset({
        provider: 'hetzner',
        endpoint: 'https://hel1.your-objectstorage.com/',
      }).region,
    ).toBe('hel1');
  });
  it.each(['minio', 'rustfs', 'generic'] as const)(
    '%s: path style, us-east-1, WHEN_REQUIRED',
    provider => {
      expect(resolveProviderPreset({ provider })).toEqual({
        provider,
        region: 'us-east-1',
        forcePathStyle: true,
        checksums: 'WHEN_REQUIRED',
      });
    },
  );
  it('keeps the AWS defaults for AWS', () => {
    expect(resolveProviderPreset({})).toEqual({
      provider: 'aws',
      region: 'us-east-1',
      forcePathStyle: false,
      checksums: 'WHEN_SUPPORTED',
    });
  });
  it('rejects unknown providers by name', () => {
    expect(() => parseS3Provider('ceph')).toThrow(UnknownS3ProviderError);
    expect(parseS3Provider(' MinIO ')).toBe('minio');
  });
});

describe('resolveS3ClientConfig', () => {
  it('applies overrides and never sends flexible checksums to non-AWS stores', () => {
    const config = resolveS3ClientConfig({
      endpoint: 'https://minio.internal:9000',
      region: 'eu-central-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    expect(config).toMatchObject({
      // MinIO is recognised by name; its preset is the generic one (path style, WHEN_REQUIRED).
      provider: 'minio',
      region: 'eu-central-1',
      forcePathStyle: true,
      endpoint: 'https://minio.internal:9000',
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
  });
  it('omits credentials so the default AWS chain is used', () => {
    const config = resolveS3ClientConfig({});
    expect(config).not.toHaveProperty('credentials');
    expect(config).not.toHaveProperty('endpoint');
  });
});
