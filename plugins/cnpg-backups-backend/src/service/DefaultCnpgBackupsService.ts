/*
 * The default CnpgBackupsService: orchestration only. One status request, in order: the
 * entity-response cache → the locator (entity → Clusters, reads through the caching Kubernetes
 * client) → per database the status cache → DatabaseInputsGatherer (Kubernetes reads, archive
 * target, bucket) → -common assembleDatabaseStatus (reconciliation, diagnoses, health, once) →
 * within the response, databases sharing a folder across namespaces assembled again with the
 * others as an input. The actions live in BackupCreator and RecoveryClusterCreator.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  type ArchiveWriter,
  assembleDatabaseStatus,
  crossDatabaseWriters,
  shellStatus,
  type CreateBackupResponse,
  type DatabaseStatus,
  type EntityBackupStatusResponse,
  type SourceError,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { ArchiveReaderFactory, S3EndpointPolicy } from '../archive';
import { ArchiveAccess } from '../archive/ArchiveAccess';
import { ArchiveReaderPool } from '../archive/ArchiveReaderPool';
import { ArchiveTargetResolver } from '../archive/ArchiveTargetResolver';
import type { ScanCache } from '../archive/ScanCache';
import {
  CachingCnpgKubernetesClient,
  CrdNotInstalledError,
  KubernetesObjectNotFoundError,
  KubernetesReadCache,
  type CnpgCluster,
  type CnpgKubernetesClient,
  type KubernetesClientRegistry,
} from '../kubernetes';
import { AnnotationClusterLocator, type ClusterLocator } from '../locator';
import { BackupCreator } from './BackupCreator';
import { DatabaseInputsGatherer } from './DatabaseInputsGatherer';
import { toSourceError, uniqueErrors } from './errors';
import {
  RecoveryClusterCreator,
  type ClusterManifestValidator,
} from './RecoveryClusterCreator';
import { ServerNameAvailability } from './ServerNameAvailability';
import { StatusCache } from './StatusCache';
import type {
  CnpgBackupsService,
  CreateClusterResponse,
  DatabaseRef,
  ServerNameEmptinessResponse,
} from './types';

export type { ClusterManifestValidator } from './RecoveryClusterCreator';

/** Options for {@link DefaultCnpgBackupsService.create}. @public */
export interface DefaultCnpgBackupsServiceOptions {
  logger: LoggerService;
  kubernetes: KubernetesClientRegistry;
  archiveReaders: ArchiveReaderFactory;
  endpointPolicy: S3EndpointPolicy;
  scanCache: ScanCache;
  /**
   * Short-lived cache of assembled statuses and entity responses
   * (`cnpgBackups.cache.statusTtlSeconds`). Default: nothing is kept between requests.
   */
  statusCache?: StatusCache;
  /**
   * Short-lived cache of the Kubernetes reads behind statuses (same TTL as the statuses).
   * Default: nothing is kept between requests.
   */
  kubernetesReads?: KubernetesReadCache;
  /** Entity → Clusters. Default: from the entity's annotations ({@link AnnotationClusterLocator}). */
  locator?: ClusterLocator;
  /** Upper bound for one bucket scan; default 60 s. */
  scanTimeoutMs?: number;
  validateClusterManifest?: ClusterManifestValidator;
  now?: () => Date;
}

/**
 * The default {@link CnpgBackupsService}.
 * @public
 */
export class DefaultCnpgBackupsService implements CnpgBackupsService {
  readonly #kubernetes: KubernetesClientRegistry;
  readonly #statusCache: StatusCache;
  readonly #kubernetesReads: KubernetesReadCache;
  readonly #now: () => Date;
  readonly #locator: ClusterLocator;
  readonly #targets = new ArchiveTargetResolver();
  readonly #archives: ArchiveAccess;
  readonly #inputs: DatabaseInputsGatherer;
  readonly #backups: BackupCreator;
  readonly #recoveries: RecoveryClusterCreator;
  readonly #serverNames: ServerNameAvailability;

