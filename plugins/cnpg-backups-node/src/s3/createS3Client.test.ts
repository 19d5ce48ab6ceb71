import {
  ListObjectsV2Command,
  GetObjectCommand,
  HeadObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  DeleteObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  createS3Client,
  resolveRequestTimeBudget,
  S3RequestCounter,
} from './createS3Client';
import { ReadOnlyViolationError, toS3AccessError } from './errors';
import {
  startS3rver,
  S3rverHarness,
  S3RVER_CREDENTIALS,
} from './__testUtils__/s3rverHarness';
import { startFaultProxy, FaultProxy } from './__testUtils__/faultProxy';

const BUCKET = 'cnpg-client-test';

describe('createS3Client against a real S3 server (s3rver)', () => {
  let harness: S3rverHarness;
  let proxy: FaultProxy;

  beforeAll(async () => {
    harness = await startS3rver({ buckets: [BUCKET] });
    proxy = await startFaultProxy({ upstreamPort: harness.port });
    await harness.put(BUCKET, 'demo/keep.txt', 'hello');
  });
  afterAll(async () => {
    await proxy.close();
    await harness.close();
  });
  beforeEach(() => proxy.setRules([]));

  function client(options: Partial<Parameters<typeof createS3Client>[0]> = {}) {
    return createS3Client({
      endpoint: proxy.endpoint,
      credentials: S3RVER_CREDENTIALS,
      retryBaseDelayMs: 1,
      requestTimeoutMs: 1_000,
      ...options,
    });
  }

  it('reads with List, Get, Head and HeadBucket', async () => {
    const counter = new S3RequestCounter();
    const s3 = client({ requestCounter: counter });
    const list = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'demo/' }),
    );
    expect(list.Contents?.map(c => c.Key)).toEqual(['demo/keep.txt']);
    const got = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/keep.txt' }),
    );
    expect(await got.Body?.transformToString()).toBe('hello');
    await s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'demo/keep.txt' }),
    );
    await s3.send(new HeadBucketCommand({ Bucket: BUCKET }));
    expect(counter.commands).toBe(4);
    expect(counter.httpRequests).toBe(4);
    expect(counter.byCommand).toEqual({
      ListObjectsV2Command: 1,
      GetObjectCommand: 1,
      HeadObjectCommand: 1,
      HeadBucketCommand: 1,
    });
    s3.destroy();
  });

  it('refuses writes and deletes before any request leaves (read-only guard)', async () => {
    const s3 = client();
    await expect(
      s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'demo/evil.txt',
          Body: 'x',
        }),
      ),
    ).rejects.toThrow(ReadOnlyViolationError);
    await expect(
      s3.send(
        new DeleteObjectCommand({ Bucket: BUCKET, Key: 'demo/keep.txt' }),
      ),
    ).rejects.toMatchObject({
      name: 'ReadOnlyViolationError',
      commandName: 'DeleteObjectCommand',
    });
    expect(proxy.log).toEqual([]);
    // The object is still there and nothing was written.
    const list = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'demo/' }),
    );
    expect(list.Contents?.map(c => c.Key)).toEqual(['demo/keep.txt']);
    s3.destroy();
  });

  it('a client created with readOnly: false can write (so the guard is what blocks)', async () => {
    const s3 = client({ readOnly: false });
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/rw.txt', Body: 'x' }),
    );
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'demo/rw' }),
    );
    expect(listed.Contents?.map(c => c.Key)).toEqual(['demo/rw.txt']);
    await s3.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: 'demo/rw.txt' }),
    );
    s3.destroy();
  });

  async function failure(
    s3: S3Client,
    command = new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'demo/' }),
  ) {
    try {
      await s3.send(command as any);
    } catch (e) {
      return toS3AccessError(e, { bucket: BUCKET, key: 'demo/' });
    }
    throw new Error('expected a failure');
  }

  it('retries 503 SlowDown and then succeeds', async () => {
    const counter = new S3RequestCounter();
    const s3 = client({ requestCounter: counter, maxAttempts: 4 });
    proxy.setRules([
      {
        when: r => r.method === 'GET',
        action: { type: 'status', status: 503, code: 'SlowDown' },
        times: 2,
      },
    ]);
    const list = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'demo/' }),
    );
    expect(list.Contents).toHaveLength(1);
    expect(counter.commands).toBe(1);
    expect(counter.httpRequests).toBe(3);
    s3.destroy();
  });

  it.each([
    [503, 'SlowDown', 'S3Unavailable'],
    [500, 'InternalError', 'S3Unavailable'],
    [502, 'BadGateway', 'S3Unavailable'],
    [403, 'AccessDenied', 'AccessDenied'],
    [404, 'NoSuchBucket', 'NoSuchBucket'],
    [403, 'InvalidAccessKeyId', 'InvalidAccessKeyId'],
    [403, 'SignatureDoesNotMatch', 'SignatureDoesNotMatch'],
  ])('HTTP %i %s (every attempt) → %s', async (status, code, name) => {
    const s3 = client({ maxAttempts: 3 });
    proxy.setRules([
      { when: () => true, action: { type: 'status', status, code } },
    ]);
    const error = await failure(s3);
    expect(error.name).toBe(name);
    expect(error.key).toBe('demo/');
    // 5xx are retried, 4xx are not.
    expect(proxy.log).toHaveLength(status >= 500 ? 3 : 1);
    s3.destroy();
  });

  it('maps a HEAD 403 without a body to AccessDenied', async () => {
    const s3 = client({ maxAttempts: 1 });
    proxy.setRules([
      {
        when: () => true,
        action: { type: 'status', status: 403, code: 'AccessDenied' },
      },
    ]);
    const error = await failure(
      s3,
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'demo/keep.txt' }) as any,
    );
    expect(error.name).toBe('AccessDenied');
    s3.destroy();
  });

  it('maps a request that hangs to S3Timeout', async () => {
    const s3 = client({ maxAttempts: 2, requestTimeoutMs: 400 });
    proxy.setRules([{ when: () => true, action: { type: 'hang' } }]);
    const error = await failure(s3);
    expect(error.name).toBe('S3Timeout');
    expect(proxy.log).toHaveLength(2);
    s3.destroy();
  });

  it('a server that never answers gives S3Timeout within the whole time budget, retries included', async () => {
    // Budget 1.2 s for 4 attempts: without the split, 4 attempts of 1.2 s would take 4.8 s.
    const s3 = client({
      maxAttempts: 4,
      requestTimeoutMs: 1_200,
      retryBaseDelayMs: 250,
    });
    proxy.setRules([{ when: () => true, action: { type: 'hang' } }]);
    const started = Date.now();
    const error = await failure(s3);
    const elapsed = Date.now() - started;
    expect(error.name).toBe('S3Timeout');
    expect(error.message).toMatch(/did not answer in time/);
    expect(proxy.log).toHaveLength(4);
    expect(elapsed).toBeLessThan(1_200 + 400);
    s3.destroy();
  });

  it('maps a connection reset (every attempt) to S3Unreachable', async () => {
    const s3 = client({ maxAttempts: 2 });
    proxy.setRules([{ when: () => true, action: { type: 'reset' } }]);
    const error = await failure(s3);
    expect(error.name).toBe('S3Unreachable');
    s3.destroy();
  });

  it('recovers from one connection reset by retrying', async () => {
    const s3 = client({ maxAttempts: 3 });
    proxy.setRules([{ when: () => true, action: { type: 'reset' }, times: 1 }]);
    const list = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'demo/' }),
    );
    expect(list.Contents).toHaveLength(1);
    s3.destroy();
  });

  it('maps a refused connection to S3Unreachable', async () => {
    const s3 = createS3Client({
      endpoint: 'http://127.0.0.1:1',
      credentials: S3RVER_CREDENTIALS,
      maxAttempts: 1,
    });
    const error = await failure(s3);
    expect(error.name).toBe('S3Unreachable');
    s3.destroy();
  });

  it.each([
    ['truncated XML', { type: 'truncate', bytes: 120 } as const],
    [
      'a non-XML body',
      { type: 'body', body: '<html><body>Gateway says hi' } as const,
    ],
  ])('maps %s to S3InvalidResponse', async (_label, action) => {
    const s3 = client({ maxAttempts: 1 });
    proxy.setRules([{ when: () => true, action }]);
    const error = await failure(s3);
    expect(error.name).toBe('S3InvalidResponse');
    s3.destroy();
  });
});

