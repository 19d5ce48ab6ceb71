import { CommandFailedError } from './errors';
import { CommandResult, runCommand } from './exec';
import { S3RVER_CREDENTIALS } from './s3rverServer';
import { RealBarmanTools } from './tools';
import type { TestPostgres } from './postgres';

/** Compressions the harness uses (`--snappy` is broken with Debian's python3-snappy). @public */
export type BarmanTestCompression = 'gzip' | 'bzip2';

/** One element of `barman-cloud-backup-list --format json` (fields the tests read; barman adds more). @public */
export interface BarmanBackupListEntry {
  backup_id: string;
  backup_name?: string;
  status: string;
  /** ctime string without zone, e.g. `Sat Nov 21 23:19:12 2026` (UTC here: the harness runs PG in UTC). */
  begin_time: string | null;
  end_time: string | null;
  /** Only barman 3.12.1 and later. */
  begin_time_iso?: string | null;
  end_time_iso?: string | null;
  begin_wal: string | null;
  end_wal: string | null;
  begin_xlog: string | null;
  end_xlog: string | null;
  timeline: number | null;
  error: string | null;
  server_name: string;
  [key: string]: unknown;
}

const COMPRESSION_FLAG: Record<BarmanTestCompression, string> = {
  gzip: '--gzip',
  bzip2: '--bzip2',
};

/**
 * The barman-cloud command-line tools pointed at one S3 destination (`s3://bucket/prefix`) on s3rver.
 * @public
 */
export class BarmanCloud {
  readonly endpoint: string;
  readonly destination: string;
  private readonly tools: RealBarmanTools;

  constructor(options: {
    tools: RealBarmanTools;
    endpoint: string;
    destination: string;
  }) {
    this.tools = options.tools;
    this.endpoint = options.endpoint;
    this.destination = options.destination;
  }

  /** Credentials and region for boto3 (s3rver ignores the region but boto3 wants one). */
  get env(): Record<string, string> {
    return {
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
    };
  }

  private get commonArgs(): string[] {
    return ['--endpoint-url', this.endpoint, '--cloud-provider', 'aws-s3'];
  }

  private envPrefix(): string {
    return `env ${Object.entries(this.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`;
  }

  /** An `archive_command` that ships `%p` into `serverName` with the given compression. */
  walArchiveCommand(options: {
    serverName: string;
    compression: BarmanTestCompression;
  }): string {
    return [
      this.envPrefix(),
      this.tools.barman.walArchive,
      ...this.commonArgs,
      COMPRESSION_FLAG[options.compression],
      this.destination,
      options.serverName,
      '%p',
    ].join(' ');
  }

  /** A `restore_command` that fetches `%f` from `serverName` into `%p`. */
  walRestoreCommand(options: { serverName: string }): string {
    return [
      this.envPrefix(),
      this.tools.barman.walRestore,
      ...this.commonArgs,
      this.destination,
      options.serverName,
      '%f',
      '%p',
    ].join(' ');
  }

  /**
   * `barman-cloud-backup --immediate-checkpoint` of a running instance, as postgres.
   * @returns the new backup id (found by diffing the catalog, so FAILED backups are found too) and the run.
   */
  async backup(options: {
    serverName: string;
    postgres: TestPostgres;
    compression: BarmanTestCompression;
    name?: string;
    allowFailure?: boolean;
  }): Promise<{ backupId: string | undefined; result: CommandResult }> {
    const before = new Set(
      (await this.backupList(options.serverName)).map(b => b.backup_id),
    );
    const args = [
      ...this.commonArgs,
      '--immediate-checkpoint',
      COMPRESSION_FLAG[options.compression],
      '-h',
      '127.0.0.1',
      '-p',
      String(options.postgres.port),
      '-U',
      'postgres',
      ...(options.name ? ['-n', options.name] : []),
      this.destination,
      options.serverName,
    ];
    const result = await runCommand({
      command: this.tools.barman.backup,
      args,
      env: { ...this.env, PGDATA: options.postgres.dataDir },
      asPostgres: true,
      allowFailure: options.allowFailure,
      timeoutMs: 10 * 60_000,
    });
    const after = await this.backupList(options.serverName);
    const created = after.map(b => b.backup_id).filter(id => !before.has(id));
    return { backupId: created[0], result };
  }

  /** `barman-cloud-backup-list --format json`, parsed. */
  async backupList(serverName: string): Promise<BarmanBackupListEntry[]> {
    const result = await runCommand({
      command: this.tools.barman.backupList,
      args: [
        ...this.commonArgs,
        '--format',
        'json',
        this.destination,
        serverName,
      ],
      env: this.env,
      timeoutMs: 5 * 60_000,
    });
    try {
      return (
        JSON.parse(result.stdout) as { backups_list: BarmanBackupListEntry[] }
      ).backups_list;
    } catch (error) {
      throw new CommandFailedError({
        command: 'barman-cloud-backup-list --format json',
        exitCode: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr,
        reason: `output is not JSON: ${(error as Error).message}`,
      });
    }
  }

  /** `barman-cloud-check-wal-archive` (exit 1 + "Expected empty archive" when wals/ is not empty). */
  checkWalArchive(
    serverName: string,
    options: { timeline?: number } = {},
  ): Promise<CommandResult> {
    return runCommand({
      command: this.tools.barman.checkWalArchive,
      args: [
        ...this.commonArgs,
        ...(options.timeline !== undefined
          ? ['--timeline', String(options.timeline)]
          : []),
        this.destination,
        serverName,
      ],
      env: this.env,
      allowFailure: true,
      timeoutMs: 5 * 60_000,
    });
  }

  /** `barman-cloud-restore` of `backupId` into `destinationDir` (created by barman if missing), as postgres. */
  async restore(options: {
    serverName: string;
    backupId: string;
    destinationDir: string;
  }): Promise<CommandResult> {
    return runCommand({
      command: this.tools.barman.restore,
      args: [
        ...this.commonArgs,
        this.destination,
        options.serverName,
        options.backupId,
        options.destinationDir,
      ],
      env: this.env,
      asPostgres: true,
      timeoutMs: 10 * 60_000,
    });
  }
}
