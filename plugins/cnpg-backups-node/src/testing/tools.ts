import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { MissingToolError } from './errors';
import { isRoot, runCommand } from './exec';

/** The command that installs everything the real-archive tests need. @public */
export const ENSURE_APT_COMMAND =
  'scripts/ensure-apt.sh postgresql-15 barman-cli-cloud';

/** Where the real tools live on this machine. @public */
export interface RealBarmanTools {
  /** Directory holding initdb, pg_ctl, psql (e.g. `/usr/lib/postgresql/15/bin`). */
  pgBin: string;
  /** Absolute paths of the barman-cloud commands. */
  barman: {
    backup: string;
    backupList: string;
    walArchive: string;
    walRestore: string;
    restore: string;
    checkWalArchive: string;
  };
  /** e.g. `3.4.0`. */
  barmanVersion: string;
  /** e.g. `15.18`. */
  pgVersion: string;
}

const BARMAN_COMMANDS = {
  backup: 'barman-cloud-backup',
  backupList: 'barman-cloud-backup-list',
  walArchive: 'barman-cloud-wal-archive',
  walRestore: 'barman-cloud-wal-restore',
  restore: 'barman-cloud-restore',
  checkWalArchive: 'barman-cloud-check-wal-archive',
} as const;

function which(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '')
    .split(delimiter)
    .concat(['/usr/bin', '/usr/sbin', '/sbin']);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds PostgreSQL 15 and barman-cli-cloud. Throws {@link MissingToolError} naming the missing pieces
 * and the exact install command. `CNPG_PG_BIN` overrides the PostgreSQL bin directory.
 * @public
 */
export async function findRealBarmanTools(): Promise<RealBarmanTools> {
  const pgBin = process.env.CNPG_PG_BIN ?? '/usr/lib/postgresql/15/bin';
  const missing: string[] = [];
  for (const tool of ['initdb', 'pg_ctl', 'psql']) {
    if (!existsSync(join(pgBin, tool))) missing.push(join(pgBin, tool));
  }
  const barman: Partial<Record<keyof typeof BARMAN_COMMANDS, string>> = {};
  for (const [key, name] of Object.entries(BARMAN_COMMANDS)) {
    const found = which(name);
    if (found) barman[key as keyof typeof BARMAN_COMMANDS] = found;
    else missing.push(name);
  }
  if (isRoot() && !which('runuser')) missing.push('runuser (util-linux)');
  if (missing.length === 0 && isRoot()) {
    const id = await runCommand({
      command: 'id',
      args: ['-u', 'postgres'],
      allowFailure: true,
    });
    if (id.exitCode !== 0)
      missing.push('OS user "postgres" (created by the postgresql-15 package)');
  }
  if (missing.length > 0) {
    throw new MissingToolError(
      missing,
      `Install them with \`${ENSURE_APT_COMMAND}\` (run from the repository root, as root or with sudo).`,
    );
  }
  const versionRun = await runCommand({
    command: barman.backup!,
    args: ['--version'],
  });
  const barmanVersion = `${versionRun.stdout} ${versionRun.stderr}`.trim();
  const pgVersion = (
    await runCommand({ command: join(pgBin, 'postgres'), args: ['--version'] })
  ).stdout.trim();
  return {
    pgBin,
    barman: barman as RealBarmanTools['barman'],
    // `barman-cloud-backup 3.4.0` (3.4 prints it on stdout; some versions use stderr).
    barmanVersion: barmanVersion.split(/\s+/).pop() ?? 'unknown',
    // `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`
    pgVersion: /PostgreSQL\)\s+(\S+)/.exec(pgVersion)?.[1] ?? 'unknown',
  };
}
