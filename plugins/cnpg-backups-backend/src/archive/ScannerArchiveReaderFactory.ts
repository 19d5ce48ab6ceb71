/*
 * The real ArchiveReader: the node package's read-only S3 client + Barman archive scanner.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  BarmanArchiveScanner,
  createS3Client,
  type ArchiveConnection,
  type ArchiveReader,
  type ArchiveReaderFactory,
  type ScanState,
} from '@cnpg-backups/plugin-cnpg-backups-node';

/** Options for {@link ScannerArchiveReaderFactory.create}. @public */
export interface ScannerArchiveReaderFactoryOptions {
  /** Requests in flight per scan. Default 8 (`cnpgBackups.scan.concurrency`). */
  concurrency?: number;
  /** Per S3 request timeout. Default 15 s (a status page should not wait 2 minutes). */
  requestTimeoutMs?: number;
  logger?: LoggerService;
  /**
   * The clock scans read (`scannedAt`, the 6-hour grace for backups without backup.info, the
   * age of a previous scan). Default the real clock; the plugin passes the clock extension
   * point's.
   */
  now?: () => Date;
}

/** {@link ArchiveReaderFactory} over `BarmanArchiveScanner`. @public */
export class ScannerArchiveReaderFactory implements ArchiveReaderFactory {
  readonly #options: ScannerArchiveReaderFactoryOptions;

  static create(
    options: ScannerArchiveReaderFactoryOptions = {},
  ): ScannerArchiveReaderFactory {
    return new ScannerArchiveReaderFactory(options);
  }

  private constructor(options: ScannerArchiveReaderFactoryOptions) {
    this.#options = options;
  }

  create(connection: ArchiveConnection): ArchiveReader {
    const client = createS3Client({
      endpoint: connection.endpoint,
      provider: connection.provider,
      region: connection.region,
      credentials: connection.credentials,
      caBundle: connection.caBundle,
      requestTimeoutMs: this.#options.requestTimeoutMs ?? 15_000,
      maxAttempts: 3,
    });
    const scanner = BarmanArchiveScanner.create({
      client,
      concurrency: this.#options.concurrency ?? 8,
      now: this.#options.now,
      logger: this.#options.logger
        ? {
            debug: (message, meta) =>
              this.#options.logger!.debug(message, meta as any),
            warn: (message, meta) =>
              this.#options.logger!.warn(message, meta as any),
          }
        : undefined,
    });
    return {
      // No clusterName: the catalog is cached per archive folder and shared by every Cluster
      // writing it; ArchiveAccess names the Cluster of each status.
      scan: options =>
        scanner.scan({
          destination: options.destination,
          serverName: options.serverName,
          previous: options.previous as ScanState | undefined,
        }),
      listServerNames: options => scanner.listServerNames(options),
      isServerNameEmpty: options => scanner.isServerNameEmpty(options),
    };
  }
}
