import {
  detectS3Provider,
  resolveProviderPreset,
  parseS3Provider,
  UnknownS3ProviderError,
} from './providers';
import { resolveS3ClientConfig } from './createS3Client';

describe('detectS3Provider', () => {
  it.each([
    [undefined, 'aws'],
    ['', 'aws'],
    ['https://s3.eu-west-1.amazonaws.com', 'aws'],
    ['https://0123abcd.r2.cloudflarestorage.com', 'r2'],
    ['https://0123abcd.eu.r2.cloudflarestorage.com', 'r2'],
    ['https://fsn1.your-objectstorage.com', 'hetzner'],
    ['https://minio.internal:9000', 'generic'],
    ['http://127.0.0.1:4569', 'generic'],
    ['not a url', 'generic'],
  ])('%s → %s', (endpoint, provider) => {
    expect(detectS3Provider(endpoint)).toBe(provider);
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
      provider: 'generic',
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
