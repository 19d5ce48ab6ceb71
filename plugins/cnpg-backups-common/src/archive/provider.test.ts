import { detectS3Provider, isAwsEndpoint } from './provider';

describe('detectS3Provider (the one provider rule)', () => {
  it.each([
    [undefined, 'aws'],
    ['', 'aws'],
    ['https://s3.eu-west-1.amazonaws.com', 'aws'],
    ['https://s3.cn-north-1.amazonaws.com.cn', 'aws'],
    ['https://bucket.vpce-1.s3.us-east-1.vpce.amazonaws.com', 'aws'],
    ['https://0123abcd.r2.cloudflarestorage.com', 'r2'],
    ['https://0123abcd.eu.r2.cloudflarestorage.com', 'r2'],
    ['https://fsn1.your-objectstorage.com', 'hetzner'],
    ['http://rustfs.rustfs.svc:9000', 'rustfs'],
    ['https://minio.internal:9000', 'minio'],
    ['http://127.0.0.1:4569', 'generic'],
    ['http://10.0.0.1:9000', 'generic'],
    ['not a url', 'generic'],
  ])('%s → %s', (endpoint, provider) => {
    expect(detectS3Provider(endpoint)).toBe(provider);
  });

  it('matches host names on a dot boundary only (fix: "xamazonaws.com" is not AWS)', () => {
    // Before issue 11 the backend's guessProvider used a bare suffix test and called these AWS
    // (and then skipped the checksum diagnosis for them).
    expect(detectS3Provider('https://xamazonaws.com')).toBe('generic');
    expect(detectS3Provider('https://evilamazonaws.com.cn')).toBe('generic');
    expect(
      detectS3Provider('https://notr2.cloudflarestorage.com.example'),
    ).toBe('generic');
    expect(isAwsEndpoint('https://xamazonaws.com')).toBe(false);
  });
});

describe('isAwsEndpoint', () => {
  it('follows detectS3Provider', () => {
    expect(isAwsEndpoint(undefined)).toBe(true);
    expect(isAwsEndpoint('https://s3.amazonaws.com')).toBe(true);
    expect(isAwsEndpoint('https://x.r2.cloudflarestorage.com')).toBe(false);
    expect(isAwsEndpoint('not a url')).toBe(false);
  });
});
