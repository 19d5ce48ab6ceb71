import { ConfigReader } from '@backstage/config';
import { S3EndpointPolicy } from './S3EndpointPolicy';

describe('S3EndpointPolicy', () => {
  const policy = S3EndpointPolicy.fromConfig(
    new ConfigReader({
      cnpgBackups: {
        s3: {
          allowedEndpoints: [
            'aws',
            'minio.internal:9000',
            '*.r2.cloudflarestorage.com',
          ],
          endpoints: [
            {
              url: 'http://rustfs.rustfs.svc:9000',
              connectUrl: 'http://127.0.0.1:9000',
              provider: 'rustfs',
              credentials: { accessKeyId: 'ro', secretAccessKey: 'ro-secret' },
            },
          ],
        },
      },
    }),
  );

  it.each([
    [undefined, true],
    ['https://minio.internal:9000', true],
    ['https://minio.internal:9001', false],
    ['https://abc.r2.cloudflarestorage.com', true],
    ['https://evil.example.com', false],
    ['http://169.254.169.254', false],
  ])('%s allowed=%s', (url, allowed) => {
    expect(policy.decide(url).allowed).toBe(allowed);
  });

  it('returns configured endpoint settings, which are implicitly allowed', () => {
    expect(policy.decide('http://rustfs.rustfs.svc:9000/')).toEqual({
      allowed: true,
      settings: expect.objectContaining({
        connectUrl: 'http://127.0.0.1:9000',
        provider: 'rustfs',
        credentials: {
          accessKeyId: 'ro',
          secretAccessKey: 'ro-secret',
          sessionToken: undefined,
        },
      }),
    });
  });

  it('explains a refusal', () => {
    const decision = policy.decide('https://evil.example.com');
    expect(decision).toEqual({
      allowed: false,
      reason: expect.stringMatching(
        /not allowed by cnpgBackups\.s3\.allowedEndpoints.*"evil\.example\.com"/,
      ),
    });
  });

  it('denies everything by default, even AWS', () => {
    const empty = S3EndpointPolicy.fromConfig(new ConfigReader({}));
    expect(empty.decide(undefined).allowed).toBe(false);
    expect(empty.decide('http://minio:9000').allowed).toBe(false);
  });

  it('allows endpoints registered at runtime', () => {
    const p = new S3EndpointPolicy({ allowedEndpoints: [] });
    p.register({
      url: 'http://minio.demo.svc:9000',
      connectUrl: 'http://127.0.0.1:4569',
    });
    expect(p.decide('http://minio.demo.svc:9000').allowed).toBe(true);
  });
});
