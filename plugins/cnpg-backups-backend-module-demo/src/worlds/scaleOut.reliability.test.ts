/*
 * Scale-out proof (issue 7): the production shape is several backend replicas sharing one
 * PostgreSQL database (backend.database) and one Redis (backend.cache). Here: TWO real backend
 * instances in one process, each with the REAL database, cache and scheduler services of
 * @backstage/backend-defaults pointed at a throwaway PostgreSQL 15 cluster and redis-server, plus
 * the plugin, the Kubernetes stand-in and s3rver behind a counting proxy.
 *  - a scan done by instance A is served from the shared cache by instance B (B sends no S3
 *    request);
 *  - the global background refresh task runs exactly once across both instances;
 *  - the fleet (issue 12): its knex migrations run on PostgreSQL, the global fleet refresh runs
 *    once, and the snapshots one replica stored are read by both (`GET /fleet`, history).
 *
 * Needs `postgresql-15` and `redis-server` (Debian): installed by scripts/ensure-apt.sh when
 * missing; if they still are missing the suite fails (CI must not silently skip it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  coreServices,
  createServiceFactory,
  type LoggerService,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The node package's real-PostgreSQL test harness (its testUtils entry point).
import {
  findFreePort,
  findRealBarmanTools,
  PostgresWorkspace,
  runCommand,
  type TestPostgres,
} from '@cnpg-backups/plugin-cnpg-backups-node/testUtils';
import request from 'supertest';
import cnpgBackupsPlugin from '@cnpg-backups/plugin-cnpg-backups-backend';
import {
  startReliabilityWorld,
  type ReliabilityWorld,
} from './reliabilityWorld';

// The background refresh task's documented id (config.d.ts of the backend, `cnpgBackups.refresh`).
const REFRESH_TASK_ID = 'cnpg-backups-refresh';

jest.setTimeout(240_000);

// The cache service's Redis clients outlive backend.stop() (no shutdown hook), and @keyv/redis
// adds no 'error' listener to them: stopping redis-server would be an unhandled 'error' event.
// Track the clients to close them before redis-server stops.
// (@redis/client comes with @backstage/backend-defaults' redis store, through @keyv/redis.)
// eslint-disable-next-line @typescript-eslint/no-require-imports, @backstage/no-undeclared-imports
const redisClientModule = require('@redis/client');

const redisClients: any[] = [];
const originalCreateClient = redisClientModule.createClient;
jest
  .spyOn(redisClientModule, 'createClient')
  .mockImplementation((...args: any[]) => {
    const client = originalCreateClient(...args);
    client.on('error', () => undefined);
    redisClients.push(client);
    return client;
  });

const REPO_ROOT = path.resolve(__dirname, '../../..');
const REDIS_SERVER = '/usr/bin/redis-server';

async function ensureApt(...packages: string[]) {
  const result = await runCommand({
    command: 'bash',
    args: [path.join(REPO_ROOT, 'scripts/ensure-apt.sh'), ...packages],
    allowFailure: true,
    timeoutMs: 600_000,
  });
  if (result.exitCode !== 0) {
    throw new Error(
      `scripts/ensure-apt.sh ${packages.join(' ')} failed (exit ${
        result.exitCode
      }): ${result.stderr}`,
    );
  }
}

function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          reject(new Error(`nothing listens on 127.0.0.1:${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** Per-instance log capture (the refresh task logs each completed run). */
function capturingLogger(
  lines: string[],
  fields: Record<string, unknown> = {},
): RootLoggerService {
  const write = (level: string) => (message: string, meta?: unknown) => {
    lines.push(
      `${level} ${message} ${JSON.stringify({
        ...fields,
        ...(meta as object),
      })}`,
    );
  };
  const logger: LoggerService = {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: meta => capturingLogger(lines, { ...fields, ...meta }),
  };
  return logger as RootLoggerService;
}

