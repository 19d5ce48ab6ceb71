import { gunzipSync } from 'node:zlib';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  _Object,
} from '@aws-sdk/client-s3';
import {
  buildCatalog,
  parseBackupInfo,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  pruneUnknownFields,
  validateCnpgResource,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import {
  buildDemoDatabases,
  BOTO3_CHECKSUM_ERROR,
  DEMO_SECRET_MARKER,
  UNOWNED_DEMO_CLUSTER,
} from './scenarios';
import { S3rverDiskWriter } from './s3/S3rverDiskWriter';
import { DemoEnvironment, startDemoEnvironment } from './startDemoEnvironment';

jest.setTimeout(120_000);

const NOW = new Date('2026-11-22T10:17:00Z');
const logger = { info: jest.fn(), warn: jest.fn() };

function s3Client(env: DemoEnvironment, credentials = env.s3.credentials) {
  return new S3Client({
    endpoint: env.s3.endpoint,
    region: env.s3.region,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function listAll(
  client: S3Client,
  bucket: string,
  prefix = '',
): Promise<_Object[]> {
  const out: _Object[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ContinuationToken: token,
      }),
    );
    out.push(...(page.Contents ?? []));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

async function getBody(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<Buffer> {
  const res = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key }),
  );
  return Buffer.from(await res.Body!.transformToByteArray());
}

async function kube(
  env: DemoEnvironment,
  method: string,
  p: string,
  body?: unknown,
) {
  const res = await fetch(`${env.kubernetes.url}${p}`, {
    method,
    headers: {
      authorization: `Bearer ${env.kubernetes.token}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('the demo objects as written by the scenarios', () => {
  it("lose no field to pruning except the runbooks' misplaced retentionPolicy", () => {
    const dir = fs.mkdtempSync(
      path.join(
        fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(),
        'demo-prune-',
      ),
    );
    try {
      const dbs = buildDemoDatabases({
        now: NOW,
        writer: new S3rverDiskWriter(dir),
      });
      const dropped: string[] = [];
      for (const obj of dbs.flatMap(d => d.objects)) {
        if (obj.kind === 'Secret') continue;
        const pruned = pruneUnknownFields(obj);
        const walk = (a: any, b: any, p: string) => {
          if (a && typeof a === 'object') {
            for (const k of Object.keys(a)) {
              if (b === undefined || !(k in b))
                dropped.push(
                  `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name} ${p}.${k}`,
                );
              else walk(a[k], b[k], `${p}.${k}`);
            }
          }
        };
        walk(obj, pruned, '');
      }
      expect(dropped).toEqual([
        'ObjectStore ai-system/obot-objectstore .spec.configuration.retentionPolicy',
        'ObjectStore databases/postgres-r2-backup .spec.configuration.retentionPolicy',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each([
  '2026-11-22T00:04:00Z',
  '2026-11-22T02:05:00Z',
  '2026-11-22T03:01:00Z',
  '2026-03-01T23:59:59Z',
])('the demo data at %s', iso => {
  it('is valid and never dated in the future, whatever the time of day', () => {
    const now = new Date(iso);
    const dir = fs.mkdtempSync(
      path.join(
        fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(),
        'demo-time-',
      ),
    );
    try {
      const dbs = buildDemoDatabases({
        now,
        writer: new S3rverDiskWriter(dir),
      });
      const problems: string[] = [];
      const times = (value: unknown, where: string) => {
        if (
          typeof value === 'string' &&
          /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(value) &&
          Date.parse(value) > now.getTime()
        ) {
          if (!where.endsWith('nextScheduleTime'))
            problems.push(`${where} = ${value} is in the future`);
        } else if (value && typeof value === 'object') {
          for (const [k, v] of Object.entries(value)) times(v, `${where}.${k}`);
        }
      };
      for (const obj of dbs.flatMap(d => d.objects)) {
        if (obj.kind === 'Secret') continue;
        const r = validateCnpgResource(obj);
        if (!r.valid)
          problems.push(
            `${obj.kind} ${obj.metadata.name}: ${r.errors.join('; ')}`,
          );
        times(
          obj,
          `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`,
        );
        const created = Date.parse(String(obj.metadata.creationTimestamp));
        const started = Date.parse(
          String((obj.status as any)?.startedAt ?? ''),
        );
        if (obj.kind === 'Backup' && started < created - 60_000)
          problems.push(`${obj.metadata.name} started before it was created`);
        const cluster = dbs
          .flatMap(d => d.objects)
          .find(
            o =>
              o.kind === 'Cluster' &&
              o.metadata.namespace === obj.metadata.namespace &&
              o.metadata.name === (obj.spec as any)?.cluster?.name,
          );
        if (
          obj.kind === 'Backup' &&
          cluster &&
          created < Date.parse(String(cluster.metadata.creationTimestamp))
        ) {
          problems.push(`${obj.metadata.name} is older than its Cluster`);
        }
      }
      for (const a of dbs.flatMap(d => d.archives)) {
        if (a.lastWalAt && a.lastWalAt.getTime() > now.getTime())
          problems.push(`${a.serverName}: WAL in the future`);
      }
      expect(problems).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('startDemoEnvironment', () => {
  let env: DemoEnvironment;
  let client: S3Client;

  beforeAll(async () => {
    env = await startDemoEnvironment({
      logger,
      now: NOW,
      operatorDelays: { startMs: 60_000, completeMs: 60_000 },
      liveWalIntervalMs: 0,
    });
    client = s3Client(env);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('serves the unowned Cluster (no backup configuration) next to the demo databases', async () => {
    const { namespace, name } = UNOWNED_DEMO_CLUSTER;
    const res = await kube(
      env,
      'GET',
      `/apis/postgresql.cnpg.io/v1/namespaces/${namespace}/clusters/${name}`,
    );
    expect(res.status).toBe(200);
    expect(validateCnpgResource(res.body)).toMatchObject({
      valid: true,
      errors: [],
    });
    expect(res.body.spec).not.toHaveProperty('plugins');
    expect(res.body.spec).not.toHaveProperty('backup');
    expect(
      env.databases.map(d => `${d.namespace}/${d.clusterName}`),
    ).not.toContain(`${namespace}/${name}`);
  });

  it('serves every demo database and only valid CNPG objects', async () => {
    expect(env.kubernetes.name).toBe('demo');
    expect(env.databases.map(d => d.entity)).toEqual([
      'obot',
      'platform-postgres',
      'awx',
      'cnpg-main',
      'immich',
      'payments',
    ]);
    let count = 0;
    for (const plural of ['clusters', 'backups', 'scheduledbackups']) {
      const list = await kube(
        env,
        'GET',
        `/apis/postgresql.cnpg.io/v1/${plural}`,
      );
      expect(list.status).toBe(200);
      for (const item of list.body.items) {
        expect({
          name: item.metadata.name,
          ...validateCnpgResource(item),
        }).toMatchObject({ valid: true, errors: [] });
        count++;
      }
    }
    const stores = await kube(
      env,
      'GET',
      '/apis/barmancloud.cnpg.io/v1/objectstores',
    );
    for (const item of stores.body.items)
      expect(validateCnpgResource(item).errors).toEqual([]);
    expect(stores.body.items).toHaveLength(5); // immich uses the legacy in-tree configuration
    expect(count).toBeGreaterThan(100);
    // seed 000: ContinuousArchiving=False with the boto3 message; created after the stale WALs
    const obot = await kube(
      env,
      'GET',
      '/apis/postgresql.cnpg.io/v1/namespaces/ai-system/clusters/obot-postgresql',
    );
    expect(obot.body.status.conditions).toContainEqual(
      expect.objectContaining({
        type: 'ContinuousArchiving',
        status: 'False',
        message: BOTO3_CHECKSUM_ERROR,
      }),
    );
    // the label fallback
    const byLabel = await kube(
      env,
      'GET',
      `/apis/postgresql.cnpg.io/v1/clusters?labelSelector=${encodeURIComponent(
        'backstage.io/kubernetes-id=awx',
      )}`,
    );
    expect(
      byLabel.body.items.map(
        (c: any) => `${c.metadata.namespace}/${c.metadata.name}`,
      ),
    ).toEqual(['postgres/postgres-cluster']);
    // secrets carry distinctive fake values
    const secret = await kube(
      env,
      'GET',
      '/api/v1/namespaces/payments/secrets/payments-backup-s3',
    );
    expect(
      Buffer.from(secret.body.data.ACCESS_SECRET_KEY, 'base64').toString(),
    ).toContain(DEMO_SECRET_MARKER);
    // the API server pruned the misplaced retentionPolicy, the last-applied annotation still shows it
    const r2 = await kube(
      env,
      'GET',
      '/apis/barmancloud.cnpg.io/v1/namespaces/databases/objectstores/postgres-r2-backup',
    );
    expect(r2.body.spec.configuration).not.toHaveProperty('retentionPolicy');
    expect(r2.body.spec).not.toHaveProperty('retentionPolicy');
    expect(
      JSON.parse(
        r2.body.metadata.annotations[
          'kubectl.kubernetes.io/last-applied-configuration'
        ],
      ).spec.configuration.retentionPolicy,
    ).toBe('30d');
    const sb = await kube(
      env,
      'GET',
      '/apis/postgresql.cnpg.io/v1/namespaces/databases/scheduledbackups/postgres-daily-backup',
    );
    expect(sb.body.spec.schedule).toBe('0 0 * * *');
  });

  it('holds Barman-layout archives that the catalog builder reads, with every declared serverName', async () => {
    const expectations: Record<
      string,
      { minBackups: number; diagnosis?: string }
    > = {
      'obot-postgres-backups//obot-postgresql': { minBackups: 1 },
      'homelab-cnpg-backups//postgres-main': { minBackups: 50 },
      'awx-postgres-backups/clusters/postgres-cluster/postgres-cluster': {
        minBackups: 5,
      },
      'awx-postgres-backups/clusters/postgres-cluster/postgres-cluster-recovered':
        { minBackups: 2 },
      'cnpg-backups//cnpg-main': { minBackups: 12, diagnosis: 'wal-gap' },
      'postgres-backups/cnpg/immich/immich-database-v1': { minBackups: 5 },
      'postgres-backups/cnpg/immich/immich-database-v2': { minBackups: 10 },
      'acme-payments-pg-backups/prod/payments-db': { minBackups: 15 },
    };
    for (const [where, expected] of Object.entries(expectations)) {
      const [bucket, ...rest] = where.split('/');
      const serverName = rest.pop()!;
      const prefix = rest.filter(Boolean).join('/');
      const serverPrefix = `${prefix ? `${prefix}/` : ''}${serverName}/`;
      const objects = await listAll(client, bucket, serverPrefix);
      const rel = objects.map(o => ({
        key: o.Key!.slice(serverPrefix.length),
        size: o.Size!,
        lastModified: o.LastModified!.toISOString(),
      }));
      const backupInfos: Record<string, string> = {};
      for (const o of rel.filter(r => r.key.endsWith('/backup.info'))) {
        const text = (
          await getBody(client, bucket, `${serverPrefix}${o.key}`)
        ).toString('utf8');
        expect(() => parseBackupInfo(text)).not.toThrow();
        backupInfos[o.key.split('/')[1]] = text;
      }
      const historyFiles: Record<number, string> = {};
      for (const o of rel.filter(r =>
        /^wals\/[0-9A-F]{8}\.history/.test(r.key),
      )) {
        const body = await getBody(client, bucket, `${serverPrefix}${o.key}`);
        historyFiles[parseInt(o.key.slice(5, 13), 16)] = (
          o.key.endsWith('.gz') ? gunzipSync(body) : body
        ).toString();
      }
      const catalog = buildCatalog({
        destination: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
        serverName,
        objects: rel,
        backupInfos,
        historyFiles,
        now: NOW.toISOString(),
        scan: {
          complete: true,
          errors: [],
          requests: 0,
          durationMs: 0,
          scannedAt: NOW.toISOString(),
          walObjects: 0,
          incremental: false,
        },
      });
      expect({
        where,
        backups: catalog.backups.length >= expected.minBackups,
      }).toEqual({ where, backups: true });
      expect(
        catalog.diagnoses.filter(
          d =>
            d.id === 'invalid-backup-info' || d.id === 'invalid-history-file',
        ),
      ).toEqual([]);
      const hasGap = catalog.diagnoses.some(d => d.id === 'wal-gap');
      expect({ where, walGap: hasGap }).toEqual({
        where,
        walGap: expected.diagnosis === 'wal-gap',
      });
    }
  });

  it('dates objects in the past relative to now, with realistic sizes and extensions', async () => {
    const payments = await listAll(
      client,
      'acme-payments-pg-backups',
      'prod/payments-db/',
    );
    const times = payments.map(o => o.LastModified!.getTime());
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW.getTime());
    expect(NOW.getTime() - Math.max(...times)).toBeLessThan(10 * 60_000); // WALs up to a few minutes ago
    expect(NOW.getTime() - Math.min(...times)).toBeGreaterThan(14 * 86_400_000);
    const wals = payments.filter(
      o => o.Key!.includes('/wals/') && !o.Key!.includes('.backup'),
    );
    expect(wals.length).toBeGreaterThan(2500);
    expect(
      wals.every(o => /\/wals\/[0-9A-F]{16}\/[0-9A-F]{24}\.gz$/.test(o.Key!)),
    ).toBe(true);
    const data = payments.filter(o => o.Key!.endsWith('/data.tar.gz'));
    expect(Math.min(...data.map(o => o.Size!))).toBeGreaterThan(1024 ** 3); // ~4 GB compressed, sparse on disk
    const info = payments.find(o => o.Key!.endsWith('backup.info'))!;
    const dataOf = payments.find(
      o => o.Key === info.Key!.replace('backup.info', 'data.tar.gz'),
    )!;
    expect(info.LastModified!.getTime()).toBeGreaterThanOrEqual(
      dataOf.LastModified!.getTime(),
    ); // backup.info last

    const cnpgMain = await listAll(client, 'cnpg-backups', 'cnpg-main/');
    expect(cnpgMain.some(o => o.Key!.endsWith('.zst'))).toBe(true);
    expect(cnpgMain.some(o => o.Key!.endsWith('/data.tar.snappy'))).toBe(true);
    const r2 = await listAll(client, 'homelab-cnpg-backups', 'postgres-main/');
    expect(r2.some(o => o.Key!.endsWith('.bz2'))).toBe(true);
    expect(r2.some(o => o.Key!.endsWith('/data.tar.bz2'))).toBe(true);

    // seed 000: the stale WALs are older than the re-created Cluster
    const cluster = await kube(
      env,
      'GET',
      '/apis/postgresql.cnpg.io/v1/namespaces/ai-system/clusters/obot-postgresql',
    );
    const created = Date.parse(cluster.body.metadata.creationTimestamp);
    const stale = await listAll(
      client,
      'obot-postgres-backups',
      'obot-postgresql/wals/',
    );
    expect(stale.length).toBeGreaterThan(10);
    expect(stale.every(o => o.LastModified!.getTime() < created)).toBe(true);
  });

  it('accepts the access keys stored in the demo Secrets', async () => {
    const secret = await kube(
      env,
      'GET',
      '/api/v1/namespaces/apps/secrets/cnpg-backup-credentials',
    );
    const decode = (k: string) =>
      Buffer.from(secret.body.data[k], 'base64').toString();
    const withSecret = s3Client(env, {
      accessKeyId: decode('ACCESS_KEY_ID'),
      secretAccessKey: decode('ACCESS_SECRET_KEY'),
    });
    const page = await withSecret.send(
      new ListObjectsV2Command({
        Bucket: 'cnpg-backups',
        Prefix: 'cnpg-main/base/',
        Delimiter: '/',
      }),
    );
    expect(page.CommonPrefixes?.length).toBeGreaterThan(10);
    expect(Object.keys(env.s3.endpointOverrides).sort()).toEqual([
      'aws',
      'http://minio.storage.svc.cluster.local:9000',
      'http://rustfs-svc.storage.svc.cluster.local:9000',
      'http://rustfs.rustfs.svc:9000',
      'https://eca0833f608b5745af030307a99bdbb4.r2.cloudflarestorage.com',
      'https://fsn1.your-objectstorage.com',
    ]);
  });

  it('simulates the operator: a new Backup is started, written to the bucket and completed', async () => {
    const backup = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Backup',
      metadata: { name: 'payments-db-on-demand', namespace: 'payments' },
      spec: {
        cluster: { name: 'payments-db' },
        method: 'plugin',
        pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      },
    };
    expect(
      (
        await kube(
          env,
          'POST',
          '/apis/postgresql.cnpg.io/v1/namespaces/payments/backups',
          backup,
        )
      ).status,
    ).toBe(201);
    await env.advanceOperator();
    const done = await kube(
      env,
      'GET',
      '/apis/postgresql.cnpg.io/v1/namespaces/payments/backups/payments-db-on-demand',
    );
    expect(done.body.status).toMatchObject({
      phase: 'completed',
      method: 'plugin',
      pluginMetadata: {
        pluginName: 'barman-cloud.cloudnative-pg.io',
        version: '0.14.0',
      },
    });
    expect(done.body.status.backupId).toMatch(/^\d{8}T\d{6}$/);
    expect(done.body.status.beginWal).toMatch(/^[0-9A-F]{24}$/);
    expect(validateCnpgResource(done.body).errors).toEqual([]);
    const infoKey = `prod/payments-db/base/${done.body.status.backupId}/backup.info`;
    const info = parseBackupInfo(
      (await getBody(client, 'acme-payments-pg-backups', infoKey)).toString(),
    );
    expect(info.status).toBe('DONE');
    expect(info.beginWal).toBe(done.body.status.beginWal);
    await expect(
      client.send(
        new HeadObjectCommand({
          Bucket: 'acme-payments-pg-backups',
          Key: `prod/payments-db/wals/${info.beginWal!.slice(0, 16)}/${
            info.beginWal
          }.gz`,
        }),
      ),
    ).resolves.toBeDefined();
    const cluster = await kube(
      env,
      'GET',
      '/apis/postgresql.cnpg.io/v1/namespaces/payments/clusters/payments-db',
    );
    expect(cluster.body.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'LastBackupSucceeded', status: 'True' }),
    );
    const store = await kube(
      env,
      'GET',
      '/apis/barmancloud.cnpg.io/v1/namespaces/payments/objectstores/payments-s3',
    );
    expect(
      Date.parse(
        store.body.status.serverRecoveryWindow['payments-db']
          .lastSuccessfulBackupTime,
      ),
    ).toBeGreaterThanOrEqual(NOW.getTime());

    // a store that rejects uploads (seed 000) fails the backup with its error
    const obot = {
      ...backup,
      metadata: { name: 'obot-now', namespace: 'ai-system' },
      spec: { ...backup.spec, cluster: { name: 'obot-postgresql' } },
    };
    await kube(
      env,
      'POST',
      '/apis/postgresql.cnpg.io/v1/namespaces/ai-system/backups',
      obot,
    );
    await env.advanceOperator();
    const failed = await kube(
      env,
      'GET',
      '/apis/postgresql.cnpg.io/v1/namespaces/ai-system/backups/obot-now',
    );
    expect(failed.body.status.phase).toBe('failed');
    expect(failed.body.status.error).toContain(
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD',
    );
  });

  it('runs the operator on its own timers too (legacy in-tree backup)', async () => {
    const quick = await startDemoEnvironment({
      logger,
      operatorDelays: { startMs: 50, completeMs: 100 },
      liveWalIntervalMs: 0,
    });
    try {
      await kube(
        quick,
        'POST',
        '/apis/postgresql.cnpg.io/v1/namespaces/cloudnative-pg/backups',
        {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Backup',
          metadata: { name: 'immich-manual' },
          spec: { cluster: { name: 'immich-database' } },
        },
      );
      let phase: string | undefined;
      for (let i = 0; i < 50 && phase !== 'completed'; i++) {
        await new Promise(r => setTimeout(r, 50));
        phase = (
          await kube(
            quick,
            'GET',
            '/apis/postgresql.cnpg.io/v1/namespaces/cloudnative-pg/backups/immich-manual',
          )
        ).body.status?.phase;
      }
      expect(phase).toBe('completed');
      const b = (
        await kube(
          quick,
          'GET',
          '/apis/postgresql.cnpg.io/v1/namespaces/cloudnative-pg/backups/immich-manual',
        )
      ).body;
      expect(b.status).toMatchObject({
        method: 'barmanObjectStore',
        serverName: 'immich-database-v2',
        destinationPath: 's3://postgres-backups/cnpg/immich',
      });
    } finally {
      await quick.stop();
    }
  });

  it('stop() frees both ports', async () => {
    const other = await startDemoEnvironment({ logger, liveWalIntervalMs: 0 });
    const kPort = Number(new URL(other.kubernetes.url).port);
    const sPort = Number(new URL(other.s3.endpoint).port);
    await other.stop();
    const canConnect = (port: number) =>
      new Promise<boolean>(resolve => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    expect(await canConnect(kPort)).toBe(false);
    expect(await canConnect(sPort)).toBe(false);
    expect(fs.existsSync(other.s3Directory)).toBe(false);
    // stopping another environment leaves this one's Secret access keys registered with s3rver
    const withSecret = s3Client(env, {
      accessKeyId: 'DEMO-SECRET-DO-NOT-LEAK-cnpg-main-access-key-id',
      secretAccessKey: 'DEMO-SECRET-DO-NOT-LEAK-cnpg-main-secret-access-key',
    });
    await expect(
      withSecret.send(
        new ListObjectsV2Command({ Bucket: 'cnpg-backups', MaxKeys: 1 }),
      ),
    ).resolves.toBeDefined();
    const again = await startDemoEnvironment({
      logger,
      kubernetesPort: kPort,
      s3Port: sPort,
      liveWalIntervalMs: 0,
    });
    expect(again.kubernetes.url).toBe(`http://127.0.0.1:${kPort}`);
    await again.stop();
  });
});
