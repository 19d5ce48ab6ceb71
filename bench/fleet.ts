/*
 * Fleet benchmark (issue 12, point 4): the real cnpg-backups backend plugin over a synthetic fleet.
 *
 *   yarn bench:fleet                      # 1,000 databases × 10,000 WAL each
 *   yarn bench:fleet --databases 100      # reduced, for quick runs (also --wal N, --concurrency N)
 *
 * What runs (all in this process, real HTTP between the parts):
 *  - Kubernetes: the demo package's real Kubernetes stand-in (REST conventions, CRD validation), seeded
 *    with N copies of the demo database cnpg-main (Secret, ObjectStore, Cluster, ScheduledBackup), one
 *    per namespace `fleet-<i>`, each with its own serverName `db-<i>` in `s3://bench/catalog`; 90 % are
 *    claimed by a catalog Component (`cnpg.io/cluster`), 10 % are unowned.
 *  - S3: an in-memory fake S3 (bench/catalogSynthetic.ts's FakeS3, one per serverName, keys computed from
 *    indexes on demand: it holds nothing per key) with W WAL objects + 100 base backups per database, read
 *    by the real BarmanArchiveScanner through the plugin's archive extension point. Why not s3rver: seeding
 *    10,000,000 keys into it takes about 14 hours here (the catalog bench seeds 111,600 keys in ~9 min), and
 *    s3rver's CPU (15-20 s per 100k keys listed) would share this machine's 2 cores with the backend.
 *  - The real plugin (startTestBackend) on a SQLite file database (real database service); its scheduled
 *    fleet task is run on demand through the mock scheduler's triggerTask; the clock pinned through the
 *    clock extension point (advanced 5 min per refresh).
 * Measures:
 *  1. one full fleet refresh (triggered via the scheduler, concurrency bound `cnpgBackups.fleet.concurrency`):
 *     wall time (the refresher's own durationMs), S3 requests, peak RSS sampled every 50 ms (target ≤ 512 MB);
 *  2. after K=10 new WAL per database, one incremental refresh: S3 requests per database
 *     (target ≤ 3 + K/1000);
 *  3. GET /api/cnpg-backups/fleet over HTTP, 20 concurrent clients, mixed pages/sorts/filters, warm:
 *     p50/p95/p99 (target p95 ≤ 100 ms);
 *  4. snapshot storage: rows and bytes (SQLite file pages) per refresh, and per day at the default 5-minute
 *     refresh with the default history interval (60 min) and with one row per refresh.
 * Writes test-output/bench-fleet.json; the last line is `SUMMARY: <target> PASS|FAIL, ...`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  type LoggerService,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import cnpgBackupsPlugin from '@cnpg-backups/plugin-cnpg-backups-backend';
import {
  BarmanArchiveScanner,
  cnpgBackupsArchiveExtensionPoint,
  cnpgBackupsClockExtensionPoint,
  cnpgBackupsKubernetesExtensionPoint,
  type ArchiveReaderFactory,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import { KubernetesStandin } from '@cnpg-backups/plugin-cnpg-backups-backend-module-demo/testUtils';
import { MemoryObjectStore } from '../plugins/cnpg-backups-backend-module-demo/src/s3/MemoryObjectStore';
import { buildDemoDatabases } from '../plugins/cnpg-backups-backend-module-demo/src/scenarios';
import { EPOCH, FakeS3, PREFIX, syntheticBackups } from './catalogSynthetic';
import { LoadGenerator, failedRequests } from './lib/load';
import {
  formatMB,
  formatMs,
  percentile,
  printTable,
  Verdicts,
  writeBenchJson,
} from './lib/stats';

const FLEET_TASK = 'cnpg-backups-fleet-refresh';
const NEW_WAL = 10;
const CLIENTS = 20;
const REQUESTS = 2000;
const REFRESH_MINUTES = 5;
const HISTORY_INTERVAL_MINUTES = 60;

function argNumber(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) {
    throw new Error(
      `${flag} must be a positive integer, got ${process.argv[i + 1]}`,
    );
  }
  return v;
}

/** Routes each request to the FakeS3 of the serverName in its key/prefix; counts every request. */
class FleetS3 {
  requests = 0;
  readonly #servers = new Map<string, FakeS3>();
  readonly #backups: ReturnType<typeof syntheticBackups>;
  walCount: number;
  constructor(walCount: number) {
    this.walCount = walCount;
    // 100 backups spread over the WAL, shared by every serverName (the fake computes the rest).
    this.#backups = syntheticBackups(walCount);
  }
  #server(name: string): FakeS3 {
    let s = this.#servers.get(name);
    if (!s || (s as any).walCount !== this.walCount) {
      s = new FakeS3(name, this.walCount, this.#backups);
      this.#servers.set(name, s);
    }
    return s;
  }
  async send(command: unknown): Promise<unknown> {
    this.requests++;
    const input = (command as { input: Record<string, any> }).input;
    const path: string = input.Key ?? input.Prefix ?? '';
    const m = new RegExp(`^${PREFIX}/([^/]+)/`).exec(path);
    if (!m)
      return {
        Contents: [],
        CommonPrefixes: [],
        IsTruncated: false,
        KeyCount: 0,
      };
    return this.#server(m[1]).send(command);
  }
}