describe('resolveRequestTimeBudget', () => {
  it('the default budget ends a call that never gets an answer within 30 s, retries and backoff included', () => {
    const budget = resolveRequestTimeBudget({});
    expect(budget.budgetMs).toBe(30_000);
    expect(budget.maxAttempts).toBe(4);
    expect(budget.worstCaseMs).toBeLessThanOrEqual(30_000);
    // Each attempt still gets a useful share (a 1,000-key listing on a slow store takes ~1 s).
    expect(budget.attemptTimeoutMs).toBeGreaterThanOrEqual(5_000);
    expect(budget.connectionTimeoutMs).toBe(5_000);
  });

  it.each([
    [{ requestTimeoutMs: 1_000, maxAttempts: 10, retryBaseDelayMs: 5_000 }],
    [{ requestTimeoutMs: 60_000, maxAttempts: 1 }],
    [{ requestTimeoutMs: 5_000, maxAttempts: 3, connectionTimeoutMs: 60_000 }],
  ])('never exceeds the budget it was given: %j', options => {
    const budget = resolveRequestTimeBudget(options);
    expect(budget.worstCaseMs).toBeLessThanOrEqual(options.requestTimeoutMs);
    expect(budget.connectionTimeoutMs).toBeLessThanOrEqual(
      budget.attemptTimeoutMs,
    );
  });
});
