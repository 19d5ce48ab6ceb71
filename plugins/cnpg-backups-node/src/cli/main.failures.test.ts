import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main';
import {
  startS3rver,
  S3rverHarness,
  S3RVER_CREDENTIALS,
  seedBarmanSample,
} from '../s3/__testUtils__/s3rverHarness';
import {
  startFaultProxy,
  FaultProxy,
  FaultRule,
} from '../s3/__testUtils__/faultProxy';

/*
 * Exit code 2 is for "the archive could not be read", exit 1 only for a readable archive
 * with findings. A failure to read must never be reported as an empty archive, and so
 * never come with the advice to take a base backup.
 */
const BUCKET = 'cli-failures';
const DESTINATION = `s3://${BUCKET}/cnpg`;
const BASE_BACKUP_ADVICE = /take a (new )?base backup/i;

async function run(args: string[], env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'cnpg-backups', ...args], {
    stdout: t => {
      stdout += t;
    },
    stderr: t => {
      stderr += t;
    },
    env,
    progress: true,
    progressIntervalMs: 100,
  });
  return { code, stdout, stderr };
}

const creds = {
  AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
};

describe('cnpg-backups inspect never mislabels a failure to read', () => {
  let harness: S3rverHarness;
  let proxy: FaultProxy;

  beforeAll(async () => {
    harness = await startS3rver({ buckets: [BUCKET] });
    proxy = await startFaultProxy({ upstreamPort: harness.port });
    await seedBarmanSample({
      harness,
      bucket: BUCKET,
      keyPrefix: 'cnpg/',
      serverName: 'pg-demo',
      sizeScale: 0.001,
    });
  }, 60_000);
  afterAll(async () => {
    await proxy.close();
    await harness.close();
  });

  function expectReadFailure(
    result: { code: number; stdout: string; stderr: string },
    name: RegExp,
  ) {
    expect(result.stderr).toMatch(name);
    expect(result.stderr).not.toMatch(BASE_BACKUP_ADVICE);
    expect(result.stdout).not.toMatch(BASE_BACKUP_ADVICE);
    expect(result.stdout).not.toMatch(/no-done-backup|no base backup/);
    expect(result.code).toBe(2);
  }

  const viaProxy = (rules: FaultRule[], extra: string[] = []) => {
    proxy.setRules(rules);
    return [
      '--endpoint',
      proxy.endpoint,
      '--max-attempts',
      '2',
      '--request-timeout',
      '3000',
      ...extra,
    ];
  };
  const everything = () => true;

  it('baseline through the proxy: the readable archive exits 0', async () => {
    const result = await run(
      [
        'inspect',
        '--destination',
        DESTINATION,
        '--server-name',
        'pg-demo',
        ...viaProxy([]),
      ],
      creds,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it.each([
    ['500 InternalError', 500, 'InternalError'],
    ['503 SlowDown', 503, 'SlowDown'],
  ])(
    '%s on every request with --server-name → exit 2, S3Unavailable',
    async (_label, status, code) => {
      for (const format of ['text', 'json']) {
        const result = await run(
          [
            'inspect',
            '--destination',
            DESTINATION,
            '--server-name',
            'pg-demo',
            '--format',
            format,
            ...viaProxy([
              { when: everything, action: { type: 'status', status, code } },
            ]),
          ],
          creds,
        );
        expectReadFailure(result, /S3Unavailable/);
        expect(result.stderr).toContain(code);
      }
    },
  );

  it('503 SlowDown only on wals/ (base/ readable) → still exit 2, not a WAL-gap finding', async () => {
    const result = await run(
      [
        'inspect',
        '--destination',
        DESTINATION,
        '--server-name',
        'pg-demo',
        ...viaProxy([
          {
            when: r => (r.query.get('prefix') ?? '').endsWith('/wals/'),
            action: { type: 'status', status: 503, code: 'SlowDown' },
          },
        ]),
      ],
      creds,
    );
    expectReadFailure(result, /S3Unavailable/);
  });

  it('403 AccessDenied → exit 2 with AccessDenied, with and without --server-name', async () => {
    const rules: FaultRule[] = [
      {
        when: everything,
        action: { type: 'status', status: 403, code: 'AccessDenied' },
      },
    ];
    expectReadFailure(
      await run(
        [
          'inspect',
          '--destination',
          DESTINATION,
          '--server-name',
          'pg-demo',
          ...viaProxy(rules),
        ],
        creds,
      ),
      /AccessDenied/,
    );
    expectReadFailure(
      await run(
        ['inspect', '--destination', DESTINATION, ...viaProxy(rules)],
        creds,
      ),
      /AccessDenied/,
    );
  });

  it('NoSuchBucket (real s3rver) → exit 2 with NoSuchBucket', async () => {
    const args = ['--endpoint', harness.endpoint, '--max-attempts', '1'];
    expectReadFailure(
      await run(
        [
          'inspect',
          '--destination',
          's3://no-such-bucket/cnpg',
          '--server-name',
          'pg-demo',
          '--format',
          'json',
          ...args,
        ],
        creds,
      ),
      /NoSuchBucket/,
    );
  });

  it('unreachable endpoint → exit 2 with S3Unreachable, with --server-name', async () => {
    expectReadFailure(
      await run(
        [
          'inspect',
          '--destination',
          DESTINATION,
          '--server-name',
          'pg-demo',
          '--endpoint',
          'http://127.0.0.1:1',
          '--max-attempts',
          '1',
        ],
        creds,
      ),
      /S3Unreachable/,
    );
  });

  it('a server that never answers → exit 2 with S3Timeout, progress on stderr, nothing on stdout', async () => {
    const started = Date.now();
    const result = await run(
      [
        'inspect',
        '--destination',
        DESTINATION,
        '--server-name',
        'pg-demo',
        '--format',
        'json',
        '--endpoint',
        proxy.endpoint,
        '--max-attempts',
        '2',
        '--request-timeout',
        '1500',
      ].concat(
        (proxy.setRules([{ when: everything, action: { type: 'hang' } }]), []),
      ),
      creds,
    );
    expectReadFailure(result, /S3Timeout/);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /cnpg-backups: reading s3:\/\/cli-failures\/cnpg \(pg-demo\): 0 keys listed, \d+ requests, \d+ s, waiting for \d+ answer\(s\) \(last: cnpg\/pg-demo\/(base|wals)\/\)/,
    );
    // The whole budget of 1.5 s per request (retries included), with margin for start-up.
    expect(Date.now() - started).toBeLessThan(10_000);

    const quiet = await run(
      [
        'inspect',
        '--destination',
        DESTINATION,
        '--server-name',
        'pg-demo',
        '--endpoint',
        proxy.endpoint,
        '--max-attempts',
        '1',
        '--request-timeout',
        '500',
        '--no-progress',
      ],
      creds,
    );
    expectReadFailure(quiet, /S3Timeout/);
    expect(quiet.stderr).not.toMatch(/reading s3:/);
  }, 20_000);

  describe('missing credentials', () => {
    const saved = { ...process.env };
    let home: string;
    beforeAll(() => {
      home = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-nocreds-'));
      // The SDK's default chain reads the process environment: make it find nothing, fast.
      for (const k of Object.keys(process.env)) {
        if (k.startsWith('AWS_')) delete process.env[k];
      }
      process.env.HOME = home;
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      process.env.AWS_CONFIG_FILE = path.join(home, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(home, 'credentials');
    });
    afterAll(() => {
      for (const k of Object.keys(process.env)) delete process.env[k];
      Object.assign(process.env, saved);
      fs.rmSync(home, { recursive: true, force: true });
    });

    it('no credentials anywhere → exit 2 with S3CredentialsMissing', async () => {
      const env = { HOME: home, AWS_EC2_METADATA_DISABLED: 'true' };
      expectReadFailure(
        await run(
          [
            'inspect',
            '--destination',
            DESTINATION,
            '--server-name',
            'pg-demo',
            '--endpoint',
            harness.endpoint,
            '--max-attempts',
            '1',
          ],
          env,
        ),
        /S3CredentialsMissing/,
      );
      expectReadFailure(
        await run(
          [
            'inspect',
            '--destination',
            DESTINATION,
            '--endpoint',
            harness.endpoint,
            '--max-attempts',
            '1',
          ],
          env,
        ),
        /S3CredentialsMissing/,
      );
    });

    it('only half of the static credentials → exit 2 naming the missing variable', async () => {
      const result = await run(
        [
          'inspect',
          '--destination',
          DESTINATION,
          '--server-name',
          'pg-demo',
          '--endpoint',
          harness.endpoint,
        ],
        { AWS_ACCESS_KEY_ID: 'S3RVER' },
      );
      expectReadFailure(result, /AWS_SECRET_ACCESS_KEY/);
    });
  });
});
