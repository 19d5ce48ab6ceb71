/**
 * Entry point of the `cnpg-backups` command line tool.
 */
import { Command, CommanderError } from 'commander';
import {
  CliIo,
  CliUsageError,
  EXIT_USAGE_OR_CONNECTION,
  runInspect,
} from './inspect';

const USAGE_ERROR_NAMES = new Set([
  'CliUsageError',
  'InvalidDestinationError',
  'UnknownS3ProviderError',
]);

/**
 * Runs the CLI with `argv` (as `process.argv`: node, script, args...). Resolves to the exit
 * code instead of exiting, so it can be called from tests.
 * @public
 */
export async function main(
  argv: string[],
  io: CliIo = {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    env: process.env,
    progress: process.stderr.isTTY === true,
  },
): Promise<number> {
  let exitCode = 0;
  const program = new Command('cnpg-backups')
    .description(
      'Read CloudNativePG Barman Cloud backups straight from S3-compatible storage (read-only).',
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  program
    .command('inspect')
    .description(
      'List the serverNames under a destination, or report the backups, WAL timelines, recovery window and diagnoses of one serverName.',
    )
    .requiredOption(
      '--destination <s3url>',
      'Barman destinationPath, s3://BUCKET[/PREFIX]',
    )
    .option(
      '--server-name <name>',
      'serverName folder to inspect; omit to list all serverNames',
    )
    .option(
      '--cluster <name>',
      'the CNPG Cluster archiving to --server-name, named by the fix commands (default: they say <cluster>; the serverName is not always the Cluster name)',
    )
    .option(
      '--endpoint <url>',
      'S3 endpoint URL (MinIO, R2, Hetzner...); omit for AWS',
    )
    .option(
      '--provider <provider>',
      'aws | r2 | hetzner | rustfs | minio | generic (default: detected from --endpoint)',
    )
    .option('--region <region>', 'region (default: from the provider)')
    .option('--ca-file <file>', 'PEM CA bundle to trust for the endpoint')
    .option('--format <format>', 'json | text', 'text')
    .option(
      '--concurrency <n>',
      'parallel listings per scan, and as many parallel GETs',
      '8',
    )
    .option(
      '--request-timeout <ms>',
      'time budget of one S3 request in milliseconds, retries included: no answer within it is an S3Timeout',
      '30000',
    )
    .option(
      '--progress',
      'report progress on stderr every 5 s (default when stderr is a terminal)',
    )
    .option('--no-progress', 'never report progress')
    .option(
      '--max-attempts <n>',
      'attempts per request (retries on throttling, 5xx, network errors)',
      '4',
    )
    .addHelpText(
      'after',
      '\nCredentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), else the standard AWS chain.\nExit codes: 0 healthy, 1 a readable archive with a finding of severity error, 2 usage error or the archive could not be read (named error on stderr; progress goes to stderr too, never stdout).',
    )
    .action(async options => {
      exitCode = await runInspect(options, io);
    });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; everything else is a usage error.
      return error.exitCode === 0 ? 0 : EXIT_USAGE_OR_CONNECTION;
    }
    const e = error as Error;
    if (USAGE_ERROR_NAMES.has(e?.name)) {
      io.stderr(`cnpg-backups: ${e.message}\n`);
      return EXIT_USAGE_OR_CONNECTION;
    }
    if (e instanceof CliUsageError) {
      io.stderr(`cnpg-backups: ${e.message}\n`);
      return EXIT_USAGE_OR_CONNECTION;
    }
    io.stderr(`cnpg-backups: unexpected error: ${e?.stack ?? String(error)}\n`);
    return EXIT_USAGE_OR_CONNECTION;
  }
}
