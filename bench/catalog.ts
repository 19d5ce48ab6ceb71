/*
 * Catalog benchmark: our S3 scanner vs. barman's own tools on the same bucket.
 *
 *   yarn bench:catalog            (= node -r @backstage/cli/config/nodeTransform.cjs bench/catalog.ts)
 *
 * Needs `--openssl-legacy-provider` in NODE_OPTIONS (scripts/bootstrap.sh sets it) and, for the barman
 * figures, `scripts/ensure-apt.sh postgresql-15 barman-cli-cloud`. See bench/README.md for what each
 * figure means and the targets. Env: CNPG_BENCH_RESEED=1 rebuilds the seeded s3rver store.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { BarmanArchiveScanner } from '../plugins/cnpg-backups-node/src/scanner';
import {
  createS3Client,
  S3RequestCounter,
} from '../plugins/cnpg-backups-node/src/s3';
import {
  BarmanCloud,
  findRealBarmanTools,
  findFreePort,
  S3RVER_CREDENTIALS,
} from '../plugins/cnpg-backups-node/src/testing';

const ROOT = resolve(__dirname, '..');
const SEED_VERSION = 'bench-seed-v1';
const CACHE_DIR = join(ROOT, '.cache', 'bench', SEED_VERSION);
const BUCKET = 'bench';
const PREFIX = 'catalog';
const DESTINATION = `s3://${BUCKET}/${PREFIX}`;
const SEGMENTS_PER_LOG = 256; // 16 MiB segments
const BACKUPS = 100;
const DATASETS = [
  { serverName: 'wal-1k', wal: 1_000 },
  { serverName: 'wal-10k', wal: 10_000 },
  { serverName: 'wal-100k', wal: 100_000 },
] as const;
const MAIN = DATASETS[2];
const INCREMENTAL_NEW_WALS = 500;
const RSS_KEYS = 1_000_000;
const RUNS = 3;

// ------------------------------------------------------------------------------------------------
// The synthetic archive: TLI 1 segments 1..N (256 per hash directory, as with 16 MiB segments) and
// 100 DONE backups spread over it, one WAL per minute from 2026-01-01T00:00Z.

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
const segmentName = (index: number) =>
  `00000001${hex8(Math.floor(index / SEGMENTS_PER_LOG))}${hex8(
    index % SEGMENTS_PER_LOG,
  )}`;
const hashDirOf = (index: number) =>
  `00000001${hex8(Math.floor(index / SEGMENTS_PER_LOG))}`;
const walKey = (serverName: string, index: number) =>
  `${PREFIX}/${serverName}/wals/${hashDirOf(index)}/${segmentName(index)}.gz`;
const lsnOf = (index: number, offset: number) =>
  `${Math.floor(index / SEGMENTS_PER_LOG)
    .toString(16)
    .toUpperCase()}/${((index % SEGMENTS_PER_LOG) * 0x1000000 + offset)
    .toString(16)
    .toUpperCase()}`;
const EPOCH = Date.UTC(2026, 0, 1);
const timeOfSegment = (index: number) => new Date(EPOCH + index * 60_000);
const pyTime = (d: Date) =>
  `${d.toISOString().replace('T', ' ').replace('Z', '')}000+00:00`;
const backupIdOf = (d: Date) =>
  d.toISOString().replace(/[-:]/g, '').slice(0, 15);

interface SyntheticBackup {
  id: string;
  beginIndex: number;
  endIndex: number;
  info: string;
}

function syntheticBackups(walCount: number): SyntheticBackup[] {
  const out: SyntheticBackup[] = [];
  for (let k = 0; k < BACKUPS; k++) {
    const beginIndex = 1 + Math.floor((k * walCount) / BACKUPS);
    const endIndex = Math.min(walCount, beginIndex + 1);
    const begin = timeOfSegment(beginIndex);
    const end = new Date(begin.getTime() + 42_000);
    const id = backupIdOf(begin);
    const info = [
      `backup_label='START WAL LOCATION: ${lsnOf(
        beginIndex,
        0x28,
      )} (file ${segmentName(beginIndex)})\\nSTART TIMELINE: 1\\n'`,
      `backup_name=backup-${id.replace('T', '')}`,
      `begin_offset=40`,
      `begin_time=${pyTime(begin)}`,
      `begin_wal=${segmentName(beginIndex)}`,
      `begin_xlog=${lsnOf(beginIndex, 0x28)}`,
      `compression=None`,
      `config_file=/var/lib/postgresql/data/pgdata/postgresql.conf`,
      `copy_stats={'total_time': 41.5, 'number_of_workers': 2}`,
      `deduplicated_size=None`,
      `end_offset=256`,
      `end_time=${pyTime(end)}`,
      `end_wal=${segmentName(endIndex)}`,
      `end_xlog=${lsnOf(endIndex, 0x100)}`,
      `error=None`,
      `hba_file=/var/lib/postgresql/data/pgdata/pg_hba.conf`,
      `ident_file=/var/lib/postgresql/data/pgdata/pg_ident.conf`,
      `included_files=None`,
      `mode=None`,
      `pgdata=/var/lib/postgresql/data/pgdata`,
      `server_name=cloud`,
      `size=None`,
      `status=DONE`,
      `systemid=7381234567890123456`,
      `tablespaces=None`,
      `timeline=1`,
      `version=150018`,
      `xlog_segment_size=16777216`,
      '',
    ].join('\n');
    out.push({ id, beginIndex, endIndex, info });
  }
  return out;
}

/** Keys per listed prefix, for the request lower bound. */
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
  stop(): Promise<void>;
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

