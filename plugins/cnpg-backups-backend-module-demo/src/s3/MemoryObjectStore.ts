/*
 * DEMO / TEST ONLY: the demo's archive objects kept in memory instead of s3rver's on-disk store, with a
 * read-only S3 client over them (ListObjectsV2, GetObject, HeadObject, HeadBucket) that follows S3's listing
 * rules: keys in code-unit order, Prefix, Delimiter (CommonPrefixes count towards MaxKeys), StartAfter,
 * opaque ContinuationToken, MaxKeys (default and cap 1000). It lets tests build the demo and compute every
 * database's status through the real scanner at many instants without starting s3rver each time.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { DiskObject, ObjectWriter } from './S3rverDiskWriter';

type Stored = { body: Buffer; size: number; lastModified: Date };

class S3Error extends Error {
  readonly $metadata: { httpStatusCode: number };
  readonly $fault = 'client';
  constructor(name: string, status: number, message: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

/** In-memory objects + a read-only S3 client over them. */
export class MemoryObjectStore implements ObjectWriter {
  readonly #buckets = new Map<string, Map<string, Stored>>();
  readonly #sorted = new Map<string, string[]>();
  #count = 0;

  get objectCount(): number {
    return this.#count;
  }

  ensureBucket(bucket: string): void {
    if (!this.#buckets.has(bucket)) this.#buckets.set(bucket, new Map());
  }

  put(object: DiskObject): void {
    this.ensureBucket(object.bucket);
    const objects = this.#buckets.get(object.bucket)!;
    const body =
      typeof object.body === 'string'
        ? Buffer.from(object.body, 'utf8')
        : object.body;
    if (!objects.has(object.key)) this.#count += 1;
    objects.set(object.key, {
      body,
      size: Math.max(object.size ?? body.length, body.length),
      // S3 reports LastModified to the second.
      lastModified: new Date(
        Math.floor(object.lastModified.getTime() / 1000) * 1000,
      ),
    });
    this.#sorted.delete(object.bucket);
  }

  delete(bucket: string, key: string): void {
    if (this.#buckets.get(bucket)?.delete(key)) {
      this.#count -= 1;
      this.#sorted.delete(bucket);
    }
  }

  /** Every key of a bucket in S3 order. */
  keys(bucket: string): string[] {
    let keys = this.#sorted.get(bucket);
    if (!keys) {
      // Code-unit order (Array#sort's default), as S3 sorts: UTF-8 byte order equals it for the ASCII keys used here.
      keys = [...(this.#buckets.get(bucket)?.keys() ?? [])].sort();
      this.#sorted.set(bucket, keys);
    }
    return keys;
  }

  #bucket(name: unknown): Map<string, Stored> {
    const bucket =
      typeof name === 'string' ? this.#buckets.get(name) : undefined;
    if (!bucket)
      throw new S3Error(
        'NoSuchBucket',
        404,
        `The specified bucket does not exist: ${String(name)}`,
      );
    return bucket;
  }

  #list(input: Record<string, any>) {
    const objects = this.#bucket(input.Bucket);
    const keys = this.keys(input.Bucket);
    const prefix: string = input.Prefix ?? '';
    const delimiter: string | undefined = input.Delimiter || undefined;
    const maxKeys = Math.min(1000, Math.max(0, input.MaxKeys ?? 1000));
    const after: string = input.ContinuationToken
      ? Buffer.from(String(input.ContinuationToken), 'base64url').toString(
          'utf8',
        )
      : input.StartAfter ?? '';
    // Binary search for the first key >= max(after, prefix); `after` itself is skipped below.
    const from = after > prefix ? after : prefix;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    const contents: Array<{
      Key: string;
      Size: number;
      LastModified: Date;
      ETag: string;
      StorageClass: string;
    }> = [];
    const commonPrefixes: Array<{ Prefix: string }> = [];
    let last: string | undefined;
    let truncated = false;
    for (let i = lo; i < keys.length; i++) {
      const key = keys[i];
      if (!key.startsWith(prefix)) break;
      if (key <= after) continue;
      if (contents.length + commonPrefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      const rest = key.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      if (delimiter && cut >= 0) {
        const common = prefix + rest.slice(0, cut + delimiter.length);
        commonPrefixes.push({ Prefix: common });
        // Skip every key under that common prefix.
        while (i + 1 < keys.length && keys[i + 1].startsWith(common)) i++;
        last = keys[i];
        continue;
      }
      const stored = objects.get(key)!;
      contents.push({
        Key: key,
        Size: stored.size,
        LastModified: stored.lastModified,
        ETag: '"0"',
        StorageClass: 'STANDARD',
      });
      last = key;
    }
    return {
      $metadata: { httpStatusCode: 200 },
      Name: input.Bucket,
      Prefix: prefix,
      Delimiter: delimiter,
      MaxKeys: maxKeys,
      KeyCount: contents.length + commonPrefixes.length,
      IsTruncated: truncated,
      ...(input.ContinuationToken
        ? { ContinuationToken: input.ContinuationToken }
        : {}),
      ...(truncated && last
        ? {
            NextContinuationToken: Buffer.from(last, 'utf8').toString(
              'base64url',
            ),
          }
        : {}),
      ...(contents.length ? { Contents: contents } : {}),
      ...(commonPrefixes.length ? { CommonPrefixes: commonPrefixes } : {}),
    };
  }

  #get(input: Record<string, any>, withBody: boolean) {
    const stored = this.#bucket(input.Bucket).get(input.Key);
    if (!stored)
      throw new S3Error(
        withBody ? 'NoSuchKey' : 'NotFound',
        404,
        `The specified key does not exist: ${input.Key}`,
      );
    // A padded object reads as its body followed by zero bytes (like s3rver's sparse files).
    const bytes = () => {
      const out = new Uint8Array(stored.size);
      out.set(stored.body);
      return out;
    };
    return {
      $metadata: { httpStatusCode: 200 },
      ContentLength: stored.size,
      LastModified: stored.lastModified,
      ETag: '"0"',
      ...(withBody
        ? {
            Body: {
              transformToByteArray: async () => bytes(),
              transformToString: async (encoding?: BufferEncoding) =>
                Buffer.from(bytes()).toString(encoding ?? 'utf8'),
            },
          }
        : {}),
    };
  }

  /** A read-only S3 client over these objects (what the scanner needs of `@aws-sdk/client-s3`). */
  client(): S3Client {
    const send = async (command: {
      constructor: { name: string };
      input: Record<string, any>;
    }) => {
      switch (command.constructor.name) {
        case 'ListObjectsV2Command':
          return this.#list(command.input);
        case 'GetObjectCommand':
          return this.#get(command.input, true);
        case 'HeadObjectCommand':
          return this.#get(command.input, false);
        case 'HeadBucketCommand':
          this.#bucket(command.input.Bucket);
          return { $metadata: { httpStatusCode: 200 } };
        default:
          throw new S3Error(
            'AccessDenied',
            403,
            `MemoryObjectStore is read-only: ${command.constructor.name} refused`,
          );
      }
    };
    return {
      send,
      destroy() {},
      config: {},
      middlewareStack: { add() {}, use() {} },
    } as unknown as S3Client;
  }
}
