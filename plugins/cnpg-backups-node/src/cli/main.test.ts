import { spawn } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import type { BarmanCatalog } from '@cnpg-backups/plugin-cnpg-backups-common';
import { main } from './main';
import type { ServerNamesReport } from './inspect';
import {
  startS3rver,
  S3rverHarness,
  S3RVER_CREDENTIALS,
  seedBarmanSample,
} from '../s3/__testUtils__/s3rverHarness';

const BUCKET = 'cli-backups';

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'cnpg-backups', ...args], {
    stdout: t => {
      stdout += t;
    },
    stderr: t => {
      stderr += t;
    },
    env: {
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      ...env,
    },
  });
  return { code, stdout, stderr };
}

describe('cnpg-backups inspect (end to end against s3rver)', () => {
  let harness: S3rverHarness;
  const endpointArgs = () => [
    '--endpoint',
    harness.endpoint,
    '--max-attempts',
    '1',
    '--request-timeout',
    '2000',
  ];

  beforeAll(async () => {
    harness = await startS3rver({ buckets: [BUCKET] });
    await seedBarmanSample({
      harness,
      bucket: BUCKET,
      keyPrefix: 'cnpg/',
      serverName: 'pg-demo',
      sizeScale: 0.001,
    });
    await seedBarmanSample({
      harness,
      bucket: BUCKET,
      keyPrefix: 'broken/',
      serverName: 'gap-db',
      sizeScale: 0.001,
    });
    // A WAL lost after the first backup: PITR past it is impossible.
    await harness.remove(
      BUCKET,
      'broken/gap-db/wals/0000000100000000/000000010000000000000007.bz2',
    );
    await harness.remove(
      BUCKET,
      'broken/gap-db/wals/0000000100000000/000000010000000000000008.bz2',
    );
  }, 60_000);
  afterAll(async () => harness.close());

  it('prints the catalog JSON contract of one serverName and exits 0 when healthy', async () => {
    const { code, stdout, stderr } = await run([
      'inspect',
      '--destination',
      `s3://${BUCKET}/cnpg`,
      '--server-name',
      'pg-demo',
      '--format',
      'json',
      ...endpointArgs(),
    ]);
    expect(stderr).toBe('');
    const catalog: BarmanCatalog = JSON.parse(stdout);
    expect(catalog.schemaVersion).toBe(1);
    expect(catalog.destination).toBe(`s3://${BUCKET}/cnpg`);
    expect(catalog.serverName).toBe('pg-demo');
    expect(catalog.backups.map(b => b.id)).toEqual([
      '20261121T231912',
      '20261121T231929',
    ]);
    for (const backup of catalog.backups) {
      expect(Object.keys(backup)).toEqual(
        expect.arrayContaining([
          'id',
          'status',
          'beginTime',
          'endTime',
          'beginWal',
          'endWal',
          'beginLsn',
          'endLsn',
          'timeline',
          'storedBytes',
          'dataCompression',
          'restorable',
        ]),
      );
      expect(backup.endTime).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
      );
    }
    expect(catalog.wal.timelines[0]).toMatchObject({
      timeline: 1,
      segmentCount: 11,
      gaps: [],
      historyFile: true,
      partialSegments: [],
    });
    expect(catalog.recoveryWindow).toMatchObject({
      lastRecoverableWal: '00000001000000000000000B',
    });
    expect(Array.isArray(catalog.recoveryWindow.ranges)).toBe(true);
    expect(catalog.diagnoses.filter(d => d.severity === 'error')).toEqual([]);
    expect(catalog.scan.complete).toBe(true);
    expect(code).toBe(0);
  });

  it('prints a readable text report', async () => {
    const { code, stdout } = await run([
      'inspect',
      '--destination',
      `s3://${BUCKET}/cnpg`,
      '--server-name',
      'pg-demo',
      ...endpointArgs(),
    ]);
    expect(code).toBe(0);
    for (const heading of [
      'Barman archive',
      'Recovery window',
      'Backups',
      'WAL timelines',
      'Diagnoses',
    ]) {
      expect(stdout).toContain(`\n${heading}\n`.trimStart());
    }
    expect(stdout).toContain('20261121T231912  first-backup  DONE');
    expect(stdout).toContain(
      'Timeline 1: 11 segment(s) 000000010000000000000001 .. 00000001000000000000000B',
    );
  });

  it('exits 1 when a diagnosis has severity error (a WAL gap after a backup)', async () => {
    const { code, stdout } = await run([
      'inspect',
      '--destination',
      `s3://${BUCKET}/broken`,
      '--server-name',
      'gap-db',
      '--format',
      'json',
      ...endpointArgs(),
    ]);
    const catalog: BarmanCatalog = JSON.parse(stdout);
    expect(catalog.wal.timelines[0].gaps).toEqual([
      {
        firstMissing: '000000010000000000000007',
        lastMissing: '000000010000000000000008',
        count: 2,
      },
    ]);
    expect(catalog.diagnoses.some(d => d.severity === 'error')).toBe(true);
    expect(code).toBe(1);
    const text = await run([
      'inspect',
      '--destination',
      `s3://${BUCKET}/broken`,
      '--server-name',
      'gap-db',
      ...endpointArgs(),
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      'gap: 000000010000000000000007 .. 000000010000000000000008 (2 missing)',
    );
    expect(text.stdout).toMatch(/\[ERROR\] .*\n(.*\n)*\s+fix: /);
  });

  it('lists serverNames with one-line summaries', async () => {
    const { code, stdout } = await run([
      'inspect',
      '--destination',
      `s3://${BUCKET}/cnpg`,
      '--format',
      'json',
      ...endpointArgs(),
    ]);
    const report: ServerNamesReport = JSON.parse(stdout);
    expect(report).toEqual({
      schemaVersion: 1,
      destination: `s3://${BUCKET}/cnpg`,
      serverNames: [
        {
          serverName: 'pg-demo',
          hasBase: true,
          hasWals: true,
          backups: 2,
          lastBackup: {
            id: '20261121T231929',
            endTime: expect.stringMatching(/^2026-11-21T23:19:33\.5\d\dZ$/),
          },
          lastWal: '00000001000000000000000B',
          diagnoses: {
            error: 0,
            warning: expect.any(Number),
            info: expect.any(Number),
          },
          scanComplete: true,
          scanErrors: [],
        },
      ],
    });
    expect(code).toBe(0);
    const text = await run([
      'inspect',
      '--destination',
      `s3://${BUCKET}/broken`,
      ...endpointArgs(),
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/SERVER NAME\s+BACKUPS\s+LAST BACKUP/);
    expect(text.stdout).toMatch(/gap-db\s+2\s+20261121T231929/);
  });

  it.each([
    [['inspect'], /required option '--destination/],
    [
      ['inspect', '--destination', 'not-a-url'],
      /Invalid destination "not-a-url"/,
    ],
    [
      ['inspect', '--destination', `s3://${BUCKET}/cnpg`, '--format', 'yaml'],
      /--format must be json or text/,
    ],
    [
      ['inspect', '--destination', `s3://${BUCKET}/cnpg`, '--provider', 'ceph'],
      /Unknown S3 provider "ceph"/,
    ],
    [
      ['inspect', '--destination', `s3://${BUCKET}/cnpg`, '--concurrency', '0'],
      /--concurrency must be a positive integer/,
    ],
    [
      [
        'inspect',
        '--destination',
        `s3://${BUCKET}/cnpg`,
        '--ca-file',
        '/nonexistent/ca.pem',
      ],
      /Cannot read --ca-file/,
    ],
    [['bogus-command'], /unknown command 'bogus-command'/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const { code, stderr } = await run(args as string[]);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });

  it('names the Cluster given with --cluster in the fixes, else <cluster>, never the serverName', async () => {
    // A Cluster `orders` archiving to serverName `orders-v2`: WAL, no base backup.
    for (const segment of [
      '000000010000000000000001',
      '000000010000000000000002',
    ]) {
      await harness.put(
        BUCKET,
        `renamed/orders-v2/wals/0000000100000000/${segment}.gz`,
        'wal',
      );
    }
    const args = [
      'inspect',
      '--destination',
      `s3://${BUCKET}/renamed`,
      '--server-name',
      'orders-v2',
      '--format',
      'json',
      ...endpointArgs(),
    ];
    const noDoneBackup = (stdout: string) =>
      JSON.parse(stdout).diagnoses.find(
        (d: { id: string }) => d.id === 'no-done-backup',
      );

    const unnamed = await run(args);
    expect(unnamed.code).toBe(1);
    const placeholder = noDoneBackup(unnamed.stdout);
    expect(placeholder.fix).toContain(
      'kubectl cnpg backup <cluster> --method=plugin',
    );
    expect(placeholder.fixSnippet).toContain('Replace <cluster>');
    expect(`${placeholder.fix}${placeholder.fixSnippet}`).not.toContain(
      'backup orders-v2',
    );

    const named = await run([...args, '--cluster', 'orders']);
    expect(named.code).toBe(1);
    const fix = noDoneBackup(named.stdout);
    expect(fix.fix).toContain('kubectl cnpg backup orders --method=plugin');
    expect(fix.fixSnippet).toContain('\n    name: orders\n');
    expect(fix.message).toContain('"orders-v2"');
    const text = await run([
      ...args.filter(a => a !== '--format' && a !== 'json'),
      '--cluster',
      'orders',
    ]);
    expect(text.stdout).toContain('kubectl cnpg backup orders --method=plugin');
    expect(text.stdout).not.toContain('backup orders-v2');
  });

  it('refuses a --cluster that is not a Cluster name, or without --server-name, before any request', async () => {
    const bad = await run([
      'inspect',
      '--destination',
      `s3://${BUCKET}/renamed`,
      '--server-name',
      'orders-v2',
      '--cluster',
      'Orders;rm',
      ...endpointArgs(),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('--cluster must be a Cluster name');
    expect(bad.stderr).toContain('"Orders;rm"');
    const alone = await run([
      'inspect',
      '--destination',
      `s3://${BUCKET}/renamed`,
      '--cluster',
      'orders',
      ...endpointArgs(),
    ]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--cluster needs --server-name');
  });

  it('exits 2 with a clear message when the bucket does not exist', async () => {
    const one = await run([
      'inspect',
      '--destination',
      's3://no-such-bucket/cnpg',
      '--server-name',
      'pg-demo',
      ...endpointArgs(),
    ]);
    expect(one.stderr).toMatch(/NoSuchBucket/);
    expect(one.code).toBe(2);
    const list = await run([
      'inspect',
      '--destination',
      's3://no-such-bucket/cnpg',
      ...endpointArgs(),
    ]);
    expect(list.stderr).toMatch(
      /cannot list s3:\/\/no-such-bucket\/cnpg: NoSuchBucket/,
    );
    expect(list.code).toBe(2);
  });

  it('exits 2 when the endpoint is unreachable or the access key is unknown', async () => {
    const unreachable = await run([
      'inspect',
      '--destination',
      `s3://${BUCKET}/cnpg`,
      '--endpoint',
      'http://127.0.0.1:1',
      '--max-attempts',
      '1',
    ]);
    expect(unreachable.stderr).toMatch(/S3Unreachable/);
    expect(unreachable.code).toBe(2);
    // s3rver knows only the S3RVER access key.
    const denied = await run(
      [
        'inspect',
        '--destination',
        `s3://${BUCKET}/cnpg`,
        '--server-name',
        'pg-demo',
        ...endpointArgs(),
      ],
      { AWS_ACCESS_KEY_ID: 'WRONG', AWS_SECRET_ACCESS_KEY: 'WRONG' },
    );
    expect(denied.stderr).toMatch(/InvalidAccessKeyId|AccessDenied/);
    expect(denied.code).toBe(2);
  });

  it('runs as `node bin/cnpg-backups` (the script behind `yarn cnpg-backups`)', async () => {
    const bin = path.resolve(__dirname, '../../bin/cnpg-backups');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-cli-'));
    const result = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>(resolve => {
      const child = spawn(
        process.execPath,
        [
          bin,
          'inspect',
          '--destination',
          `s3://${BUCKET}/cnpg`,
          '--server-name',
          'pg-demo',
          '--endpoint',
          harness.endpoint,
          '--format',
          'json',
        ],
        {
          cwd: tmp,
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'S3RVER',
            AWS_SECRET_ACCESS_KEY: 'S3RVER',
          },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', d => (stdout += d));
      child.stderr.on('data', d => (stderr += d));
      child.on('close', code => resolve({ code, stdout, stderr }));
    });
    fs.rmSync(tmp, { recursive: true, force: true });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).backups).toHaveLength(2);
    expect(result.code).toBe(0);
  }, 30_000);
});
