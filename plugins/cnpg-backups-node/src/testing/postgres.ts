import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessTimeoutError } from './errors';
import { isRoot, runCommand, waitFor } from './exec';
import { RealBarmanTools } from './tools';

/** A free TCP port on 127.0.0.1 (bind port 0, read it, release it). @public */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function postgresOwner(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find(l => l.startsWith('postgres:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Makes `path` a directory the postgres OS user owns (no-op when not root). */
function makePostgresDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const owner = postgresOwner();
  if (owner) chownSync(path, owner.uid, owner.gid);
}

/** Quote a value for postgresql.conf (single quotes doubled). */
function confString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Instances started by this process, killed on exit even when a test forgot (or failed) to. */
const liveInstances = new Set<TestPostgres>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const instance of liveInstances) instance.killSync();
  });
}

/** How a restored instance stops replaying WAL. @public */
export type RecoveryTarget =
  | { time: string; inclusive?: boolean }
  | { name: string }
  | { lsn: string; inclusive?: boolean }
  | { immediate: true }
  | { latest: true };

/** Options for {@link PostgresWorkspace.restoreInstance}. @public */
export interface RestoreInstanceOptions {
  name: string;
  /** A data directory already filled by barman-cloud-restore (see BarmanCloud.restore). */
  dataDir: string;
  /** `restore_command` value (use BarmanCloud.walRestoreCommand). */
  restoreCommand: string;
  /** Where replay stops. Use `{ latest: true }` to replay everything (and for standbys). */
  recoveryTarget: RecoveryTarget;
  /**
   * Run as a streaming standby of this primary (standby.signal + primary_conninfo, WAL from the archive
   * first): promote it later with {@link TestPostgres.promote}, like a CNPG failover.
   */
  standbyOf?: TestPostgres;
  /** `recovery_target_timeline`, default `latest`. */
  targetTimeline?: string;
  /** What to do at the target: default `promote`. */
  targetAction?: 'promote' | 'pause' | 'shutdown';
  /** `archive_command` after promotion; omit to disable archiving (archive_mode=off). */
  archiveCommand?: string;
}

/**
 * A PostgreSQL instance run by the harness: own data directory, port on 127.0.0.1, own socket directory,
 * run as the `postgres` OS user.
 * @public
 */
export class TestPostgres {
  readonly name: string;
  readonly dataDir: string;
  readonly port: number;
  readonly socketDir: string;
  readonly logFile: string;
  private readonly tools: RealBarmanTools;
  private running = false;

  constructor(options: {
    name: string;
    dataDir: string;
    port: number;
    socketDir: string;
    logFile: string;
    tools: RealBarmanTools;
  }) {
    this.name = options.name;
    this.dataDir = options.dataDir;
    this.port = options.port;
    this.socketDir = options.socketDir;
    this.logFile = options.logFile;
    this.tools = options.tools;
  }

  /** libpq environment to reach this instance (barman-cloud-backup reads PGHOST/PGPORT/PGUSER). */
  get connectionEnv(): Record<string, string> {
    return {
      PGHOST: '127.0.0.1',
      PGPORT: String(this.port),
      PGUSER: 'postgres',
      PGDATABASE: 'postgres',
    };
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** `pg_ctl start -w`: returns when the server accepts connections (in recovery: once consistent). */
  async start(): Promise<void> {
    installExitHook();
    liveInstances.add(this);
    try {
      await runCommand({
        command: join(this.tools.pgBin, 'pg_ctl'),
        args: [
          '-D',
          this.dataDir,
          '-l',
          this.logFile,
          '-w',
          '-t',
          '180',
          'start',
        ],
        asPostgres: true,
        timeoutMs: 200_000,
      });
      this.running = true;
    } catch (error) {
      liveInstances.delete(this);
      throw new Error(
        `${(error as Error).message}\n--- ${
          this.name
        } server log (tail) ---\n${this.logTail()}`,
      );
    }
  }

  /** Fast shutdown (falls back to immediate). Safe to call twice. */
  async stop(): Promise<void> {
    if (!this.running && !existsSync(join(this.dataDir, 'postmaster.pid'))) {
      liveInstances.delete(this);
      return;
    }
    const fast = await runCommand({
      command: join(this.tools.pgBin, 'pg_ctl'),
      args: ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '120', 'stop'],
      asPostgres: true,
      allowFailure: true,
      timeoutMs: 150_000,
    });
    if (
      fast.exitCode !== 0 &&
      existsSync(join(this.dataDir, 'postmaster.pid'))
    ) {
      await runCommand({
        command: join(this.tools.pgBin, 'pg_ctl'),
        args: ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop'],
        asPostgres: true,
        allowFailure: true,
      });
    }
    this.running = false;
    liveInstances.delete(this);
  }

