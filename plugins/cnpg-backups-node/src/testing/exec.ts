import { spawn } from 'node:child_process';
import { CommandFailedError } from './errors';

/** Result of a finished command. @public */
export interface CommandResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Options for {@link runCommand}. @public */
export interface RunCommandOptions {
  command: string;
  args?: string[];
  /** Extra environment variables (added to the current environment). */
  env?: Record<string, string>;
  /**
   * Run as the `postgres` OS user. When this process is root that goes through `runuser`; otherwise the
   * command runs as the current user (who then owns the data directories).
   */
  asPostgres?: boolean;
  cwd?: string;
  /** Kill the command (SIGKILL) after this long. Default 5 minutes. */
  timeoutMs?: number;
  /** Return non-zero exits instead of throwing {@link CommandFailedError}. */
  allowFailure?: boolean;
}

/** Whether this process runs as root (then PostgreSQL must be run through `runuser -u postgres`). @public */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The argv that runs `command args` as the postgres OS user, with `env` set explicitly. */
export function postgresArgv(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): string[] {
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  // `runuser` resets HOME/USER/LOGNAME but keeps the rest of the environment; passing the variables
  // through `env` makes them explicit and independent of that behaviour.
  const inner = envArgs.length
    ? ['env', ...envArgs, command, ...args]
    : [command, ...args];
  return isRoot() ? ['runuser', '-u', 'postgres', '--', ...inner] : inner;
}

/**
 * Runs a command asynchronously (never spawnSync: the in-process s3rver must keep answering the
 * barman-cloud tools while we wait) and collects its output.
 * @public
 */
export function runCommand(options: RunCommandOptions): Promise<CommandResult> {
  const args = options.args ?? [];
  const argv = options.asPostgres
    ? postgresArgv(options.command, args, options.env)
    : [options.command, ...args];
  const printable = argv.join(' ');
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;

  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, ...(options.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', error => {
      clearTimeout(timer);
      reject(
        new CommandFailedError({
          command: printable,
          exitCode: null,
          stdout,
          stderr,
          reason: `could not start: ${error.message}`,
        }),
      );
    });
    child.on('close', exitCode => {
      clearTimeout(timer);
      const result = {
        exitCode,
        stdout,
        stderr,
        durationMs: Date.now() - started,
      };
      if (timedOut) {
        reject(
          new CommandFailedError({
            command: printable,
            exitCode,
            stdout,
            stderr,
            reason: `killed after ${timeoutMs} ms timeout`,
          }),
        );
      } else if (exitCode !== 0 && !options.allowFailure) {
        reject(
          new CommandFailedError({
            command: printable,
            exitCode,
            stdout,
            stderr,
          }),
        );
      } else {
        resolve(result);
      }
    });
  });
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. @public */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; onTimeout: () => Error },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw options.onTimeout();
    await new Promise(r => setTimeout(r, options.intervalMs ?? 250));
  }
}
