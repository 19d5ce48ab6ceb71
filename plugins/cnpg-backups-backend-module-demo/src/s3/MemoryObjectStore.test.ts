import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { MemoryObjectStore } from './MemoryObjectStore';

const at = new Date('2026-12-04T10:00:00.700Z');

function store() {
  const s = new MemoryObjectStore();
  for (const key of [
    'a/base/1/backup.info',
    'a/base/2/backup.info',
    'a/wals/01/w1',
    'a/wals/01/w2',
    'a/wals/02/w3',
    'b/x',
  ]) {
    s.put({ bucket: 'bk', key, body: key, lastModified: at });
  }
  return s;
}

describe('MemoryObjectStore', () => {
  it('lists in key order with paging, StartAfter and second-precision LastModified', async () => {
    const client = store().client();
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page: any = await client.send(
        new ListObjectsV2Command({
          Bucket: 'bk',
          Prefix: 'a/',
          MaxKeys: 2,
          ContinuationToken: token,
        }),
      );
      keys.push(...page.Contents.map((c: any) => c.Key));
      expect(page.Contents[0].LastModified.toISOString()).toBe(
        '2026-12-04T10:00:00.000Z',
      );
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(keys).toEqual([
      'a/base/1/backup.info',
      'a/base/2/backup.info',
      'a/wals/01/w1',
      'a/wals/01/w2',
      'a/wals/02/w3',
    ]);
    const after: any = await client.send(
      new ListObjectsV2Command({
        Bucket: 'bk',
        Prefix: 'a/wals/',
        StartAfter: 'a/wals/01/w1',
      }),
    );
    expect(after.Contents.map((c: any) => c.Key)).toEqual([
      'a/wals/01/w2',
      'a/wals/02/w3',
    ]);
  });

  it('groups common prefixes under a delimiter and pages through them', async () => {
    const client = store().client();
    const first: any = await client.send(
      new ListObjectsV2Command({
        Bucket: 'bk',
        Prefix: 'a/wals/',
        Delimiter: '/',
        MaxKeys: 1,
      }),
    );
    expect(first.CommonPrefixes).toEqual([{ Prefix: 'a/wals/01/' }]);
    expect(first.IsTruncated).toBe(true);
    const second: any = await client.send(
      new ListObjectsV2Command({
        Bucket: 'bk',
        Prefix: 'a/wals/',
        Delimiter: '/',
        MaxKeys: 1,
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    expect(second.CommonPrefixes).toEqual([{ Prefix: 'a/wals/02/' }]);
    expect(second.IsTruncated).toBe(false);
  });

  it('reads bodies padded to their size, reports deletions and missing keys as S3 does, refuses writes', async () => {
    const s = store();
    s.put({
      bucket: 'bk',
      key: 'a/big',
      body: 'xy',
      size: 5,
      lastModified: at,
    });
    const client = s.client();
    const got: any = await client.send(
      new GetObjectCommand({ Bucket: 'bk', Key: 'a/big' }),
    );
    expect([...(await got.Body.transformToByteArray())]).toEqual([
      120, 121, 0, 0, 0,
    ]);
    s.delete('bk', 'a/big');
    expect(s.objectCount).toBe(6);
    await expect(
      client.send(new GetObjectCommand({ Bucket: 'bk', Key: 'a/big' })),
    ).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      client.send(new ListObjectsV2Command({ Bucket: 'nope' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(
      client.send(new PutObjectCommand({ Bucket: 'bk', Key: 'k', Body: 'x' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