  /** Synchronous SIGQUIT to the postmaster (immediate shutdown): for exit hooks only. */
  killSync(): void {
    try {
      const pid = Number(
        readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split(
          '\n',
        )[0],
      );
      if (pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // not running
    }
    this.running = false;
    liveInstances.delete(this);
  }

  /** Runs SQL with psql over TCP and returns the unaligned, tuples-only output of the last statement. */
  async sql(query: string): Promise<string> {
    const result = await runCommand({
      command: join(this.tools.pgBin, 'psql'),
      args: [
        '-X',
        '-A',
        '-t',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        '127.0.0.1',
        '-p',
        String(this.port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-c',
        query,
      ],
      timeoutMs: 120_000,
    });
    return result.stdout.trim();
  }

  /**
   * Writes a little (so the switch is never a no-op) and forces a WAL switch.
   * @returns the name of the segment just completed, which the archiver will now ship.
   */
  async switchWal(): Promise<string> {
    return this.sql(
      `CREATE TABLE IF NOT EXISTS harness_ticks (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), note text);
       INSERT INTO harness_ticks (note) VALUES ('wal switch');
       SELECT pg_walfile_name(pg_switch_wal());`,
    );
  }

  /** A small workload: a table with `rows` rows (about 100 bytes each), in one transaction. */
  async workload(table: string, rows: number): Promise<void> {
    await this.sql(
      `CREATE TABLE IF NOT EXISTS ${table} (id bigserial PRIMARY KEY, payload text NOT NULL, at timestamptz NOT NULL DEFAULT now());
       INSERT INTO ${table} (payload) SELECT md5(g::text) || md5((g * 7)::text) FROM generate_series(1, ${rows}) g;`,
    );
  }

  /** `ALTER SYSTEM SET archive_command` + reload (how the harness mixes compressions in one archive). */
  async setArchiveCommand(command: string): Promise<void> {
    await this.sql(`ALTER SYSTEM SET archive_command = ${confString(command)}`);
    await this.sql('SELECT pg_reload_conf()');
  }

  /** The current WAL segment name (the one being written). */
  async currentWalFile(): Promise<string> {
    return this.sql('SELECT pg_walfile_name(pg_current_wal_lsn())');
  }

  /** `pg_ctl promote -w` (a standby becomes a primary on the next timeline). */
  async promote(): Promise<void> {
    await runCommand({
      command: join(this.tools.pgBin, 'pg_ctl'),
      args: ['-D', this.dataDir, '-w', '-t', '120', 'promote'],
      asPostgres: true,
      timeoutMs: 150_000,
    });
  }

  /** Waits until this standby has replayed up to `lsn` (e.g. the primary's `pg_current_wal_lsn()`). */
  async waitForReplay(lsn: string, timeoutMs = 180_000): Promise<void> {
    await waitFor(
      async () => {
        const done = await this.sql(
          `SELECT coalesce(pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn, false)`,
        ).catch(() => 'f');
        return done === 't' ? true : undefined;
      },
      {
        timeoutMs,
        intervalMs: 300,
        onTimeout: () =>
          new HarnessTimeoutError(
            `${this.name} to replay up to ${lsn}`,
            timeoutMs,
            this.logTail(),
          ),
      },
    );
  }

  /** Waits until the instance has left recovery; returns its timeline. */
  async waitForPromotion(timeoutMs = 180_000): Promise<number> {
    await waitFor(
      async () => {
        const inRecovery = await this.sql('SELECT pg_is_in_recovery()').catch(
          () => 't',
        );
        return inRecovery === 'f' ? true : undefined;
      },
      {
        timeoutMs,
        intervalMs: 500,
        onTimeout: () =>
          new HarnessTimeoutError(
            `promotion of ${this.name}`,
            timeoutMs,
            this.logTail(),
          ),
      },
    );
    const walFile = await this.currentWalFile();
    return parseInt(walFile.slice(0, 8), 16);
  }

  /** `pg_stat_archiver` as one line, for diagnostics. */
  async archiverStatus(): Promise<string> {
    return this.sql(
      `SELECT format('archived=%s last=%s failed=%s last_failed=%s', archived_count, last_archived_wal, failed_count, last_failed_wal) FROM pg_stat_archiver`,
    ).catch(error => `unavailable: ${(error as Error).message}`);
  }

  /** The last lines of the server log. */
  logTail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8')
        .trim()
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/**
 * A temp directory owned by `postgres` holding every instance the harness creates; `dispose()` stops them
 * all and deletes it. Always call `dispose()` in a finally/afterAll.
 * @public
 */
export class PostgresWorkspace {
  readonly root: string;
  private readonly tools: RealBarmanTools;
  private readonly instances: TestPostgres[] = [];
  private disposed = false;

  private constructor(root: string, tools: RealBarmanTools) {
    this.root = root;
    this.tools = tools;
  }

  static create(tools: RealBarmanTools): PostgresWorkspace {
    const root = mkdtempSync(join(tmpdir(), 'cnpg-pg-'));
    makePostgresDir(root);
    return new PostgresWorkspace(root, tools);
  }

  /** A new directory inside the workspace, owned by postgres (for barman-cloud-restore targets). */
  newDirectory(name: string): string {
    const path = join(this.root, name);
    makePostgresDir(path);
    return path;
  }

  private async prepare(
    name: string,
  ): Promise<{ port: number; socketDir: string; logFile: string }> {
    const socketDir = this.newDirectory(`${name}-socket`);
    const logFile = join(this.root, `${name}.log`);
    return { port: await findFreePort(), socketDir, logFile };
  }

  /** Common settings: loopback only, UTC (so barman's zone-less ctime strings are UTC), fast and quiet. */
  private baseConfig(port: number, socketDir: string): string[] {
    return [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = ${confString(socketDir)}`,
      `timezone = 'UTC'`,
      `log_timezone = 'UTC'`,
      `wal_level = replica`,
      `max_wal_senders = 4`,
      // Test data only: durability against OS crashes is not needed, speed is.
      `fsync = off`,
      `shared_buffers = 32MB`,
      `max_connections = 20`,
      `log_line_prefix = '%m [%p] '`,
    ];
  }

  /**
   * `initdb -U postgres --auth=trust` and configure WAL archiving (when `archiveCommand` is given).
   * The instance is not started.
   */
  async initPrimary(options: {
    name: string;
    archiveCommand?: string;
  }): Promise<TestPostgres> {
    this.assertUsable();
    const { port, socketDir, logFile } = await this.prepare(options.name);
    const dataDir = join(this.root, options.name);
    await runCommand({
      command: join(this.tools.pgBin, 'initdb'),
      args: [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '--no-sync',
        '-E',
        'UTF8',
        '--locale=C',
      ],
      asPostgres: true,
      timeoutMs: 120_000,
    });
    const conf = this.baseConfig(port, socketDir);
    if (options.archiveCommand) {
      conf.push(
        `archive_mode = on`,
        `archive_command = ${confString(options.archiveCommand)}`,
      );
    }
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      `\n# cnpg-backups test harness\n${conf.join('\n')}\n`,
    );
    const instance = new TestPostgres({
      name: options.name,
      dataDir,
      port,
      socketDir,
      logFile,
      tools: this.tools,
    });
    this.instances.push(instance);
    return instance;
  }

  /**
   * Turns a data directory filled by barman-cloud-restore into a recovering instance: recovery settings in
   * postgresql.auto.conf (read last, so it beats the restored postgresql.conf), `recovery.signal`, and a
   * fresh port/socket. The instance is not started.
   */
  async restoreInstance(
    options: RestoreInstanceOptions,
  ): Promise<TestPostgres> {
    this.assertUsable();
    const { port, socketDir, logFile } = await this.prepare(options.name);
    const conf = this.baseConfig(port, socketDir);
    conf.push(`restore_command = ${confString(options.restoreCommand)}`);
    const target = options.recoveryTarget;
    if ('time' in target) {
      conf.push(`recovery_target_time = ${confString(target.time)}`);
      if (target.inclusive === false)
        conf.push(`recovery_target_inclusive = off`);
    } else if ('name' in target) {
      conf.push(`recovery_target_name = ${confString(target.name)}`);
    } else if ('lsn' in target) {
      conf.push(`recovery_target_lsn = ${confString(target.lsn)}`);
      if (target.inclusive === false)
        conf.push(`recovery_target_inclusive = off`);
    } else if ('immediate' in target) {
      conf.push(`recovery_target = 'immediate'`);
    }
    if (!('latest' in target)) {
      conf.push(
        `recovery_target_action = ${confString(
          options.targetAction ?? 'promote',
        )}`,
      );
    }
    if (options.standbyOf) {
      conf.push(
        `primary_conninfo = ${confString(
          `host=127.0.0.1 port=${options.standbyOf.port} user=postgres application_name=${options.name}`,
        )}`,
        `hot_standby = on`,
      );
    }
    conf.push(
      `recovery_target_timeline = ${confString(
        options.targetTimeline ?? 'latest',
      )}`,
    );
    if (options.archiveCommand) {
      conf.push(
        `archive_mode = on`,
        `archive_command = ${confString(options.archiveCommand)}`,
      );
    } else {
      conf.push(`archive_mode = off`);
    }
    // barman-cloud-restore leaves the source's pg_wal out of the tarball in some versions; recovery needs it.
    makePostgresDir(join(options.dataDir, 'pg_wal'));
    makePostgresDir(join(options.dataDir, 'pg_wal', 'archive_status'));
    appendFileSync(
      join(options.dataDir, 'postgresql.auto.conf'),
      `\n# cnpg-backups test harness: recovery\n${conf.join('\n')}\n`,
    );
    const signal = options.standbyOf ? 'standby.signal' : 'recovery.signal';
    writeFileSync(join(options.dataDir, signal), '');
    const owner = postgresOwner();
    if (owner) {
      for (const file of ['postgresql.auto.conf', signal]) {
        chownSync(join(options.dataDir, file), owner.uid, owner.gid);
      }
    }
    await runCommand({ command: 'chmod', args: ['0700', options.dataDir] });
    const instance = new TestPostgres({
      name: options.name,
      dataDir: options.dataDir,
      port,
      socketDir,
      logFile,
      tools: this.tools,
    });
    this.instances.push(instance);
    return instance;
  }

  /** Stops every instance and deletes the workspace (set `keep` to leave the files for debugging). */
  async dispose(options: { keep?: boolean } = {}): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const instance of this.instances) {
      await instance.stop().catch(() => instance.killSync());
    }
    if (!options.keep && !process.env.CNPG_KEEP_PG_WORKSPACE) {
      rmSync(this.root, { recursive: true, force: true });
    }
  }

  private assertUsable(): void {
    if (this.disposed)
      throw new Error(`PostgresWorkspace ${this.root} was already disposed`);
  }
}
