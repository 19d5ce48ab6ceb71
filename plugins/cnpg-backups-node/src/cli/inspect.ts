/**
 * `cnpg-backups inspect`: read a Barman Cloud archive and report what it holds.
 */
import fs from 'node:fs';
import {
  isDns1123Label,
  type BarmanCatalog,
  type S3Provider,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { createS3Client, S3StaticCredentials } from '../s3/createS3Client';
import { parseDestination } from '../s3/destination';
import { S3_READ_FAILURE_NAMES, toS3AccessError } from '../s3/errors';
import { parseS3Provider } from '../s3/providers';
import {
  BarmanArchiveScanner,
  ScanProgress,
} from '../scanner/BarmanArchiveScanner';
import { renderCatalogText, renderServerNamesText } from './textReport';

/** Exit codes of the CLI. @public */
export const EXIT_HEALTHY = 0;
/** @public */
export const EXIT_FINDINGS = 1;
/** @public */
export const EXIT_USAGE_OR_CONNECTION = 2;

/** A usage or connection problem: printed on stderr, exit code 2. @public */
export class CliUsageError extends Error {
  readonly name = 'CliUsageError';
}

/** One serverName in `inspect` without `--server-name`. @public */
export interface ServerNameLine {
  serverName: string;
  hasBase: boolean;
  hasWals: boolean;
  backups: number;
  /** Newest DONE backup. */
  lastBackup?: { id: string; endTime?: string };
  /** Last segment of the highest timeline. */
  lastWal?: string;
  diagnoses: { error: number; warning: number; info: number };
  scanComplete: boolean;
  /** Names of the scan errors, if any. */
  scanErrors: string[];
}

/** The JSON printed by `inspect` without `--server-name` (schemaVersion 1). @public */
export interface ServerNamesReport {
  schemaVersion: 1;
  destination: string;
  serverNames: ServerNameLine[];
}

/** Parsed options of `inspect`. @public */
export interface InspectOptions {
  destination: string;
  serverName?: string;
  /** `--cluster`: the CNPG Cluster archiving to `serverName`, named by the fixes (else `<cluster>`). */
  cluster?: string;
  endpoint?: string;
  provider?: string;
  region?: string;
  caFile?: string;
  format?: string;
  concurrency?: string;
  requestTimeout?: string;
  maxAttempts?: string;
  /** `--progress` (true) / `--no-progress` (false); undefined: {@link CliIo.progress}. */
  progress?: boolean;
}

/** Where the CLI writes, and the environment it reads credentials from. @public */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /**
   * Write progress to stderr while S3 calls run (default: when stderr is a terminal; `--progress`
   * and `--no-progress` override). Never on stdout.
   */
  progress?: boolean;
  /** How often progress is written. Default 5,000 ms. */
  progressIntervalMs?: number;
}

function positiveInt(
  flag: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new CliUsageError(
      `${flag} must be a positive integer, got "${value}"`,
    );
  }
  return n;
}

function credentialsFrom(
  env: NodeJS.ProcessEnv,
): S3StaticCredentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId && !secretAccessKey) return undefined; // the standard AWS chain
  if (!accessKeyId || !secretAccessKey) {
    throw new CliUsageError(
      `${
        accessKeyId ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'
      } is set but ${
        accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'
      } is not: set both (or neither, to use the standard AWS credential chain)`,
    );
  }
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}

/** Summarises a catalog in one line. @public */
export function summarizeCatalog(
  catalog: BarmanCatalog,
  layout: { hasBase: boolean; hasWals: boolean },
): ServerNameLine {
  const done = catalog.backups.filter(b => b.status === 'DONE');
  const last = done[done.length - 1];
  const timelines = catalog.wal.timelines.filter(t => t.lastSegment);
  const count = (severity: string) =>
    catalog.diagnoses.filter(d => d.severity === severity).length;
  return {
    serverName: catalog.serverName,
    hasBase: layout.hasBase,
    hasWals: layout.hasWals,
    backups: catalog.backups.length,
    ...(last
      ? {
          lastBackup: {
            id: last.id,
            ...(last.endTime ? { endTime: last.endTime } : {}),
          },
        }
      : {}),
    ...(timelines.length
      ? { lastWal: timelines[timelines.length - 1].lastSegment }
      : {}),
    diagnoses: {
      error: count('error'),
      warning: count('warning'),
      info: count('info'),
    },
    scanComplete: catalog.scan.complete,
    scanErrors: [...new Set(catalog.scan.errors.map(e => e.name))],
  };
}

/** The scan errors that mean the archive could not be read (not findings about it). */
function connectionProblems(catalog: BarmanCatalog): string[] {
  return [
    ...new Set(
      catalog.scan.errors
        .filter(e => S3_READ_FAILURE_NAMES.has(e.name))
        .map(e => `${e.name}: ${e.message}`),
    ),
  ];
}

function formatProgress(p: ScanProgress, elapsedMs: number): string {
  const what = p.serverName
    ? `${p.destination} (${p.serverName})`
    : `serverNames under ${p.destination}`;
  const waiting =
    p.inFlight > 0
      ? `, waiting for ${p.inFlight} answer(s)${
          p.lastKey ? ` (last: ${p.lastKey})` : ''
        }`
      : '';
  return `cnpg-backups: reading ${what}: ${p.keysListed.toLocaleString(
    'en-US',
  )} keys listed, ${p.requests} requests, ${Math.round(
    elapsedMs / 1000,
  )} s${waiting}\n`;
}