describe('scale-out: two backend replicas on PostgreSQL + Redis', () => {
  let world: ReliabilityWorld;
  let workspace: PostgresWorkspace;
  let pgBin: string;
  let postgres: TestPostgres;
  let redis: ChildProcess | undefined;
  const instances: Array<{
    server: any;
    stop: () => Promise<void>;
    logs: string[];
  }> = [];

  beforeAll(async () => {
    if (!existsSync(REDIS_SERVER)) await ensureApt('redis-server');
    let tools;
    try {
      tools = await findRealBarmanTools();
    } catch {
      await ensureApt('postgresql-15', 'barman-cli-cloud');
      tools = await findRealBarmanTools();
    }
    pgBin = tools.pgBin;
    workspace = PostgresWorkspace.create(tools);
    postgres = await workspace.initPrimary({ name: 'backstage' });
    await postgres.start();

    const redisPort = await findFreePort();
    redis = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    await waitForPort(redisPort);

    world = await startReliabilityWorld({
      cacheTtlSeconds: 600,
      extraConfig: {
        cnpgBackups: {
          refresh: {
            enabled: true,
            frequency: { minutes: 30 },
            initialDelay: { seconds: 15 }, // after both replicas started and test 1 ran
            timeout: { minutes: 1 },
          },
          fleet: {
            refresh: {
              frequency: { minutes: 30 },
              // After the background refresh task's test (its 'requested' set stays its own).
              initialDelay: { seconds: 40 },
              timeout: { minutes: 1 },
            },
          },
        },
      },
    });
    const config = {
      ...world.config,
      backend: {
        database: {
          client: 'pg',
          connection: {
            host: '127.0.0.1',
            port: postgres.port,
            user: 'postgres',
            password: 'unused-trust-auth',
          },
          // Two replicas in one PostgreSQL with max_connections = 20.
          knexConfig: { pool: { min: 0, max: 3 } },
        },
        cache: { store: 'redis', connection: `redis://127.0.0.1:${redisPort}` },
      },
    };
    for (const name of ['A', 'B']) {
      const logs: string[] = [];
      const backend = await startTestBackend({
        features: [
          cnpgBackupsPlugin,
          mockServices.rootConfig.factory({ data: config }),
          catalogServiceMock.factory({ entities: world.entities }),
          databaseServiceFactory,
          cacheServiceFactory,
          schedulerServiceFactory,
          createServiceFactory({
            service: coreServices.rootLogger,
            deps: {},
            factory: () => capturingLogger(logs, { instance: name }),
          }),
          createServiceFactory({
            service: coreServices.logger,
            deps: { plugin: coreServices.pluginMetadata },
            factory: ({ plugin }) =>
              capturingLogger(logs, { instance: name, plugin: plugin.getId() }),
          }),
        ],
      });
      instances.push({
        server: backend.server,
        stop: () => backend.stop(),
        logs,
      });
    }
  });

  afterAll(async () => {
    for (const instance of instances)
      await instance.stop().catch(() => undefined);
    await world?.close();
    for (const client of redisClients) {
      if (client.isOpen) await client.disconnect().catch(() => undefined);
    }
    if (redis && redis.exitCode === null) {
      const exited = new Promise(resolve => redis!.once('exit', resolve));
      redis.kill('SIGTERM');
      await exited;
    }
    await postgres?.stop();
    await workspace?.dispose();
  });

  const s3Requests = () => world.proxy.log.length;

  it('uses the real Redis cache (the spy saw its clients)', () => {
    expect(redisClients.length).toBeGreaterThan(0);
  });

  it('a scan by instance A is served from the shared cache by instance B (no S3 request)', async () => {
    const [a, b] = instances;
    const before = s3Requests();
    const fromA = await request(a.server).get(
      '/api/cnpg-backups/databases/k8s/shop/orders/status',
    );
    expect(fromA.status).toBe(200);
    expect(fromA.body.errors).toEqual([]);
    expect(fromA.body.catalog.backups).toHaveLength(2);
    const scannedByA = s3Requests() - before;
    expect(scannedByA).toBeGreaterThan(0);

    const beforeB = s3Requests();
    const fromB = await request(b.server).get(
      '/api/cnpg-backups/databases/k8s/shop/orders/status',
    );
    expect(fromB.status).toBe(200);
    expect(s3Requests() - beforeB).toBe(0);
    expect(fromB.body.catalog).toEqual(fromA.body.catalog);
    expect(fromB.body.lineage).toEqual(fromA.body.lineage);

    // And the other way round for another database: B scans, A reads B's result.
    const beforeLedger = s3Requests();
    const ledgerFromB = await request(b.server).get(
      '/api/cnpg-backups/databases/k8s/shop/ledger/status',
    );
    expect(ledgerFromB.body.catalog.backups).toHaveLength(1);
    expect(s3Requests() - beforeLedger).toBeGreaterThan(0);
    const beforeA = s3Requests();
    const ledgerFromA = await request(a.server).get(
      '/api/cnpg-backups/databases/k8s/shop/ledger/status',
    );
    expect(s3Requests() - beforeA).toBe(0);
    expect(ledgerFromA.body.catalog).toEqual(ledgerFromB.body.catalog);
  });

  it('the global refresh task runs exactly once across both instances and refreshes the requested databases', async () => {
    const runsOf = (logs: string[]) =>
      logs.filter(l => l.includes('CNPG backups: background refresh done'))
        .length;
    const totalRuns = () => instances.reduce((n, i) => n + runsOf(i.logs), 0);
    // Mark pay/billing as requested too (its scan cache entry is filled by that request).
    await request(instances[0].server).get(
      '/api/cnpg-backups/databases/k8s/pay/billing/status',
    );
    const deadline = Date.now() + 60_000;
    while (totalRuns() === 0 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 250));
    }
    expect(totalRuns()).toBe(1);
    // Both instances scheduled the task (same id); wait past two more work checks (5 s each).
    await new Promise(r => setTimeout(r, 11_000));
    expect(totalRuns()).toBe(1);
    expect(instances.map(i => runsOf(i.logs)).sort()).toEqual([0, 1]);
    const run = instances
      .flatMap(i => i.logs)
      .find(l => l.includes('CNPG backups: background refresh done'))!;
    // orders, ledger (first test) and billing were requested: all three refreshed.
    expect(run).toContain('"refreshed":3');
    expect(run).toContain('"failed":0');
    expect(run).toContain(`"task":"${REFRESH_TASK_ID}"`);
  });

  it('the fleet migrates on PostgreSQL, refreshes once across both instances, and both read the stored snapshots', async () => {
    const psql = async (query: string) =>
      (
        await runCommand({
          command: path.join(pgBin, 'psql'),
          args: [
            ...['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1'],
            ...[
              '-h',
              '127.0.0.1',
              '-p',
              String(postgres.port),
              '-U',
              'postgres',
            ],
            ...['-d', 'backstage_plugin_cnpg-backups', '-c', query],
          ],
          timeoutMs: 60_000,
        })
      ).stdout.trim();
    // Every migration file of the backend package ran on PostgreSQL.
    const migrationsDir = path.resolve(
      __dirname,
      '../../../cnpg-backups-backend/migrations',
    );
    const files = readdirSync(migrationsDir)
      .filter(f => f.endsWith('.js'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(
      (await psql('SELECT name FROM cnpg_fleet_knex_migrations ORDER BY name'))
        .split('\n')
        .filter(Boolean),
    ).toEqual(files);

    const fleetRuns = () =>
      instances.flatMap(i =>
        i.logs.filter(l => l.includes('cnpg-backups: fleet refreshed')),
      );
    const deadline = Date.now() + 90_000;
    while (fleetRuns().length === 0 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 250));
    }
    expect(fleetRuns()).toHaveLength(1);
    const databases = Number(/"databases":(\d+)/.exec(fleetRuns()[0])![1]);
    expect(databases).toBeGreaterThanOrEqual(3);

    // Stored rows on PostgreSQL: one latest row and one history row per database, one run.
    expect(
      Number(await psql('SELECT count(*) FROM cnpg_fleet_databases')),
    ).toBe(databases);
    expect(Number(await psql('SELECT count(*) FROM cnpg_fleet_history'))).toBe(
      databases,
    );
    expect(
      Number(await psql('SELECT count(*) FROM cnpg_fleet_refreshes')),
    ).toBe(1);

    // Whichever replica ran it, both read the same stored page.
    const pages = await Promise.all(
      instances.map(i =>
        request(i.server).get('/api/cnpg-backups/fleet?limit=500'),
      ),
    );
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.body.totalCount).toBe(databases);
    }
    expect(pages[1].body.items).toEqual(pages[0].body.items);
    const orders = pages[0].body.items.find(
      (r: any) => r.databaseId === 'k8s/shop/orders',
    );
    expect(orders).toBeDefined();
    expect(JSON.stringify(pages[0].body)).not.toMatch(
      /ACCESS_SECRET_KEY|secretAccessKey/,
    );

    const history = await request(instances[1].server).get(
      '/api/cnpg-backups/fleet/databases/k8s/shop/orders/history?days=30',
    );
    expect(history.status).toBe(200);
    expect(history.body.points).toHaveLength(1);
    expect(history.body.points[0].takenAt).toBe(orders.takenAt);
  });
});
