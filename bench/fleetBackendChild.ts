/*
 * The backend of the fleet benchmark (bench/fleet.ts), in its own process so that its RSS is the
 * backend's alone: the real cnpg-backups plugin (startTestBackend) with the bench module, a SQLite
 * file database and FleetS3 (in-memory fake S3, keys computed on demand: it holds nothing per key;
 * WAL times and sizes vary from object to object as in a real archive, see FakeS3's `varied`).
 * The parent holds the Kubernetes stand-in and the load generator and drives this process over IPC:
 *
 *   { id, type: 'init', ... }   → { port, rss }                    start the backend
 *   { id, type: 'refresh' }     → FleetChildRefresh                run the fleet task, RSS sampled here every 50 ms
 *   { id, type: 'retained' }    → { retainedHeap, rssAfterGc }     heap used after a forced full GC
 *   { id, type: 'set', walCount?, nowMs? }                         grow the fake archive / move the clock
 *   { id, type: 'storage' }     → rows and bytes of the SQLite file
 *   { id, type: 'heapsnapshot', file }                             write a heap snapshot
 *   { id, type: 'stop' }                                           stop the backend and exit
 *
 * Started by fleet.ts as `node --expose-gc -r @backstage/cli/config/nodeTransform.cjs
 * bench/fleetBackendChild.ts` (the same loader as `yarn bench:fleet`; --expose-gc only for the
 * `retained` message, which the parent sends after the RSS sampling windows, never before them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
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
import { FakeS3, PREFIX, syntheticBackups } from './catalogSynthetic';

export const FLEET_TASK = 'cnpg-backups-fleet-refresh';

/** What the parent sends to start the backend. */
export interface FleetChildInit {
  standinUrl: string;
  standinToken: string;
  declaredEndpoint: string;
  entities: Entity[];
  wal: number;
  concurrency: number;
  historyIntervalMinutes: number;
  nowMs: number;
}

/** One refresh as measured in the child. */
export interface FleetChildRefresh {
  wallMs: number;
  durationMs: number;
  databases: number;
  failures: number;
  unowned: number;
  s3Requests: number;
  /** Greatest process.memoryUsage().rss sampled every 50 ms from trigger to done. */
  peakRss: number;
  /** process.memoryUsage() fields at that sample: the V8 heap's size and use, off-heap memory. */
  atPeak: { heapTotal: number; heapUsed: number; external: number };
}

