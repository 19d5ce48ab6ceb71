import { createS3Client, resolveS3ClientConfig } from './createS3Client';
import { InvalidEndpointURLError, parseEndpointURL } from './endpointUrl';

describe('parseEndpointURL', () => {
  it.each([
    'https://fsn1.your-objectstorage.com',
    'http://minio.minio.svc:9000',
    'http://127.0.0.1:4569/',
    'https://abc.r2.cloudflarestorage.com',
  ])('accepts %s', endpoint => {
    expect(parseEndpointURL(endpoint).protocol).toMatch(/^https?:$/);
  });

  it.each([
    ['not a url', /not a URL/],
    ['minio:9000', /scheme minio: is not http: or https:/],
    ['ftp://minio:21', /scheme ftp:/],
    ['http://', /not a URL/],
    ['https://user:secret@s3.example.com', /credentials do not belong/],
    ['', /not a non-empty string/],
    [42, /not a non-empty string/],
  ])('refuses %p with a named error', (endpoint, reason) => {
    expect(() => parseEndpointURL(endpoint)).toThrow(InvalidEndpointURLError);
    expect(() => parseEndpointURL(endpoint)).toThrow(reason);
    expect(() => parseEndpointURL(endpoint)).toThrow(
      expect.objectContaining({ name: 'InvalidEndpointURL' }),
    );
  });
});

describe('createS3Client with an endpoint that is not a URL', () => {
  it('throws InvalidEndpointURL, never TypeError: Invalid URL', async () => {
    expect(() => createS3Client({ endpoint: 'not a url' })).toThrow(
      InvalidEndpointURLError,
    );
    expect(() => resolveS3ClientConfig({ endpoint: 'minio.svc:9000' })).toThrow(
      'Invalid S3 endpoint URL "minio.svc:9000"',
    );
    // No endpoint at all still means AWS.
    expect(() => createS3Client({})).not.toThrow();
  });
});