async function timeOurScan(endpoint: string, serverName: string) {
  const counter = new S3RequestCounter();
  const scanner = BarmanArchiveScanner.create({
    client: createS3Client({
      endpoint,
      credentials: { ...S3RVER_CREDENTIALS },
      requestCounter: counter,
    }),
  });
  const t0 = process.hrtime.bigint();
  const result = await scanner.scan({ destination: DESTINATION, serverName });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    ms,
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
// Peak RSS child: the scanner + catalog builder over an in-memory fake S3 serving 1M WAL keys.
// Keys are computed from indexes on demand, so the fake itself holds nothing per key.

class FakeS3 {
  requests = 0;
  constructor(
    private readonly serverName: string,
    private readonly walCount: number,
    private readonly backups: SyntheticBackup[],
  ) {}

  async send(command: unknown): Promise<unknown> {
    this.requests++;
    const input = (command as { input: Record<string, any> }).input;
    const root = `${PREFIX}/${this.serverName}/`;
    const lastModified = new Date(EPOCH);
    if (command instanceof GetObjectCommand) {
      const m = /base\/(\d{8}T\d{6})\/backup\.info$/.exec(input.Key);
      const b = m && this.backups.find(x => x.id === m[1]);
      if (!b)
        throw Object.assign(new Error('NoSuchKey'), {
          name: 'NoSuchKey',
          $metadata: { httpStatusCode: 404 },
        });
      const bytes = Buffer.from(b.info);
      return {
        Body: { transformToByteArray: async () => new Uint8Array(bytes) },
      };
    }
    if (!(command instanceof ListObjectsV2Command))
      throw new Error(`FakeS3: unsupported ${String(command)}`);
    const prefix: string = input.Prefix ?? '';
    const after: string = input.ContinuationToken ?? input.StartAfter ?? '';
    const maxKeys = Math.min(1000, input.MaxKeys ?? 1000);
    if (prefix === `${root}base/`) {
      const keys = this.backups.flatMap(b => [
        `${root}base/${b.id}/backup.info`,
        `${root}base/${b.id}/data.tar.gz`,
      ]);
      return this.page(
        keys.filter(k => k > after),
        maxKeys,
        lastModified,
      );
    }
    if (prefix === `${root}wals/` && input.Delimiter === '/') {
      const dirs = Math.floor(this.walCount / SEGMENTS_PER_LOG) + 1;
      const CommonPrefixes = Array.from({ length: dirs }, (_, i) => ({
        Prefix: `${root}wals/00000001${hex8(i)}/`,
      }));
      return { Contents: [], CommonPrefixes, IsTruncated: false, KeyCount: 0 };
    }
    const m = /wals\/00000001([0-9A-F]{8})\/$/.exec(prefix);
    if (m) {
      const log = parseInt(m[1], 16);
      const keys: string[] = [];
      for (let seg = 0; seg < SEGMENTS_PER_LOG; seg++) {
        const index = log * SEGMENTS_PER_LOG + seg;
        if (index < 1 || index > this.walCount) continue;
        const key = walKey(this.serverName, index);
        if (key > after) keys.push(key);
      }
      return this.page(keys, maxKeys, lastModified);
    }
    return { Contents: [], IsTruncated: false, KeyCount: 0 };
  }

  private page(keys: string[], maxKeys: number, lastModified: Date) {
    const slice = keys.slice(0, maxKeys);
    const truncated = keys.length > maxKeys;
    return {
      Contents: slice.map(Key => ({
        Key,
        Size: Key.endsWith('backup.info')
          ? this.backupInfoSize(Key)
          : 16 * 1024 * 1024,
        LastModified: lastModified,
      })),
      IsTruncated: truncated,
      NextContinuationToken: truncated ? slice[slice.length - 1] : undefined,
      KeyCount: slice.length,
    };
  }

  private backupInfoSize(key: string): number {
    const id = /base\/(\d{8}T\d{6})\//.exec(key)![1];
    return Buffer.byteLength(this.backups.find(b => b.id === id)!.info);
  }

  destroy() {}
}

async function rssChild(keys: number) {
  const before = process.resourceUsage().maxRSS;
  const fake = new FakeS3('rss', keys, syntheticBackups(keys));
  const scanner = BarmanArchiveScanner.create({
    client: fake as unknown as S3Client,
  });
  const t0 = Date.now();
  const { catalog } = await scanner.scan({
    destination: DESTINATION,
    serverName: 'rss',
  });
  const ms = Date.now() - t0;
  const after = process.resourceUsage().maxRSS;
  process.stdout.write(
    `${JSON.stringify({
      keys,
      walObjects: catalog.scan.walObjects,
      complete: catalog.scan.complete,
      errors: catalog.scan.errors.slice(0, 2),
      backups: catalog.backups.length,
      requests: fake.requests,
      ms,
      baselineMaxRssMB: before / 1024,
      peakMaxRssMB: after / 1024,
    })}\n`,
  );
}

function runRssChild(keys: number): Promise<Record<string, number | boolean>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        '@backstage/cli/config/nodeTransform.cjs',
        __filename,
        '--rss-child',
        String(keys),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.on('error', reject);
    child.on('close', code => {
      if (code !== 0) reject(new Error(`RSS child exited ${code}: ${out}`));
      else resolvePromise(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
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

  const tools = await findRealBarmanTools();
  const { server, seedMs } = await seededS3rver();
  const results: Record<string, unknown> = { seedMs };
  try {
    // A run killed during the incremental step may have left its 500 extra WAL objects: remove them.
    await deleteAll(server.client, [...incrementalKeys()]);
    // Sanity: the store holds exactly the seeded datasets (a crashed earlier run could have left extra WAL).
    for (const d of DATASETS) {
      const { result } = await timeOurScan(server.endpoint, d.serverName);
      const { catalog } = result;
      if (
        catalog.scan.walObjects !== d.wal ||
        catalog.backups.length !== BACKUPS ||
        !catalog.scan.complete
      ) {
        throw new Error(
          `seeded store is inconsistent for ${d.serverName} (wal ${catalog.scan.walObjects}/${d.wal}, backups ${catalog.backups.length}); rerun with CNPG_BENCH_RESEED=1`,
        );
      }
    }

    const progress = (message: string) =>
      process.stderr.write(`[bench] ${message}\n`);
    progress('store verified; timing full scans');
    // 1. Full scan of 100k WAL + 100 backups, ours vs barman (median of 3 each).
    const ours: Array<Awaited<ReturnType<typeof timeOurScan>>> = [];
    for (let i = 0; i < RUNS; i++)
      ours.push(await timeOurScan(server.endpoint, MAIN.serverName));
    progress(
      `ours: ${ours.map(o => fmt(o.ms)).join(', ')} (${
        ours[0].requests
      } requests); timing barman`,
    );
    const barman = new BarmanCloud({
      tools,
      endpoint: server.endpoint,
      destination: DESTINATION,
    });
    const theirs: Array<Awaited<ReturnType<typeof timeBarman>>> = [];
    for (let i = 0; i < RUNS; i++)
      theirs.push(await timeBarman(barman, MAIN.serverName));
    progress(`barman: ${theirs.map(t => fmt(t.totalMs)).join(', ')}`);
    const ourMs = median(ours.map(o => o.ms));
    const barmanMs = median(theirs.map(t => t.totalMs));
    const ratio = ourMs / barmanMs;
    rows.push([
      `full scan, ${MAIN.wal} WAL + ${BACKUPS} backups (ours, median of ${RUNS})`,
      fmt(ourMs),
      '',
      '',
    ]);
    rows.push([
      `barman-cloud-backup-list + check-wal-archive (median of ${RUNS})`,
      fmt(barmanMs),
      '',
      `list ${fmt(median(theirs.map(t => t.listMs)))} + check ${fmt(
        median(theirs.map(t => t.checkMs)),
      )}`,
    ]);
    rows.push([
      'ratio ours / barman',
      ratio.toFixed(3),
      '<= 0.25',
      verdict('time-ratio', ratio <= 0.25),
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
    const reference = await timeFlatReference(server.client, MAIN.serverName);
    rows.push([
      `  reference: paginated flat listing of wals/ + base/ + sequential GETs (1 run, ${reference.requests} requests)`,
      fmt(reference.ms),
      '',
      `ours / reference ${(ourMs / reference.ms).toFixed(2)}`,
    ]);
    results.barmanWalKeysSeen = seenByBarman;
    results.reference = reference;

    // 2. Requests vs the lower bound.
    const bound = requestLowerBound(MAIN.wal);
    const requests = ours[0].requests;
    rows.push([
      `S3 requests, full scan (lower bound per listed prefix: ${bound.perPrefix}; flat wals/ listing would be ${bound.flat})`,
      String(requests),
      `<= ${(bound.perPrefix * 1.05).toFixed(0)}`,
      verdict('requests', requests <= bound.perPrefix * 1.05),
    ]);

    // 3. Incremental refresh after 500 new WAL (continuing the sequence, as archiving would).
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
        MAIN.wal + INCREMENTAL_NEW_WALS
      ) {
        throw new Error(
          `incremental scan saw ${refreshed.catalog.scan.walObjects} WAL objects`,
        );
      }
      const target = 3 + INCREMENTAL_NEW_WALS / 1000;
      const newDirs = new Set(newKeys.map(k => k.key.split('/').slice(-2)[0]))
        .size;
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
    // 4. Scaling.
    const scaling: Record<string, number> = {};
    for (const d of DATASETS) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++)
        times.push((await timeOurScan(server.endpoint, d.serverName)).ms);
      scaling[d.serverName] = median(times);
      rows.push([
        `scaling: full scan, ${d.wal} WAL + ${BACKUPS} backups (median of ${RUNS})`,
        fmt(median(times)),
        '',
        '',
      ]);
    }

    progress(
      `scaling: ${JSON.stringify(scaling)}; measuring peak RSS (1M keys)`,
    );
    // 5. Peak RSS, 1M keys, in a child process.
    const rss = await runRssChild(RSS_KEYS);
    rows.push([
      `peak RSS, ${RSS_KEYS} WAL keys from an in-memory fake S3 (baseline ${Number(
        rss.baselineMaxRssMB,
      ).toFixed(0)} MB, scan ${fmt(Number(rss.ms))})`,
      `${Number(rss.peakMaxRssMB).toFixed(0)} MB`,
      '<= 256 MB',
      verdict(
        'rss',
        Number(rss.peakMaxRssMB) <= 256 && rss.walObjects === RSS_KEYS,
      ),
    ]);

    Object.assign(results, {
      ourMs: ours.map(o => o.ms),
      barman: theirs,
      ratio,
      requests,
      bound,
      scaling,
      rss,
      tools: { barman: tools.barmanVersion },
    });
  } finally {
    await server.stop();
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
  if (seedMs !== undefined)
    console.log(
      `(seeded the s3rver store in ${fmt(seedMs)}; cached under ${CACHE_DIR})`,
    );
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  writeFileSync(
    join(ROOT, 'test-output', 'bench-catalog.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.log(`SUMMARY: ${verdicts.join(', ')}`);
}

if (process.argv[2] === '--rss-child') {
  rssChild(Number(process.argv[3] ?? RSS_KEYS)).catch(error => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