/** Routes each request to the FakeS3 of the serverName in its key/prefix; counts every request. */
class FleetS3 {
  requests = 0;
  readonly #servers = new Map<string, FakeS3>();
  #backups: ReturnType<typeof syntheticBackups>;
  #walCount: number;
  constructor(walCount: number) {
    this.#walCount = walCount;
    // 100 backups spread over the WAL, shared by every serverName (the fake computes the rest).
    this.#backups = syntheticBackups(walCount);
  }
  set walCount(value: number) {
    // The backups stay where they were; only the fakes (which hold no key) are made anew.
    this.#walCount = value;
    this.#servers.clear();
  }
  #server(name: string): FakeS3 {
    let s = this.#servers.get(name);
    if (!s) {
      s = new FakeS3(name, this.#walCount, this.#backups, 0, true);
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
 * The heap still reachable after a full GC (--expose-gc), else the used heap as is: what the
 * backend keeps between refreshes. ONE forced GC: a second one right after it sees no allocation
 * since the first, and V8 then sets the next heap limit at its maximum growing factor (4× the
 * live heap), which let the following refresh's heap (and RSS) grow to several hundred MB of
 * garbage before the next full GC — an artifact of measuring, not what a backend that is never
 * forced to collect does (seen with CNPG_BENCH_CHILD_ARGS=--trace-gc).
 */
function retained(): number {
  (globalThis as { gc?: () => void }).gc?.();
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

async function startBackend(init: FleetChildInit) {
  let nowMs = init.nowMs;
  const now = () => new Date(nowMs);
  const s3 = new FleetS3(init.wal);
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
            url: init.standinUrl,
            token: init.standinToken,
            authProvider: 'serviceAccount',
          });
          archive.addEndpoint({
            url: init.declaredEndpoint,
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
      catalogServiceMock.factory({ entities: init.entities }),
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
              concurrency: init.concurrency,
              historyIntervalMinutes: init.historyIntervalMinutes,
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
  const port = (backend.server.address() as AddressInfo).port;

  const storage = async () => {
    const one = async (sql: string) =>
      Object.values((await knex.raw(sql))[0])[0] as number;
    const pageSize = Number(await one('PRAGMA page_size'));
    return {
      databases: Number(await one('SELECT count(*) FROM cnpg_fleet_databases')),
      history: Number(await one('SELECT count(*) FROM cnpg_fleet_history')),
      refreshes: Number(await one('SELECT count(*) FROM cnpg_fleet_refreshes')),
      bytes:
        (Number(await one('PRAGMA page_count')) -
          Number(await one('PRAGMA freelist_count'))) *
        pageSize,
    };
  };

  /** Triggers the scheduled task and waits for its log line; samples this process's RSS meanwhile. */
  const refresh = async (): Promise<FleetChildRefresh> => {
    const done = () => logs.filter(l => l.includes('fleet refreshed')).length;
    const before = done();
    const requests0 = s3.requests;
    let atPeak = process.memoryUsage();
    const sample = () => {
      const usage = process.memoryUsage();
      if (usage.rss > atPeak.rss) atPeak = usage;
    };
    const sampler = setInterval(sample, 50);
    const started = performance.now();
    try {
      await scheduler!.triggerTask(FLEET_TASK);
      while (done() === before) {
        if (logs.some(l => l.startsWith('error')))
          throw new Error(logs.filter(l => l.startsWith('error')).join('\n'));
        await new Promise(r => setTimeout(r, 100));
      }
    } finally {
      clearInterval(sampler);
    }
    sample();
    const wallMs = performance.now() - started;
    const line = logs.filter(l => l.includes('fleet refreshed')).pop()!;
    const result = JSON.parse(line.slice(line.indexOf('{')));
    return {
      wallMs,
      durationMs: result.durationMs,
      databases: result.databases,
      failures: result.failures,
      unowned: result.unowned,
      s3Requests: s3.requests - requests0,
      peakRss: atPeak.rss,
      atPeak: {
        heapTotal: atPeak.heapTotal,
        heapUsed: atPeak.heapUsed,
        external: atPeak.external,
      },
    };
  };

  return {
    port,
    refresh,
    storage,
    set(values: { walCount?: number; nowMs?: number }) {
      if (values.walCount !== undefined) s3.walCount = values.walCount;
      if (values.nowMs !== undefined) nowMs = values.nowMs;
    },
    async stop() {
      await backend.stop();
      rmSync(dbDir, { recursive: true, force: true });
    },
  };
}

type Backend = Awaited<ReturnType<typeof startBackend>>;

async function handle(
  backend: Backend | undefined,
  message: Record<string, any>,
): Promise<{ backend?: Backend; value?: unknown }> {
  switch (message.type) {
    case 'init': {
      const started = await startBackend(message.init as FleetChildInit);
      return {
        backend: started,
        value: { port: started.port, rss: process.memoryUsage().rss },
      };
    }
    case 'retained': {
      const retainedHeap = retained();
      return {
        value: { retainedHeap, rssAfterGc: process.memoryUsage().rss },
      };
    }
    case 'refresh':
      return { value: await backend!.refresh() };
    case 'set':
      backend!.set(message);
      return {};
    case 'storage':
      return { value: await backend!.storage() };
    case 'heapsnapshot':
      return { value: writeHeapSnapshot(message.file) };
    case 'stop':
      await backend?.stop();
      return { value: { maxRss: process.resourceUsage().maxRSS * 1024 } };
    default:
      throw new Error(`unknown message ${message.type}`);
  }
}

if (require.main === module) {
  let backend: Backend | undefined;
  // One message at a time, in order.
  let queue = Promise.resolve();
  process.on('message', (message: Record<string, any>) => {
    queue = queue.then(async () => {
      try {
        const out = await handle(backend, message);
        if (out.backend) backend = out.backend;
        process.send!(
          { id: message.id, value: out.value },
          undefined,
          {},
          () => {
            if (message.type === 'stop') process.exit(0);
          },
        );
      } catch (error) {
        process.send!({
          id: message.id,
          error: String((error as Error)?.stack ?? error),
        });
      }
    });
  });
  process.on('disconnect', () => process.exit(0));
}
