import {
  archiveFolderKey,
  destinationParts,
  parseDestination,
  InvalidDestinationError,
} from './destination';

describe('parseDestination', () => {
  it.each([
    ['s3://bucket', 'bucket', ''],
    ['s3://bucket/', 'bucket', ''],
    ['s3://bucket/cnpg', 'bucket', 'cnpg/'],
    ['s3://bucket/cnpg/', 'bucket', 'cnpg/'],
    ['s3://bucket//cnpg', 'bucket', 'cnpg/'],
    ['s3://my-bucket.example/a/b/c', 'my-bucket.example', 'a/b/c/'],
    ['S3://Bucket_1/x', 'Bucket_1', 'x/'],
  ])('parses %s', (destination, bucket, keyPrefix) => {
    expect(parseDestination(destination)).toEqual({
      destination,
      bucket,
      keyPrefix,
    });
  });

  it.each([
    ['', /empty/],
    ['bucket/prefix', /s3:\/\/BUCKET/],
    ['gs://bucket/prefix', /only s3:\/\//],
    ['azure://container/x', /only s3:\/\//],
    ['s3://', /bucket name is missing/],
    ['s3:///prefix', /bucket name is missing/],
    ['s3://b/prefix', /not a valid bucket name/],
    ['s3://bad bucket/x', /not a valid bucket name/],
    ['s3://bucket/a/../b', /"\." or "\.\."/],
    ['s3://bucket/a\nb', /control characters/],
  ])('rejects %j with a named error', (destination, message) => {
    let caught: unknown;
    try {
      parseDestination(destination);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidDestinationError);
    expect((caught as Error).name).toBe('InvalidDestinationError');
    expect((caught as Error).message).toMatch(message);
  });
});

describe('destinationParts', () => {
  it.each([
    ['s3://bucket', 'bucket', ''],
    ['s3://bucket/', 'bucket', ''],
    ['s3://bucket//cnpg//', 'bucket', 'cnpg'],
    ['s3://backups/a/b/c/', 'backups', 'a/b/c'],
  ])(
    '%s → bucket %s, prefix %j (no leading or trailing slash)',
    (d, bucket, prefix) => {
      expect(destinationParts(d)).toEqual({ bucket, prefix });
    },
  );

  it('shares the scheme rule and split of parseDestination, but leaves bucket validity to the reader', () => {
    expect(() => destinationParts('gs://bucket/x')).toThrow(/only s3:\/\//);
    expect(() => destinationParts('s3:///x')).toThrow(/bucket name is missing/);
    expect(destinationParts('s3://x/p')).toEqual({ bucket: 'x', prefix: 'p' });
  });
});

describe('archiveFolderKey', () => {
  it('ignores trailing slashes of the endpoint and the destination', () => {
    expect(
      archiveFolderKey({
        endpointURL: 'http://minio:9000/',
        destinationPath: 's3://b/cnpg/',
        serverName: 'orders',
      }),
    ).toBe(
      archiveFolderKey({
        endpointURL: 'http://minio:9000',
        destinationPath: 's3://b/cnpg',
        serverName: 'orders',
      }),
    );
    expect(archiveFolderKey({ serverName: 'x' })).toBe('aws||x');
  });
});
