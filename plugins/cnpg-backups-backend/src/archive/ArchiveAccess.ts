/*
 * Reading a bucket folder for the service: a reader from the pool (endpoint policy, then Secret
 * credentials), the scan and the serverName listing through the ScanCache, each bounded by the
 * scan timeout. For a status, failures are SourceErrors; for an action, they are thrown.
 */
import {
  applyCatalogClusterName,
  archiveFolderKey,
  type ArchiveTarget,
  type BarmanCatalog,
  type ServerNameSummary,
  type SourceError,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CnpgKubernetesClient } from '../kubernetes';
import { toSourceError } from '../service/errors';
import type { ArchiveReaderPool } from './ArchiveReaderPool';
import type { ScanCache } from './ScanCache';
import { withTimeout } from './withTimeout';

/** What a status gets from the bucket. */
export interface ArchiveReadResult {
  /** Undefined when the folder could not be read at all. */
  catalog?: BarmanCatalog;
  serverNames?: ServerNameSummary[];
  /** Reading problems (scan errors included), in order. */
  errors: SourceError[];
}

export class ArchiveAccess {
  readonly #readers: ArchiveReaderPool;
  readonly #scanCache: ScanCache;
  readonly #timeoutMs: number;

  constructor(options: {
    readers: ArchiveReaderPool;
    scanCache: ScanCache;
    /** Upper bound for one bucket operation. */
    timeoutMs: number;
  }) {
    this.#readers = options.readers;
    this.#scanCache = options.scanCache;
    this.#timeoutMs = options.timeoutMs;
  }

  /**
   * The catalog of the target's serverName and the serverNames beside it (cached scans).
   *
   * The scan, and its cache entry, belong to the archive folder alone: Clusters sharing a
   * folder (a replica, a recovered Cluster before its first backup, several Kubernetes
   * clusters) share one scan. Its fixes say `<cluster>`; the Cluster of this status is filled
   * in here, on a copy, so no Cluster ever reads another one's name in a fix (the serverName
   * is not the Cluster's name: `orders` may archive to `orders-v2`).
   */
  async readCatalog(options: {
    client: CnpgKubernetesClient;
    namespace: string;
    /** The CNPG Cluster whose status this is, named by the fixes. */
    clusterName: string;
    archive: ArchiveTarget;
    refresh?: boolean;
  }): Promise<ArchiveReadResult> {
    const { archive } = options;
    const errors: SourceError[] = [];
    const target = `${archive.endpointURL ?? 'AWS S3'} ${
      archive.destinationPath
    }`;
    try {
      const reader = await this.#readers.readerFor(
        options.client,
        options.namespace,
        archive,
      );
      const [scanned, serverNames] = await Promise.all([
        this.#scanCache.getCatalog({
          key: archiveFolderKey(archive),
          refresh: options.refresh,
          scan: previous =>
            withTimeout(
              reader.scan({
                destination: archive.destinationPath,
                serverName: archive.serverName,
                previous,
              }),
              this.#timeoutMs,
              `Scan of ${archive.destinationPath}/${archive.serverName}`,
            ),
        }),
        this.#scanCache
          .getJson({
            key: `servernames:${archiveFolderKey({
              ...archive,
              serverName: '',
            })}`,
            refresh: options.refresh,
            compute: () =>
              withTimeout(
                reader.listServerNames({
                  destination: archive.destinationPath,
                }),
                this.#timeoutMs,
                `Listing serverNames under ${archive.destinationPath}`,
              ),
          })
          .catch(error => {
            errors.push(toSourceError(error, { source: 's3', target }));
            return undefined;
          }),
      ]);
      for (const scanError of scanned.scan.errors) {
        errors.push({
          source: 's3',
          name: scanError.name,
          message: scanError.key
            ? `${scanError.message} (${scanError.key})`
            : scanError.message,
          target,
        });
      }
      // A scan that read nothing at all is not a catalog: don't present "0 backups" as truth.
      const readNothing =
        !scanned.scan.complete &&
        scanned.backups.length === 0 &&
        scanned.scan.walObjects === 0;
      return {
        catalog: readNothing
          ? undefined
          : applyCatalogClusterName(scanned, {
              clusterName: options.clusterName,
            }),
        serverNames,
        errors,
      };
    } catch (error) {
      errors.push(toSourceError(error, { source: 's3', target }));
      return { errors };
    }
  }

  /**
   * Whether `<destination>/<serverName>/wals/` holds no WAL (uncached: it decides a write).
   * Throws the endpoint, credential, destination or timeout error as is.
   */
  async isServerNameEmpty(options: {
    client: CnpgKubernetesClient;
    namespace: string;
    archive: ArchiveTarget;
    serverName: string;
  }): Promise<{ empty: boolean; walObjects: number }> {
    const { archive, serverName } = options;
    const reader = await this.#readers.readerFor(
      options.client,
      options.namespace,
      archive,
    );
    const { empty, walObjects } = await withTimeout(
      reader.isServerNameEmpty({
        destination: archive.destinationPath,
        serverName,
      }),
      this.#timeoutMs,
      `Listing ${archive.destinationPath}/${serverName}/wals/`,
    );
    return { empty, walObjects };
  }
}
