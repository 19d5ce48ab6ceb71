/*
 * Catalog benchmark: our S3 scanner vs. barman's own tools on the same bucket.
 *
 *   yarn bench:catalog            (= node -r @backstage/cli/config/nodeTransform.cjs bench/catalog.ts)
 *   yarn bench:catalog --parts scan,incremental --runs 1      (a subset, for quick iterations)
 *
 * Needs `--openssl-legacy-provider` in NODE_OPTIONS (scripts/bootstrap.sh sets it) and, for the barman
 * figures, `scripts/ensure-apt.sh postgresql-15 barman-cli-cloud`. See bench/README.md for what each
 * figure means and the targets. Env: CNPG_BENCH_RESEED=1 rebuilds the seeded s3rver store.
 */
import { spawn, ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import {
  BarmanArchiveScanner,
  createS3Client,
  S3RequestCounter,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import {
  BarmanCloud,
  findRealBarmanTools,
  findFreePort,
  S3RVER_CREDENTIALS,
} from '@cnpg-backups/plugin-cnpg-backups-node/testUtils';
import {
  BACKUPS,
  BUCKET,
  DESTINATION,
  FakeS3,
  PREFIX,
  hashDirOf,
  syntheticBackups,
  walKey,
} from './catalogSynthetic';

const ROOT = resolve(__dirname, '..');
const SEED_VERSION = 'bench-seed-v1';
const CACHE_DIR = join(ROOT, '.cache', 'bench', SEED_VERSION);
const DATASETS = [
  { serverName: 'wal-1k', wal: 1_000 },
  { serverName: 'wal-10k', wal: 10_000 },
  { serverName: 'wal-100k', wal: 100_000 },
] as const;
const MAIN = DATASETS[2];
const INCREMENTAL_NEW_WALS = 500;
const RSS_KEYS = 1_000_000;
const args = process.argv.slice(2);
const argValue = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const RUNS = Number(argValue('--runs') ?? 3);
/**
 * Target of our client's CPU per 1,000 keys listed (SDK, HTTP, XML parsing and catalog; the
 * server's CPU excluded, measured from /proc): at most 40 ms, i.e. 4 s of CPU for 100k WAL keys,
 * so the client is never what makes a scan slow: a real store answers a 1,000-key page in
 * 30-100 ms, and 8 listings in flight bring about 100 pages per second at most.
 */
const CPU_PER_1K_TARGET_MS = 40;
const ALL_PARTS = [
  'scan',
  'barman',
  'reference',
  'incremental',
  'scaling',
  'concurrency',
  'latency',
  'rss',
];
const PARTS = new Set((argValue('--parts') ?? ALL_PARTS.join(',')).split(','));

/**
 * Request lower bounds. `flat`: what any scanner must send, one listing of `base/` and of `wals/`
 * at 1,000 keys per page plus one GET per backup.info. `perPrefix`: the same when every hash
 * directory is listed on its own (the previous design), for comparison.
 */
function requestLowerBound(walCount: number) {
  const perDir = new Map<string, number>();
  for (let i = 1; i <= walCount; i++)
    perDir.set(hashDirOf(i), (perDir.get(hashDirOf(i)) ?? 0) + 1);
  const baseKeys = BACKUPS * 2;
  const perPrefix =
    Math.ceil(baseKeys / 1000) + // base/
    Math.ceil(perDir.size / 1000) + // wals/ with delimiter: the hash directories
    [...perDir.values()].reduce((sum, n) => sum + Math.ceil(n / 1000), 0) + // each hash directory
    BACKUPS; // one GET per backup.info
  const flat =
    Math.ceil(baseKeys / 1000) + Math.ceil(walCount / 1000) + BACKUPS;
  return { perPrefix, flat, hashDirs: perDir.size };
}

// ------------------------------------------------------------------------------------------------
// s3rver in its own process (so its CPU does not share our event loop, as a real S3 would not).

interface S3rverProcess {
  endpoint: string;
  client: S3Client;
  /** CPU time (user + system) the s3rver process used so far, from /proc (NaN elsewhere). */
  cpuMs(): number;
  stop(): Promise<void>;
}

function processCpuMs(pid: number | undefined): number {
  try {
    const stat = require('node:fs').readFileSync(
      `/proc/${pid}/stat`,
      'utf8',
    ) as string;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

async function startS3rverProcess(directory: string): Promise<S3rverProcess> {
  mkdirSync(directory, { recursive: true });
  const port = await findFreePort();
  const bin = require.resolve('s3rver/bin/s3rver.js', {
    paths: [join(ROOT, 'plugins', 'cnpg-backups-node')],
  });
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      bin,
      '-d',
      directory,
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '--silent',
      '--configure-bucket',
      BUCKET,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  let stderr = '';
  child.stderr!.on('data', d => (stderr += d));
  const endpoint = `http://127.0.0.1:${port}`;
  // Writable, with retries: s3rver closes idle keep-alive sockets after 5 s, and a reused one then
  // fails with "socket hang up".
  const client = createS3Client({
    endpoint,
    credentials: { ...S3RVER_CREDENTIALS },
    readOnly: false,
    maxAttempts: 6,
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 }),
      );
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `s3rver did not start: ${(error as Error).message}\n${stderr}`,
        );
      }
      await new Promise(r => setTimeout(r, 100));
    }
  }
  return {
    endpoint,
    client,
    cpuMs: () => processCpuMs(child.pid),
    async stop() {
      client.destroy();
      if (child.exitCode === null) {
        const exited = new Promise(r => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

async function putAll(
  client: S3Client,
  objects: Iterable<{ key: string; body: string }>,
  concurrency = 32,
) {
  const limit = pLimit(concurrency);
  const pending: Promise<unknown>[] = [];
  let done = 0;
  for (const o of objects) {
    pending.push(
      limit(async () => {
        await client.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: o.key, Body: o.body }),
        );
        done++;
        if (done % 10_000 === 0)
          process.stderr.write(`  seeded ${done} objects\n`);
      }),
    );
    // Keep the queue bounded in memory.
    if (pending.length >= 5_000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

function* datasetObjects(serverName: string, walCount: number, fromIndex = 1) {
  for (let i = fromIndex; i <= walCount; i++)
    yield { key: walKey(serverName, i), body: `wal ${i}` };
}

function* backupObjects(serverName: string, walCount: number) {
  for (const b of syntheticBackups(walCount)) {
    yield {
      key: `${PREFIX}/${serverName}/base/${b.id}/backup.info`,
      body: b.info,
    };
    yield {
      key: `${PREFIX}/${serverName}/base/${b.id}/data.tar.gz`,
      body: 'tiny data tarball',
    };
  }
}

function incrementalKeys() {
  return datasetObjects(
    MAIN.serverName,
    MAIN.wal + INCREMENTAL_NEW_WALS,
    MAIN.wal + 1,
  );
}

async function deleteAll(client: S3Client, objects: Array<{ key: string }>) {
  const limit = pLimit(16);
  await Promise.all(
    objects.map(o =>
      limit(() =>
        client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: o.key })),
      ),
    ),
  );
}

/** Seeds (or reuses) the s3rver store; returns the running server. */
async function seededS3rver(): Promise<{
  server: S3rverProcess;
  seedMs?: number;
}> {
  const marker = join(CACHE_DIR, 'seeded.json');
  const store = join(CACHE_DIR, 's3rver');
  if (process.env.CNPG_BENCH_RESEED === '1' || !existsSync(marker)) {
    rmSync(CACHE_DIR, { recursive: true, force: true });
    mkdirSync(store, { recursive: true });
    const server = await startS3rverProcess(store);
    const t0 = Date.now();
    process.stderr.write(
      `seeding ${DATASETS.map(
        d => `${d.serverName} (${d.wal} WAL + ${BACKUPS} backups)`,
      ).join(', ')} into ${store}\n`,
    );
    for (const d of DATASETS) {
      await putAll(server.client, backupObjects(d.serverName, d.wal));
      await putAll(server.client, datasetObjects(d.serverName, d.wal));
    }
    const seedMs = Date.now() - t0;
    writeFileSync(
      marker,
      JSON.stringify(
        { version: SEED_VERSION, datasets: DATASETS, seedMs },
        null,
        2,
      ),
    );
    return { server, seedMs };
  }
  return { server: await startS3rverProcess(store) };
}

// ------------------------------------------------------------------------------------------------
// Measurements.

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeOurScan(
  server: S3rverProcess,
  serverName: string,
  concurrency?: number,
) {
  const counter = new S3RequestCounter();
  const scanner = BarmanArchiveScanner.create({
    client: createS3Client({
      endpoint: server.endpoint,
      credentials: { ...S3RVER_CREDENTIALS },
      requestCounter: counter,
    }),
    concurrency,
  });
  const serverCpu0 = server.cpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await scanner.scan({ destination: DESTINATION, serverName });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return {
    ms,
    /** CPU time of this (scanner) process during the scan. */
    clientCpuMs: (cpu.user + cpu.system) / 1000,
    /** CPU time of the s3rver process during the scan. */
    serverCpuMs: server.cpuMs() - serverCpu0,
    requests: result.catalog.scan.requests,
    commands: counter.commands,
    result,
    scanner,
    counter,
  };
}

async function timeBarman(barman: BarmanCloud, serverName: string) {
  const t0 = Date.now();
  const list = await barman.backupList(serverName);
  const t1 = Date.now();
  const check = await barman.checkWalArchive(serverName);
  const t2 = Date.now();
  if (list.length !== BACKUPS)
    throw new Error(
      `barman-cloud-backup-list saw ${list.length} backups, expected ${BACKUPS}`,
    );
  if (
    check.exitCode !== 1 ||
    !/Expected empty archive/.test(check.stderr + check.stdout)
  ) {
    throw new Error(
      `barman-cloud-check-wal-archive: unexpected exit ${check.exitCode}: ${check.stderr}`,
    );
  }
  return { listMs: t1 - t0, checkMs: t2 - t1, totalMs: t2 - t0 };
}

/**
 * Reference: what a tool that paginates would have to do with a flat listing: every page of `wals/`,
 * `base/`, then each backup.info one after another (as barman-cloud-backup-list does).
 */
async function timeFlatReference(client: S3Client, serverName: string) {
  const t0 = Date.now();
  let requests = 0;
  let walKeys = 0;
  const listAll = async (prefix: string, onKey: (key: string) => void) => {
    let token: string | undefined;
    do {
      requests++;
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: BUCKET,
          Prefix: prefix,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) onKey(o.Key!);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  };
  await listAll(`${PREFIX}/${serverName}/wals/`, () => walKeys++);
  const infos: string[] = [];
  await listAll(
    `${PREFIX}/${serverName}/base/`,
    key => key.endsWith('/backup.info') && infos.push(key),
  );
  for (const key of infos) {
    requests++;
    const got = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: key }),
    );
    await got.Body!.transformToString();
  }
  return { ms: Date.now() - t0, requests, walKeys };
}