/**
 * The heap still reachable after a full GC (when run with --expose-gc, as `yarn bench:fleet`
 * does), else the used heap as is: what the backend keeps between refreshes.
 */
function retained(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return getHeapStatistics().used_heap_size;
}

function capturingLogger(lines: string[]): RootLoggerService {
  const write = (level: string) => (message: string, meta?: unknown) => {
    if (process.env.CNPG_BENCH_DEBUG) console.error(level, message, meta);
    if (message.includes('fleet refreshed') || level === 'error')
      lines.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
  };
  const logger: LoggerService = {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: () => undefined,
    child: () => logger,
  };
  return logger as RootLoggerService;
}

async function main() {
  const DATABASES = argNumber('--databases', 1000);
  const WAL = argNumber('--wal', 10_000);
  const CONCURRENCY = argNumber('--concurrency', 4);
  // Pinned clock: one WAL a minute from EPOCH (catalogSynthetic), "now" just after the last one.
  let nowMs = EPOCH + (WAL + 2) * 60_000;
  const now = () => new Date(nowMs);

  const template = buildDemoDatabases({
    now: now(),
    writer: new MemoryObjectStore(),
  }).find(d => d.entity === 'cnpg-main')!;
  const standin = await KubernetesStandin.start({ now });
  const entities: Entity[] = [];
  for (let i = 0; i < DATABASES; i++) {
    const ns = `fleet-${i}`;
    for (const original of template.objects) {
      if (
        !['Secret', 'ObjectStore', 'Cluster', 'ScheduledBackup'].includes(
          original.kind,
        )
      )
        continue;
      const obj: any = JSON.parse(JSON.stringify(original));
      obj.metadata.namespace = ns;
      delete obj.metadata.uid;
      if (obj.kind === 'ObjectStore')
        obj.spec.configuration.destinationPath = `s3://bench/${PREFIX}`;
      if (obj.kind === 'Cluster')
        for (const p of obj.spec.plugins ?? [])
          if (p.parameters) p.parameters.serverName = `db-${i}`;
      standin.store.seed(obj);
    }
    if (i % 10 !== 9) {
      entities.push({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: `svc-${i}`,
          namespace: 'default',
          annotations: {
            'cnpg.io/cluster': `fleet:${ns}/${template.clusterName}`,
          },
        },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: `team-${i % 25}`,
          system: `sys-${i % 40}`,
        },
      });
    }
  }

  const s3 = new FleetS3(WAL);
  const archiveReaders: ArchiveReaderFactory = {
    create() {
      const scanner = BarmanArchiveScanner.create({
        client: s3 as any,
        concurrency: 8,
        now,
      });
      return {
        scan: o => scanner.scan(o as any),
        listServerNames: o => scanner.listServerNames(o),
        isServerNameEmpty: o => scanner.isServerNameEmpty(o),
      };
    },
  };
  let scheduler: { triggerTask(id: string): Promise<void> } | undefined;
  let knex: any;
  const benchModule = createBackendModule({
    pluginId: 'cnpg-backups',
    moduleId: 'bench-fleet',
    register(env) {
      env.registerInit({
        deps: {
          kubernetes: cnpgBackupsKubernetesExtensionPoint,
          archive: cnpgBackupsArchiveExtensionPoint,
          clock: cnpgBackupsClockExtensionPoint,
          sched: coreServices.scheduler,
          database: coreServices.database,
        },
        async init({ kubernetes, archive, clock, sched, database }) {
          kubernetes.addCluster({
            name: 'fleet',
            url: standin.url,
            token: standin.token,
            authProvider: 'serviceAccount',
          });
          archive.addEndpoint({
            url: template.declaredEndpoint,
            connectUrl: 'http://127.0.0.1:1',
            provider: 'generic',
            region: 'us-east-1',
          });
          archive.setArchiveReaderFactory(archiveReaders);
          clock.setClock(now);
          scheduler = sched;
          knex = await database.getClient();
        },
      });
    },
  });

  const dbDir = mkdtempSync(join(tmpdir(), 'bench-fleet-'));
  const logs: string[] = [];
  const backend = await startTestBackend({
    features: [
      cnpgBackupsPlugin,
      benchModule,
      databaseServiceFactory,
      // The plugin's own scheduled task, run on demand (triggerTask runs its fn and awaits it).
      mockServices.scheduler.factory(),
      catalogServiceMock.factory({ entities }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => capturingLogger(logs),
      }),
      createServiceFactory({
        service: coreServices.logger,
        deps: {},
        factory: () => capturingLogger(logs),
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: {
              client: 'better-sqlite3',
              connection: { directory: dbDir },
            },
          },
          cnpgBackups: {
            refresh: { enabled: false },
            fleet: {
              concurrency: CONCURRENCY,
              historyIntervalMinutes: HISTORY_INTERVAL_MINUTES,
              refresh: {
                frequency: { hours: 24 },
                initialDelay: { hours: 24 },
                timeout: { hours: 1 },
              },
            },
          },
        },
      }),
    ],
  });
  const baseUrl = `http://127.0.0.1:${
    (backend.server.address() as AddressInfo).port
  }`;

  const storage = async () => {
    const one = async (sql: string) =>
      Object.values((await knex.raw(sql))[0])[0] as number;
    return {
      databases: Number(await one('SELECT count(*) FROM cnpg_fleet_databases')),
      history: Number(await one('SELECT count(*) FROM cnpg_fleet_history')),
      refreshes: Number(await one('SELECT count(*) FROM cnpg_fleet_refreshes')),
      bytes:
        Number(await one('PRAGMA page_count')) *
          Number(await one('PRAGMA page_size')) -
        Number(await one('PRAGMA freelist_count')) *
          Number(await one('PRAGMA page_size')),
    };
  };

  /** Triggers the scheduled task and waits for its log line; samples RSS meanwhile. */
  const refresh = async () => {
    const before = logs.filter(l => l.includes('fleet refreshed')).length;
    const requests0 = s3.requests;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const started = performance.now();
    await scheduler!.triggerTask(FLEET_TASK);
    while (logs.filter(l => l.includes('fleet refreshed')).length === before) {
      if (logs.some(l => l.startsWith('error')))
        throw new Error(logs.filter(l => l.startsWith('error')).join('\n'));
      await new Promise(r => setTimeout(r, 100));
    }
    clearInterval(sampler);
    const retainedHeap = retained();
    const line = logs.filter(l => l.includes('fleet refreshed')).pop()!;
    const result = JSON.parse(line.slice(line.indexOf('{')));
    return {
      wallMs: performance.now() - started,
      durationMs: result.durationMs as number,
      databases: result.databases as number,
      failures: result.failures as number,
      unowned: result.unowned as number,
      s3Requests: s3.requests - requests0,
      peakRss,
      retainedHeap,
    };
  };

  console.log(
    `fleet bench: ${DATABASES} databases × ${WAL} WAL (+100 backups each), concurrency ${CONCURRENCY}`,
  );
  const s0 = await storage();
  const heap0 = retained();
  const rss0 = process.memoryUsage().rss;
  const full = await refresh();
  if (process.env.CNPG_BENCH_HEAPSNAPSHOT)
    console.log(
      `heap snapshot: ${writeHeapSnapshot(
        process.env.CNPG_BENCH_HEAPSNAPSHOT,
      )}`,
    );
  const s1 = await storage();
  console.log(
    `full refresh: ${formatMs(full.durationMs)}, ${
      full.s3Requests
    } S3 requests`,
  );

  nowMs += REFRESH_MINUTES * 60_000;
  s3.walCount = WAL + NEW_WAL;
  const incremental = await refresh();
  const s2 = await storage();
  console.log(
    `incremental refresh: ${formatMs(incremental.durationMs)}, ${
      incremental.s3Requests
    } S3 requests`,
  );

  // The fleet page: 20 clients, warm, mixed queries (what the page sends).
  const queries = [
    'limit=25',
    'limit=25&offset=500',
    'limit=50&sort=-exposure',
    'limit=25&health=ok,warning',
    'limit=25&owner=team-3',
    'limit=25&owned=false',
    'limit=25&search=fleet-1',
    'limit=100&sort=database',
  ];
  const paths = Array.from(
    { length: REQUESTS },
    (_, i) => `/api/cnpg-backups/fleet?${queries[i % queries.length]}`,
  );
  const load = new LoadGenerator();
  const headers = { authorization: 'Bearer mock-user-token' };
  await load.run({
    baseUrl,
    paths: paths.slice(0, 200),
    concurrency: CLIENTS,
    headers,
  });
  const page = await load.run({
    baseUrl,
    paths,
    concurrency: CLIENTS,
    headers,
  });
  await load.close();
  const failed = failedRequests(page);
  const p = (q: number) => percentile(page.latenciesMs, q);

  const perDbIncremental = incremental.s3Requests / DATABASES;
  const incrementalBound = 3 + NEW_WAL / 1000;
  const peakRss = Math.max(full.peakRss, incremental.peakRss);
  const refreshesPerDay = (24 * 60) / REFRESH_MINUTES;
  const historyBytesPerRow =
    (s1.bytes - s0.bytes) / Math.max(1, s1.history + s1.databases);
  const rowsPerDay = {
    history: DATABASES * ((24 * 60) / HISTORY_INTERVAL_MINUTES),
    historyOneRowPerRefresh: DATABASES * refreshesPerDay,
    refreshes: refreshesPerDay,
  };
  const bytesPerDay = rowsPerDay.history * historyBytesPerRow;

  const verdicts = new Verdicts();
  printTable(
    ['measure', 'value', 'target', 'verdict'],
    [
      [
        'databases (unowned) / failures',
        `${full.databases} (${full.unowned}) / ${full.failures}`,
        `${DATABASES}, 0 failures`,
        verdicts.add(
          'complete',
          full.databases === DATABASES && full.failures === 0,
        ),
      ],
      [
        'full refresh wall time (refresher / trigger→done)',
        `${formatMs(full.durationMs)} / ${formatMs(full.wallMs)}`,
        `concurrency ${CONCURRENCY}`,
        '',
      ],
      [
        'full refresh S3 requests (per database)',
        `${full.s3Requests} (${(full.s3Requests / DATABASES).toFixed(1)})`,
        '',
        '',
      ],
      [
        'incremental refresh wall time',
        formatMs(incremental.durationMs),
        '',
        '',
      ],
      [
        `incremental S3 requests per database (+${NEW_WAL} WAL)`,
        perDbIncremental.toFixed(2),
        `≤ ${incrementalBound}`,
        verdicts.add('incremental', perDbIncremental <= incrementalBound),
      ],
      [
        'peak RSS during refreshes (RSS before the first: harness + idle backend)',
        `${formatMB(peakRss)} (${formatMB(rss0)})`,
        '≤ 512 MB',
        verdicts.add('rss', peakRss <= 512 * 1024 * 1024),
      ],
      [
        'heap retained after GC: before / after full / after incremental (per database)',
        `${formatMB(heap0)} / ${formatMB(full.retainedHeap)} / ${formatMB(
          incremental.retainedHeap,
        )} (${((incremental.retainedHeap - heap0) / DATABASES / 1024).toFixed(
          0,
        )} KB)`,
        '',
        '',
      ],
      [
        `GET /fleet warm, ${CLIENTS} clients, ${REQUESTS} req: p50/p95/p99`,
        `${formatMs(p(50))} / ${formatMs(p(95))} / ${formatMs(p(99))}`,
        'p95 ≤ 100 ms',
        verdicts.add('fleet-p95', p(95) <= 100 && failed === 0),
      ],
      ['GET /fleet failed requests', String(failed), '0', ''],
      [
        'rows after full / incremental refresh (latest, history, refreshes)',
        `${s1.databases}, ${s1.history}, ${s1.refreshes} / ${s2.databases}, ${s2.history}, ${s2.refreshes}`,
        '',
        '',
      ],
      [
        'SQLite bytes: first refresh / second refresh',
        `+${formatMB(s1.bytes - s0.bytes)} / +${formatMB(s2.bytes - s1.bytes)}`,
        '',
        '',
      ],
      [
        `history rows per day (5-min refresh, interval ${HISTORY_INTERVAL_MINUTES} min, steady fleet)`,
        `${rowsPerDay.history} (≈ ${formatMB(bytesPerDay)})`,
        '',
        '',
      ],
      [
        'history rows per day with one row per refresh (interval 0)',
        `${rowsPerDay.historyOneRowPerRefresh} (≈ ${formatMB(
          rowsPerDay.historyOneRowPerRefresh * historyBytesPerRow,
        )})`,
        '',
        '',
      ],
    ],
  );
  writeBenchJson('fleet', {
    settings: {
      DATABASES,
      WAL,
      CONCURRENCY,
      NEW_WAL,
      CLIENTS,
      REQUESTS,
      HISTORY_INTERVAL_MINUTES,
    },
    full,
    incremental: {
      ...incremental,
      perDatabase: perDbIncremental,
      bound: incrementalBound,
    },
    peakRssMB: peakRss / 1024 / 1024,
    rssBeforeMB: rss0 / 1024 / 1024,
    retainedHeapMB: {
      before: heap0 / 1024 / 1024,
      afterFull: full.retainedHeap / 1024 / 1024,
      afterIncremental: incremental.retainedHeap / 1024 / 1024,
      perDatabaseKB: (incremental.retainedHeap - heap0) / DATABASES / 1024,
    },
    page: {
      p50Ms: p(50),
      p95Ms: p(95),
      p99Ms: p(99),
      failed,
      elapsedMs: page.elapsedMs,
    },
    storage: {
      before: s0,
      afterFull: s1,
      afterIncremental: s2,
      bytesPerRow: historyBytesPerRow,
      rowsPerDay,
      bytesPerDay,
    },
  });
  await backend.stop();
  await standin.stop();
  rmSync(dbDir, { recursive: true, force: true });
  console.log(verdicts.line());
  if (!verdicts.allPass) process.exitCode = 1;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