/**
 * Writes the latest scan progress to stderr every `intervalMs` while S3 calls run (stdout,
 * whose JSON is a public contract, never gets progress).
 */
function progressReporter(io: CliIo, enabled: boolean) {
  if (!enabled) return { onProgress: undefined, stop: () => {} };
  const started = Date.now();
  let latest: ScanProgress | undefined;
  const timer = setInterval(() => {
    if (latest) io.stderr(formatProgress(latest, Date.now() - started));
  }, Math.max(50, io.progressIntervalMs ?? 5_000));
  timer.unref?.();
  return {
    onProgress: (p: ScanProgress) => {
      latest = p;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * Runs `inspect`. Returns the exit code: 0 healthy, 1 a diagnosis with severity error,
 * 2 a usage or connection problem (also written to stderr).
 * @public
 */
export async function runInspect(
  options: InspectOptions,
  io: CliIo,
): Promise<number> {
  const format = options.format ?? 'text';
  if (format !== 'json' && format !== 'text') {
    throw new CliUsageError(`--format must be json or text, got "${format}"`);
  }
  parseDestination(options.destination); // named error before any request
  if (options.cluster !== undefined) {
    if (!options.serverName) {
      throw new CliUsageError(
        '--cluster needs --server-name: it names the Cluster archiving to that serverName',
      );
    }
    if (!isDns1123Label(options.cluster)) {
      throw new CliUsageError(
        `--cluster must be a Cluster name (lowercase letters, digits and "-", at most 63, starting and ending with a letter or digit), got ${JSON.stringify(
          options.cluster,
        )}`,
      );
    }
  }
  const provider: S3Provider | undefined = options.provider
    ? parseS3Provider(options.provider)
    : undefined;
  const concurrency = positiveInt('--concurrency', options.concurrency, 8);
  const requestTimeoutMs = positiveInt(
    '--request-timeout',
    options.requestTimeout,
    30_000,
  );
  const maxAttempts = positiveInt('--max-attempts', options.maxAttempts, 4);
  let caBundle: string | undefined;
  if (options.caFile) {
    try {
      caBundle = fs.readFileSync(options.caFile, 'utf8');
    } catch (error) {
      throw new CliUsageError(
        `Cannot read --ca-file ${options.caFile}: ${(error as Error).message}`,
      );
    }
    if (!caBundle.includes('-----BEGIN CERTIFICATE-----')) {
      throw new CliUsageError(
        `--ca-file ${options.caFile} holds no PEM certificate`,
      );
    }
  }
  const credentials = credentialsFrom(io.env);
  const client = createS3Client({
    endpoint: options.endpoint,
    provider,
    region: options.region,
    caBundle,
    credentials,
    requestTimeoutMs,
    maxAttempts,
  });
  const progress = progressReporter(
    io,
    options.progress ?? io.progress ?? false,
  );
  try {
    const scanner = BarmanArchiveScanner.create({
      client,
      concurrency,
      onProgress: progress.onProgress,
    });
    if (options.serverName) {
      const { catalog } = await scanner.scan({
        destination: options.destination,
        serverName: options.serverName,
        ...(options.cluster !== undefined
          ? { clusterName: options.cluster }
          : {}),
      });
      const problems = connectionProblems(catalog);
      if (problems.length) {
        // Not a finding about the archive: a catalog built from a failed read would call the
        // archive empty or gapped and advise a base backup. Nothing goes to stdout.
        io.stderr(
          `cnpg-backups: cannot read ${options.destination} (${
            options.serverName
          }):\n${problems.map(p => `  ${p}`).join('\n')}\n`,
        );
        return EXIT_USAGE_OR_CONNECTION;
      }
      io.stdout(
        format === 'json'
          ? `${JSON.stringify(catalog, null, 2)}\n`
          : renderCatalogText(catalog),
      );
      return catalog.diagnoses.some(d => d.severity === 'error')
        ? EXIT_FINDINGS
        : EXIT_HEALTHY;
    }

    let layouts;
    try {
      layouts = await scanner.listServerNames({
        destination: options.destination,
      });
    } catch (error) {
      const mapped = toS3AccessError(error);
      io.stderr(
        `cnpg-backups: cannot list ${options.destination}: ${mapped.name}: ${mapped.message}\n`,
      );
      return EXIT_USAGE_OR_CONNECTION;
    }
    const lines: ServerNameLine[] = [];
    let connectionFailure = false;
    // Scans one serverName at a time; each scan is itself parallel.
    for (const layout of layouts) {
      const { catalog } = await scanner.scan({
        destination: options.destination,
        serverName: layout.serverName,
      });
      lines.push(summarizeCatalog(catalog, layout));
      const problems = connectionProblems(catalog);
      if (problems.length) {
        connectionFailure = true;
        io.stderr(
          `cnpg-backups: cannot fully read ${layout.serverName}:\n${problems
            .map(p => `  ${p}`)
            .join('\n')}\n`,
        );
      }
    }
    const report: ServerNamesReport = {
      schemaVersion: 1,
      destination: options.destination,
      serverNames: lines,
    };
    io.stdout(
      format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : renderServerNamesText(options.destination, lines),
    );
    if (connectionFailure) return EXIT_USAGE_OR_CONNECTION;
    return lines.some(l => l.diagnoses.error > 0)
      ? EXIT_FINDINGS
      : EXIT_HEALTHY;
  } finally {
    progress.stop();
    client.destroy();
  }
}