/** How many WAL keys barman 3.4's own listing sees (its list_bucket makes ONE ListObjectsV2 call). */
async function keysSeenByBarman(
  endpoint: string,
  serverName: string,
): Promise<number | undefined> {
  const script = [
    'import sys',
    'from barman.cloud_providers.aws_s3 import S3CloudInterface',
    'from barman.cloud import CloudBackupCatalog',
    `ci = S3CloudInterface(url='${DESTINATION}', endpoint_url='${endpoint}')`,
    `print(len(CloudBackupCatalog(ci, '${serverName}').get_wal_paths()))`,
  ].join('\n');
  return new Promise(resolvePromise => {
    const child = spawn('/usr/bin/python3', ['-c', script], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
        AWS_DEFAULT_REGION: 'us-east-1',
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.on('error', () => resolvePromise(undefined));
    child.on('close', code =>
      resolvePromise(code === 0 ? Number(out.trim()) : undefined),
    );
  });
}

// ------------------------------------------------------------------------------------------------
// Peak RSS child (bench/catalogRssChild.ts): as an esbuild bundle (production-like) or transpiled.

async function bundleRssChild(): Promise<string> {
  // esbuild ships with the Backstage CLI.
  const esbuild = require('esbuild') as typeof import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'cnpg-bench-rss-'));
  const outfile = join(dir, 'catalogRssChild.cjs');
  await esbuild.build({
    entryPoints: [join(__dirname, 'catalogRssChild.ts')],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

function runRssChild(
  mode: 'bundle' | 'transpiled',
  keys: number,
  bundle?: string,
): Promise<Record<string, number | boolean>> {
  const argv =
    mode === 'bundle'
      ? [bundle!, String(keys)]
      : [
          '-r',
          '@backstage/cli/config/nodeTransform.cjs',
          join(__dirname, 'catalogRssChild.ts'),
          String(keys),
        ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.on('error', reject);
    child.on('close', code => {
      if (code !== 0) reject(new Error(`RSS child exited ${code}: ${out}`));
      else resolvePromise(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

/**
 * What barman's two commands do, done by our client: list `base/`, GET every backup.info (8 in
 * parallel, as the scanner does) and ONE page (1,000 keys) of `wals/`, the only page
 * barman-cloud-check-wal-archive 3.4 reads.
 */
async function timeBarmanWorkEquivalent(
  server: S3rverProcess,
  serverName: string,
) {
  const client = createS3Client({
    endpoint: server.endpoint,
    credentials: { ...S3RVER_CREDENTIALS },
  });
  try {
    const limit = pLimit(8);
    const t0 = Date.now();
    const base = await client.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: `${PREFIX}/${serverName}/base/`,
      }),
    );
    const infos = (base.Contents ?? [])
      .map(o => o.Key!)
      .filter(k => k.endsWith('/backup.info'));
    await Promise.all([
      ...infos.map(Key =>
        limit(async () => {
          const got = await client.send(
            new GetObjectCommand({ Bucket: BUCKET, Key }),
          );
          await got.Body!.transformToString();
        }),
      ),
      limit(() =>
        client.send(
          new ListObjectsV2Command({
            Bucket: BUCKET,
            Prefix: `${PREFIX}/${serverName}/wals/`,
          }),
        ),
      ),
    ]);
    return { ms: Date.now() - t0, requests: 2 + infos.length };
  } finally {
    client.destroy();
  }
}

// ------------------------------------------------------------------------------------------------

async function main() {
  const rows: Array<[string, string, string, string]> = [];
  const verdicts: string[] = [];
  const verdict = (name: string, ok: boolean) => {
    verdicts.push(`${name} ${ok ? 'PASS' : 'FAIL'}`);
    return ok ? 'PASS' : 'FAIL';
  };
  const fmt = (ms: number) =>
    ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
  const progress = (message: string) =>
    process.stderr.write(`[bench] ${message}\n`);
  const results: Record<string, unknown> = {
    parts: [...PARTS],
    runs: RUNS,
  };
  const needsServer = [
    'scan',
    'barman',
    'reference',
    'incremental',
    'scaling',
    'concurrency',
  ].some(p => PARTS.has(p));

  if (needsServer) {
    const tools = PARTS.has('barman') ? await findRealBarmanTools() : undefined;
    const { server, seedMs } = await seededS3rver();
    results.seedMs = seedMs;
    if (seedMs !== undefined)
      progress(
        `seeded the s3rver store in ${fmt(seedMs)}; cached under ${CACHE_DIR}`,
      );
    try {
      // A run killed during the incremental step may have left its 500 extra WAL objects: remove them.
      await deleteAll(server.client, [...incrementalKeys()]);
      // Sanity: the store holds exactly the seeded datasets (wal-100k is checked by every timed scan).
      const check = (
        d: (typeof DATASETS)[number],
        catalog: Awaited<ReturnType<typeof timeOurScan>>['result']['catalog'],
      ) => {
        if (
          catalog.scan.walObjects !== d.wal ||
          catalog.backups.length !== BACKUPS ||
          catalog.backups.some(b => !b.restorable) ||
          !catalog.scan.complete
        ) {
          throw new Error(
            `seeded store is inconsistent for ${d.serverName} (wal ${catalog.scan.walObjects}/${d.wal}, backups ${catalog.backups.length}, complete ${catalog.scan.complete}); rerun with CNPG_BENCH_RESEED=1`,
          );
        }
      };
      for (const d of DATASETS.slice(0, 2)) {
        check(d, (await timeOurScan(server, d.serverName)).result.catalog);
      }
      progress('store verified');

      // 1. Full scan of 100k WAL + 100 backups (median of RUNS).
      const ours: Array<Awaited<ReturnType<typeof timeOurScan>>> = [];
      if (PARTS.has('scan') || PARTS.has('incremental')) {
        for (let i = 0; i < (PARTS.has('scan') ? RUNS : 1); i++) {
          const run = await timeOurScan(server, MAIN.serverName);
          check(MAIN, run.result.catalog);
          ours.push(run);
          progress(
            `ours: ${fmt(run.ms)}, ${run.requests} requests, client CPU ${fmt(
              run.clientCpuMs,
            )}, s3rver CPU ${fmt(run.serverCpuMs)}`,
          );
        }
      }
      const ourMs = ours.length ? median(ours.map(o => o.ms)) : NaN;
      if (PARTS.has('scan')) {
        rows.push([
          `full scan, ${MAIN.wal} WAL + ${BACKUPS} backups (ours, median of ${RUNS})`,
          fmt(ourMs),
          '',
          `client CPU ${fmt(
            median(ours.map(o => o.clientCpuMs)),
          )}, s3rver CPU ${fmt(median(ours.map(o => o.serverCpuMs)))}`,
        ]);
        rows.push([
          '  our time per 1,000 WAL keys',
          fmt(ourMs / (MAIN.wal / 1000)),
          '',
          '',
        ]);
        // Our client's CPU (SDK, HTTP, XML parsing, catalog) per 1,000 keys, s3rver's excluded.
        const cpuPer1k =
          median(ours.map(o => o.clientCpuMs)) / ((MAIN.wal + BACKUPS) / 1000);
        rows.push([
          `client CPU per 1,000 keys, full scan on s3rver (real SDK + XML parsing)`,
          `${cpuPer1k.toFixed(1)} ms`,
          `<= ${CPU_PER_1K_TARGET_MS} ms`,
          verdict('client-cpu', cpuPer1k <= CPU_PER_1K_TARGET_MS),
        ]);
        results.clientCpuPer1kKeysMs = cpuPer1k;
        // Requests vs the lower bound.
        const bound = requestLowerBound(MAIN.wal);
        const requests = ours[0].requests;
        rows.push([
          `S3 requests, full scan (lower bound ${bound.flat}: base/ + ${
            MAIN.wal / 1000
          } wals/ pages + ${BACKUPS} GETs; per-hash-dir design: ${
            bound.perPrefix
          })`,
          String(requests),
          `<= ${Math.floor(bound.flat * 1.05)}`,
          verdict('requests', requests <= bound.flat * 1.05),
        ]);
        Object.assign(results, {
          ourMs: ours.map(o => o.ms),
          clientCpuMs: ours.map(o => o.clientCpuMs),
          serverCpuMs: ours.map(o => o.serverCpuMs),
          requests,
          bound,
        });
      }

      // 2. barman's equivalent, and the same work done by our client.
      if (PARTS.has('barman') && tools) {
        const barman = new BarmanCloud({
          tools,
          endpoint: server.endpoint,
          destination: DESTINATION,
        });
        const theirs: Array<Awaited<ReturnType<typeof timeBarman>>> = [];
        for (let i = 0; i < RUNS; i++)
          theirs.push(await timeBarman(barman, MAIN.serverName));
        progress(`barman: ${theirs.map(t => fmt(t.totalMs)).join(', ')}`);
        const barmanMs = median(theirs.map(t => t.totalMs));
        rows.push([
          `barman-cloud-backup-list + check-wal-archive (median of ${RUNS})`,
          fmt(barmanMs),
          '',
          `list ${fmt(median(theirs.map(t => t.listMs)))} + check ${fmt(
            median(theirs.map(t => t.checkMs)),
          )}`,
        ]);
        const seenByBarman = await keysSeenByBarman(
          server.endpoint,
          MAIN.serverName,
        );
        rows.push([
          '  WAL keys barman 3.4 actually lists (its list_bucket does not paginate)',
          seenByBarman === undefined ? 'n/a' : `${seenByBarman} of ${MAIN.wal}`,
          '',
          '',
        ]);
        const equivalent: number[] = [];
        for (let i = 0; i < RUNS; i++)
          equivalent.push(
            (await timeBarmanWorkEquivalent(server, MAIN.serverName)).ms,
          );
        const equivalentMs = median(equivalent);
        rows.push([
          `  barman's work done by our client: base/ + ${BACKUPS} GETs + 1 wals/ page (median of ${RUNS})`,
          fmt(equivalentMs),
          '',
          `ours / barman for the same work ${(equivalentMs / barmanMs).toFixed(
            3,
          )}`,
        ]);
        if (PARTS.has('scan')) {
          const ratio = ourMs / barmanMs;
          // Informational: s3rver's own CPU (proportional to the files it walks) dominates this
          // ratio, and barman lists 1,000 of the keys. The verdict is the latency model's (part 6).
          rows.push([
            `ratio ours (full ${MAIN.wal}-key scan) / barman (${
              seenByBarman ?? '?'
            } keys), on s3rver (informational: s3rver's CPU dominates)`,
            ratio.toFixed(3),
            '',
            'informational',
          ]);
          results.ratio = ratio;
        }
        Object.assign(results, {
          barman: theirs,
          barmanWalKeysSeen: seenByBarman,
          barmanWorkEquivalentMs: equivalent,
          tools: { barman: tools.barmanVersion },
        });
      }

      if (PARTS.has('reference')) {
        const reference = await timeFlatReference(
          server.client,
          MAIN.serverName,
        );
        rows.push([
          `  reference: one sequential flat listing of wals/ + base/ + sequential GETs (${reference.requests} requests)`,
          fmt(reference.ms),
          '',
          PARTS.has('scan')
            ? `ours / reference ${(ourMs / reference.ms).toFixed(2)}`
            : '',
        ]);
        results.reference = reference;
      }

      // 3. Incremental refresh after 500 new WAL (continuing the sequence, as archiving would).
      if (PARTS.has('incremental')) {
        const { scanner, result, counter } = ours[ours.length - 1];
        const newKeys = [...incrementalKeys()];
        await putAll(server.client, newKeys);
        try {
          const before = counter.commands;
          const t0 = Date.now();
          const refreshed = await scanner.scan({
            destination: DESTINATION,
            serverName: MAIN.serverName,
            previous: result.state,
          });
          const incMs = Date.now() - t0;
          const incRequests = counter.commands - before;
          if (
            refreshed.catalog.scan.walObjects !==
              MAIN.wal + INCREMENTAL_NEW_WALS ||
            !refreshed.catalog.scan.incremental
          ) {
            throw new Error(
              `incremental scan saw ${refreshed.catalog.scan.walObjects} WAL objects`,
            );
          }
          const target = 3 + INCREMENTAL_NEW_WALS / 1000;
          const newDirs = new Set(
            newKeys.map(k => k.key.split('/').slice(-2)[0]),
          ).size;
          rows.push([
            `incremental refresh after ${INCREMENTAL_NEW_WALS} new WAL (spanning ${newDirs} hash dirs), ${fmt(
              incMs,
            )}`,
            String(incRequests),
            `<= ${target}`,
            verdict('incremental', incRequests <= target),
          ]);
          results.incremental = {
            requests: incRequests,
            ms: incMs,
            newHashDirs: newDirs,
          };
        } finally {
          // Leave the cached store exactly as seeded.
          await deleteAll(server.client, newKeys);
        }
        progress(`incremental: ${JSON.stringify(results.incremental)}`);
      }

      // 4. Concurrency: full scans of wal-100k at 4/8/16/32 requests in flight (1 run each).
      if (PARTS.has('concurrency')) {
        const sweep: Record<string, unknown> = {};
        for (const c of [4, 8, 16, 32]) {
          const run = await timeOurScan(server, MAIN.serverName, c);
          check(MAIN, run.result.catalog);
          sweep[c] = {
            ms: run.ms,
            requests: run.requests,
            clientCpuMs: run.clientCpuMs,
            serverCpuMs: run.serverCpuMs,
          };
          rows.push([
            `  concurrency ${c}: full scan of ${MAIN.wal} WAL (1 run)`,
            fmt(run.ms),
            '',
            `${run.requests} requests, client CPU ${fmt(
              run.clientCpuMs,
            )}, s3rver CPU ${fmt(run.serverCpuMs)}`,
          ]);
          progress(`concurrency ${c}: ${fmt(run.ms)}`);
        }
        results.concurrency = sweep;
      }

      // 5. Scaling.
      if (PARTS.has('scaling')) {
        const scaling: Record<string, number> = {};
        for (const d of DATASETS) {
          const times: number[] = [];
          for (let i = 0; i < RUNS; i++)
            times.push((await timeOurScan(server, d.serverName)).ms);
          scaling[d.serverName] = median(times);
          rows.push([
            `scaling: full scan, ${d.wal} WAL + ${BACKUPS} backups (median of ${RUNS})`,
            fmt(median(times)),
            '',
            '',
          ]);
        }
        results.scaling = scaling;
        progress(`scaling: ${JSON.stringify(scaling)}`);
      }
    } finally {
      await server.stop();
    }
  }

  // 6. A latency model of a real S3: every request costs LATENCY_MS whatever its size (on AWS a
  // 1,000-key page costs ~30-100 ms), against the same synthetic 100k-WAL archive in memory.
  // barman's two commands send their requests one after another: backup-list lists base/ and
  // GETs each backup.info in turn; check-wal-archive sends one listing.
  if (PARTS.has('latency')) {
    const LATENCY_MS = 50;
    const fake = new FakeS3(
      'latency',
      MAIN.wal,
      syntheticBackups(MAIN.wal),
      LATENCY_MS,
    );
    const scanner = BarmanArchiveScanner.create({
      client: fake as unknown as S3Client,
    });
    const runs: Array<{ ms: number; cpuMs: number }> = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = Date.now();
      const cpu0 = process.cpuUsage();
      const { catalog } = await scanner.scan({
        destination: DESTINATION,
        serverName: 'latency',
      });
      const cpu = process.cpuUsage(cpu0);
      runs.push({ ms: Date.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 });
      if (catalog.scan.walObjects !== MAIN.wal || !catalog.scan.complete)
        throw new Error('latency model: incomplete scan');
    }
    const ms = median(runs.map(r => r.ms));
    const cpuMs = median(runs.map(r => r.cpuMs));
    const requests = fake.requests / RUNS;
    // barman's two commands at the same latency: backup-list lists base/ and GETs each
    // backup.info one after another; check-wal-archive sends one listing.
    const barmanRequests = 1 + BACKUPS + 1;
    const barmanModelMs = barmanRequests * LATENCY_MS;
    const ratio = ms / barmanModelMs;
    rows.push([
      `model, ${LATENCY_MS} ms per request: our full scan of ${MAIN.wal} WAL + ${BACKUPS} backups (${requests} requests, median of ${RUNS})`,
      fmt(ms),
      '',
      `barman's ${barmanRequests} sequential requests at the same latency: ${fmt(
        barmanModelMs,
      )} (+ Python start-up, not counted)`,
    ]);
    rows.push([
      `ratio ours / barman's requests, same ${LATENCY_MS} ms latency`,
      ratio.toFixed(3),
      '<= 0.25',
      verdict('latency-ratio', ratio <= 0.25),
    ]);
    rows.push([
      `  client CPU per 1,000 keys in the model (no HTTP/XML: the fake answers objects)`,
      `${(cpuMs / ((MAIN.wal + BACKUPS) / 1000)).toFixed(1)} ms`,
      '',
      '',
    ]);
    results.latencyModel = {
      latencyMs: LATENCY_MS,
      ourMs: runs.map(r => r.ms),
      cpuMs: runs.map(r => r.cpuMs),
      requests,
      barmanRequests,
      barmanModelMs,
      ratio,
    };
    results.latencyRatio = ratio;
    progress(`latency model: ${fmt(ms)} (ratio ${ratio.toFixed(3)})`);
  }

  // 7. Peak RSS, 1M keys, in a child process: bundled (primary) and transpiled (secondary).
  if (PARTS.has('rss')) {
    progress('measuring peak RSS (1M keys)');
    const bundle = await bundleRssChild();
    const bundled = await runRssChild('bundle', RSS_KEYS, bundle);
    rmSync(resolve(bundle, '..'), { recursive: true, force: true });
    const transpiled = await runRssChild('transpiled', RSS_KEYS);
    const rssRow = (label: string, rss: Record<string, number | boolean>) =>
      `peak RSS, ${RSS_KEYS} WAL keys, ${label} (baseline ${Number(
        rss.baselineMaxRssMB,
      ).toFixed(0)} MB, scan ${fmt(Number(rss.ms))}, ${rss.requests} requests)`;
    rows.push([
      rssRow('esbuild bundle, as production runs it', bundled),
      `${Number(bundled.peakMaxRssMB).toFixed(0)} MB`,
      '<= 256 MB',
      verdict(
        'rss',
        Number(bundled.peakMaxRssMB) <= 256 &&
          bundled.walObjects === RSS_KEYS &&
          bundled.complete === true,
      ),
    ]);
    rows.push([
      `  ${rssRow('through the TypeScript transpiler', transpiled)}`,
      `${Number(transpiled.peakMaxRssMB).toFixed(0)} MB`,
      '',
      Number(transpiled.peakMaxRssMB) <= 256 ? 'also <= 256 MB' : 'over 256 MB',
    ]);
    results.rss = {
      // Top-level figures are the bundle's (the primary one), for bench/run-all.ts.
      peakMaxRssMB: bundled.peakMaxRssMB,
      baselineMaxRssMB: bundled.baselineMaxRssMB,
      bundled,
      transpiled,
    };
  }

  const widths = [0, 1, 2, 3].map(i =>
    Math.max(
      ...[['measure', 'value', 'target', 'verdict'], ...rows].map(
        r => r[i].length,
      ),
    ),
  );
  const line = (r: string[]) =>
    r.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(line(['measure', 'value', 'target', 'verdict']));
  console.log(widths.map(w => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  writeFileSync(
    join(ROOT, 'test-output', 'bench-catalog.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.log(
    `SUMMARY: ${verdicts.join(', ')}${
      PARTS.size < ALL_PARTS.length ? ` (parts: ${[...PARTS].join(',')})` : ''
    }`,
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
