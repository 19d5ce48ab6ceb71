/**
 * Named errors of the real-PostgreSQL/barman-cloud test harness. Each says what to do next.
 */

/**
 * A binary the real-archive tests need (PostgreSQL 15, barman-cli-cloud, runuser) is not installed.
 * @public
 */
export class MissingToolError extends Error {
  readonly missing: string[];

  constructor(missing: string[], hint: string) {
    super(
      `Missing tools for the real Barman tests: ${missing.join(', ')}. ${hint}`,
    );
    this.name = 'MissingToolError';
    this.missing = missing;
  }
}

/**
 * An external command (initdb, pg_ctl, psql, barman-cloud-*) exited non-zero or could not start.
 * @public
 */
export class CommandFailedError extends Error {
  readonly command: string;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;

  constructor(options: {
    command: string;
    exitCode: number | null;
    stdout: string;
    stderr: string;
    reason?: string;
  }) {
    const tail = (text: string) =>
      text.trim().split('\n').slice(-15).join('\n');
    super(
      `Command failed (${options.reason ?? `exit code ${options.exitCode}`}): ${
        options.command
      }\n--- stderr (tail) ---\n${tail(
        options.stderr,
      )}\n--- stdout (tail) ---\n${tail(options.stdout)}`,
    );
    this.name = 'CommandFailedError';
    this.command = options.command;
    this.exitCode = options.exitCode;
    this.stdout = options.stdout;
    this.stderr = options.stderr;
  }
}

/**
 * A condition the harness waits for (promotion, WAL archived, port free) did not happen in time.
 * @public
 */
export class HarnessTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, detail?: string) {
    super(
      `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${
        detail ? `: ${detail}` : ''
      }`,
    );
    this.name = 'HarnessTimeoutError';
  }
}

/**
 * The cached real-Barman archive on disk is unusable (manifest missing/corrupt or of another version).
 * @public
 */
export class InvalidArchiveCacheError extends Error {
  constructor(directory: string, reason: string) {
    super(`Real-Barman archive cache at ${directory} is unusable: ${reason}`);
    this.name = 'InvalidArchiveCacheError';
  }
}