  static create(
    options: DefaultCnpgBackupsServiceOptions,
  ): DefaultCnpgBackupsService {
    return new DefaultCnpgBackupsService(options);
  }

  private constructor(options: DefaultCnpgBackupsServiceOptions) {
    this.#kubernetes = options.kubernetes;
    this.#statusCache = options.statusCache ?? StatusCache.disabled();
    this.#kubernetesReads =
      options.kubernetesReads ?? KubernetesReadCache.disabled();
    this.#now = options.now ?? (() => new Date());
    this.#locator =
      options.locator ??
      new AnnotationClusterLocator({
        kubernetes: this.#kubernetes,
        reader: (client, refresh) => this.#cachedReads(client, refresh),
      });
    this.#archives = new ArchiveAccess({
      readers: new ArchiveReaderPool({
        factory: options.archiveReaders,
        endpointPolicy: options.endpointPolicy,
      }),
      scanCache: options.scanCache,
      timeoutMs: options.scanTimeoutMs ?? 60_000,
    });
    this.#inputs = new DatabaseInputsGatherer({
      archives: this.#archives,
      targets: this.#targets,
    });
    const forget = (ref: {
      kubernetesCluster: string;
      namespace: string;
      name?: string;
    }) => this.#forget(ref);
    this.#backups = new BackupCreator({
      kubernetes: this.#kubernetes,
      logger: options.logger,
      now: this.#now,
      forget,
    });
    this.#recoveries = new RecoveryClusterCreator({
      kubernetes: this.#kubernetes,
      logger: options.logger,
      targets: this.#targets,
      archives: this.#archives,
      validateClusterManifest: options.validateClusterManifest,
      forget,
    });
    this.#serverNames = new ServerNameAvailability({
      kubernetes: this.#kubernetes,
      targets: this.#targets,
      archives: this.#archives,
      reserved: kubernetesCluster =>
        this.#recoveries.reserved(kubernetesCluster),
    });
  }

  /**
   * The client's reads through the Kubernetes read cache (one read per cluster, namespace and
   * resource for the TTL, shared by every database and request); Secrets and writes pass through.
   */
  #cachedReads(
    client: CnpgKubernetesClient,
    refresh: boolean | undefined,
  ): CnpgKubernetesClient {
    return CachingCnpgKubernetesClient.wrap(client, this.#kubernetesReads, {
      refresh,
    });
  }

  /** After a write: the namespace's reads and the statuses (of the namespace, or one Cluster). */
  async #forget(ref: {
    kubernetesCluster: string;
    namespace: string;
    name?: string;
  }): Promise<void> {
    this.#kubernetesReads.invalidate({
      kubernetesCluster: ref.kubernetesCluster,
      namespace: ref.namespace,
    });
    await this.#statusCache.invalidate(ref);
  }

  /** One database's status through the status cache. */
  #cachedStatus(options: {
    client: CnpgKubernetesClient;
    cluster: CnpgCluster;
    refresh?: boolean;
    /** False: not kept in the status cache (see CnpgBackupsService.getDatabaseStatus). */
    keep?: boolean;
  }): Promise<DatabaseStatus> {
    return this.#statusCache.getStatus({
      id: StatusCache.databaseKey({
        kubernetesCluster: options.client.clusterName,
        namespace: options.cluster.metadata.namespace ?? '',
        name: options.cluster.metadata.name,
      }),
      refresh: options.refresh,
      keep: options.keep,
      build: () => this.#buildStatus(options),
    });
  }

  /**
   * Gathers everything about one database and assembles its status once. `otherWriters`:
   * other databases of the same response writing to the same folder (see getEntityStatus).
   */
  async #buildStatus(options: {
    client: CnpgKubernetesClient;
    cluster: CnpgCluster;
    refresh?: boolean;
    otherWriters?: ArchiveWriter[];
  }): Promise<DatabaseStatus> {
    const now = this.#now();
    const inputs = await this.#inputs.gather(options);
    return assembleDatabaseStatus({
      ...inputs,
      now,
      otherWriters: options.otherWriters,
    });
  }

  // ---------------------------------------------------------------- entity status

  async getEntityStatus(options: {
    entity: Entity;
    refresh?: boolean;
  }): Promise<EntityBackupStatusResponse> {
    const entityRef = stringifyEntityRef(options.entity);
    // Which databases an entity shows depends only on its ref and annotations. The caller's
    // access to the entity was checked (catalog read with their credentials) before this call.
    const responseKey = `${entityRef}\n${JSON.stringify(
      options.entity.metadata.annotations ?? {},
    )}`;
    if (!options.refresh) {
      const cached = this.#statusCache.getEntityResponse(responseKey);
      if (cached) return cached;
    }
    const response = (databases: DatabaseStatus[], errors: SourceError[]) => ({
      entityRef,
      databases: databases.sort((a, b) => a.id.localeCompare(b.id)),
      errors: uniqueErrors(errors),
      generatedAt: this.#now().toISOString(),
    });

    const { found, shells, errors } = await this.#locator.locate(options);

    const databases = await Promise.all(
      found.map(({ client, cluster }) =>
        this.#cachedStatus({ client, cluster, refresh: options.refresh }),
      ),
    );
    const result = response(
      [...(await this.#withCrossDatabaseWriters(found, databases)), ...shells],
      errors,
    );
    // Errors (a missing Cluster, an unreachable Kubernetes API) are never kept: the next
    // request asks again.
    if (shells.length === 0 && result.errors.length === 0) {
      this.#statusCache.setEntityResponse(responseKey, result, databases);
    }
    return result;
  }

  /**
   * Within one response, databases from different namespaces or Kubernetes clusters may still
   * write to the same folder; the per-database check only sees its own namespace. A database
   * that shares its folder with others of the response is assembled again with them as an
   * input (reads and scan come from the caches), never patched: its health is decided once.
   */
  async #withCrossDatabaseWriters(
    found: Array<{ client: CnpgKubernetesClient; cluster: CnpgCluster }>,
    databases: DatabaseStatus[],
  ): Promise<DatabaseStatus[]> {
    const writers = crossDatabaseWriters(
      databases.map(db => ({
        id: db.id,
        kubernetesCluster: db.cluster.kubernetesCluster,
        namespace: db.cluster.namespace,
        name: db.cluster.name,
        archive: db.archive,
      })),
    );
    if (writers.size === 0) return databases;
    return Promise.all(
      databases.map((db, index) => {
        const otherWriters = writers.get(db.id);
        if (!otherWriters) return db;
        return this.#buildStatus({ ...found[index], otherWriters });
      }),
    );
  }

  // ---------------------------------------------------------------- one database

  async getDatabaseStatus(
    options: DatabaseRef & { refresh?: boolean; keep?: boolean },
  ): Promise<DatabaseStatus> {
    const client = this.#cachedReads(
      this.#kubernetes.require(options.kubernetesCluster),
      options.refresh,
    );
    let cluster: CnpgCluster;
    try {
      cluster = await client.getCluster(options);
    } catch (error) {
      if (
        error instanceof KubernetesObjectNotFoundError ||
        error instanceof CrdNotInstalledError
      ) {
        throw new NotFoundError(error.message);
      }
      return shellStatus(options, [
        toSourceError(error, {
          source: 'kubernetes',
          target: client.clusterName,
        }),
      ]);
    }
    return this.#cachedStatus({
      client,
      cluster,
      refresh: options.refresh,
      keep: options.keep,
    });
  }

  getServerNameEmptiness(
    options: DatabaseRef & { serverName: string },
  ): Promise<ServerNameEmptinessResponse> {
    return this.#serverNames.check(options);
  }

  // ---------------------------------------------------------------- actions

  createBackup(
    options: Parameters<CnpgBackupsService['createBackup']>[0],
  ): Promise<CreateBackupResponse> {
    return this.#backups.create(options);
  }

  createCluster(
    options: Parameters<CnpgBackupsService['createCluster']>[0],
  ): Promise<CreateClusterResponse> {
    return this.#recoveries.create(options);
  }
}
