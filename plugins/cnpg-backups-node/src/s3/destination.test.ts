import {
  parseDestination,
  assertServerName,
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

describe('assertServerName', () => {
  it('accepts a folder name', () => {
    expect(() => assertServerName('s3://b/p', 'orders-db')).not.toThrow();
  });
  it.each(['', '  ', 'a/b'])('rejects %j', name => {
    expect(() => assertServerName('s3://b/p', name)).toThrow(
      InvalidDestinationError,
    );
  });
});
