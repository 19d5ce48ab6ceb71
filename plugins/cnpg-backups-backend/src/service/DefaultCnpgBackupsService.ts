/*
 * One status per database: Kubernetes (intent + operator view) and the bucket (truth),
 * reconciled, diagnosed, with errors as data.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  type ArchiveTarget,
  type ArchiveWriter,
  assembleDatabaseStatus,
  crossDatabaseWriters,
  IN_PROGRESS_BACKUP_PHASES,
  shellStatus,
  summarizeBackup,
  type BarmanCatalog,
  type CreateBackupResponse,
  type DatabaseStatus,
  type EntityBackupStatusResponse,
  type ServerNameSummary,
  type RecoveryRequestViolation,
  type SourceError,
  checkRecoveryClusterRequest,
  describeRecoveryViolations,
  recoveryViolationStatus,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  type ArchiveReaderFactory,
  EndpointNotAllowedError,
  type S3EndpointPolicy,
} from '../archive';
import {
  type CnpgBackup,
  type CnpgCluster,
  type CnpgKubernetesClient,
  type CnpgObjectStore,
  CrdNotInstalledError,
  KubernetesClientError,
  KubernetesObjectNotFoundError,
} from '../kubernetes';
import {
  ArchiveConfigurationError,
  toHttpError,
  toSourceError,
  uniqueErrors,
} from './errors';
import { ArchiveReaderPool } from '../archive/ArchiveReaderPool';
import { withTimeout } from '../archive/withTimeout';
import {
  AnnotationClusterLocator,
  assertEntityOwns,
  type ClusterLocator,
} from '../locator';
import {
  CachingCnpgKubernetesClient,
  type KubernetesClientRegistry,
  KubernetesReadCache,
} from '../kubernetes';
import {
  archiveFolderKey,
  BARMAN_CLOUD_PLUGIN,
  declaredArchive,
  findPluginEntry,
  resolveArchiveTarget,
  resolveRecoverySources,
} from './resolveArchive';
import {
  claimantsOf,
  gatherArchiveClaims,
  gatherRecoveryFacts,
  RecoveryCreationLock,
} from './recoveryCreation';
import type { ScanCache } from './ScanCache';
import { StatusCache } from './StatusCache';
import type {
  CnpgBackupsService,
  CreateClusterResponse,
  DatabaseRef,
  ServerNameEmptinessResponse,
} from './types';

const OBJECTSTORE_CRD = 'objectstores.barmancloud.cnpg.io';

/** Validates a Cluster manifest before it is sent (e.g. `validateCnpgResource` from -node). @public */
export type ClusterManifestValidator = (manifest: unknown) => {
  valid: boolean;
  errors: string[];
};

/** Options for {@link DefaultCnpgBackupsService.create}. @public */
export interface DefaultCnpgBackupsServiceOptions {
  logger: LoggerService;
  kubernetes: KubernetesClientRegistry;
  archiveReaders: ArchiveReaderFactory;
  endpointPolicy: S3EndpointPolicy;
  scanCache: ScanCache;
  /**
   * Short-lived cache of assembled statuses, Kubernetes reads and entity responses
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

/** Throws the @backstage/errors error for recovery-rule violations: 400, 403 or 409, each named. */
function throwRecoveryViolations(violations: RecoveryRequestViolation[]): void {
  const status = recoveryViolationStatus(violations);
  if (status === undefined) return;
  const message = describeRecoveryViolations(violations);
  if (status === 403) throw new NotAllowedError(message);
  if (status === 409) throw new ConflictError(message);
  throw new InputError(message);
}

function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * The default {@link CnpgBackupsService}.
 * @public
 */
export class DefaultCnpgBackupsService implements CnpgBackupsService {
  readonly #logger: LoggerService;
  readonly #kubernetes: KubernetesClientRegistry;
  readonly #scanCache: ScanCache;
  readonly #statusCache: StatusCache;
  readonly #kubernetesReads: KubernetesReadCache;
  readonly #scanTimeoutMs: number;
  readonly #validateClusterManifest?: ClusterManifestValidator;
  readonly #now: () => Date;
  readonly #readerPool: ArchiveReaderPool;
  readonly #recoveryLock = new RecoveryCreationLock();
  readonly #locator: ClusterLocator;

  static create(
    options: DefaultCnpgBackupsServiceOptions,
  ): DefaultCnpgBackupsService {
    return new DefaultCnpgBackupsService(options);
  }

  private constructor(options: DefaultCnpgBackupsServiceOptions) {
    this.#logger = options.logger;
    this.#kubernetes = options.kubernetes;
    this.#readerPool = new ArchiveReaderPool({
      factory: options.archiveReaders,
      endpointPolicy: options.endpointPolicy,
    });
    this.#scanCache = options.scanCache;
    this.#statusCache = options.statusCache ?? StatusCache.disabled();
    this.#kubernetesReads =
      options.kubernetesReads ?? KubernetesReadCache.disabled();
    this.#locator =
      options.locator ??
      new AnnotationClusterLocator({
        kubernetes: this.#kubernetes,
        reader: (client, refresh) => this.#cachedReads(client, refresh),
      });
    this.#scanTimeoutMs = options.scanTimeoutMs ?? 60_000;
    this.#validateClusterManifest = options.validateClusterManifest;
    this.#now = options.now ?? (() => new Date());
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

  /** One database's status through the status cache. */
  #cachedStatus(options: {
    client: CnpgKubernetesClient;
    cluster: CnpgCluster;
    refresh?: boolean;
  }): Promise<DatabaseStatus> {
    return this.#statusCache.getStatus({
      id: StatusCache.databaseKey({
        kubernetesCluster: options.client.clusterName,
        namespace: options.cluster.metadata.namespace ?? '',
        name: options.cluster.metadata.name,
      }),
      refresh: options.refresh,
      build: () => this.#buildStatus(options),
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
    options: DatabaseRef & { refresh?: boolean },
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
      return this.#shellStatus(options, [
        toSourceError(error, {
          source: 'kubernetes',
          target: client.clusterName,
        }),
      ]);
    }
    return this.#cachedStatus({ client, cluster, refresh: options.refresh });
  }

  async getServerNameEmptiness(
    options: DatabaseRef & { serverName: string },
  ): Promise<ServerNameEmptinessResponse> {
    const client = this.#kubernetes.require(options.kubernetesCluster);
    const { cluster, archive } = await this.#clusterArchive(client, options);
    const reader = await this.#readerPool.readerFor(
      client,
      cluster.metadata.namespace ?? options.namespace,
      archive,
    ).catch(error => {
      throw this.#archiveActionError(error);
    });
    let emptiness: { empty: boolean; walObjects: number };
    try {
      const result = await withTimeout(
        reader.isServerNameEmpty({
          destination: archive.destinationPath,
          serverName: options.serverName,
        }),
        this.#scanTimeoutMs,
        `Listing ${archive.destinationPath}/${options.serverName}/wals/`,
      );
      emptiness = result;
    } catch (error) {
      throw this.#archiveActionError(error);
    }
    // An empty folder is still not free when a Cluster declares it (or a creation in flight
    // reserved it): its first WAL would collide with the recovered Cluster's.
    const claims = await gatherArchiveClaims({
      client,
      reserved: this.#recoveryLock.reserved(client.clusterName),
    });
    const claimedBy = claimantsOf(claims, {
      destinationPath: archive.destinationPath,
      serverName: options.serverName,
      namespace: cluster.metadata.namespace ?? options.namespace,
      objectStoreName: archive.objectStoreName,
    });
    return {
      serverName: options.serverName,
      empty: emptiness.empty,
      walObjects: emptiness.walObjects,
      destinationPath: archive.destinationPath,
      claimedBy,
      available: emptiness.empty && claimedBy.length === 0,
    };
  }

  #archiveActionError(error: unknown): Error {
    const e = error as Error;
    if (e?.name === 'InvalidDestinationError') return new InputError(e.message);
    if (error instanceof EndpointNotAllowedError)
      return new NotAllowedError(e.message);
    if (error instanceof KubernetesClientError) return toHttpError(error);
    if (error instanceof ArchiveConfigurationError)
      return new InputError(e.message);
    return toHttpError(error);
  }

  async #clusterArchive(
    client: CnpgKubernetesClient,
    ref: { namespace: string; name: string },
  ): Promise<{ cluster: CnpgCluster; archive: ArchiveTarget }> {
    let cluster: CnpgCluster;
    try {
      cluster = await client.getCluster(ref);
    } catch (error) {
      throw toHttpError(error);
    }
    return this.#archiveOf(client, cluster);
  }

  /** Where a Cluster (existing or about to be created) archives, as an S3 target. */
  async #archiveOf(
    client: CnpgKubernetesClient,
    cluster: CnpgCluster,
  ): Promise<{ cluster: CnpgCluster; archive: ArchiveTarget }> {
    const ref = {
      namespace: cluster.metadata.namespace ?? '',
      name: cluster.metadata.name,
    };
    const declaration = declaredArchive(cluster);
    if (!declaration) {
      throw new InputError(
        `Cluster ${ref.namespace}/${ref.name} has no backup configuration (no barman-cloud plugin entry, no spec.backup.barmanObjectStore)`,
      );
    }
    let objectStore: CnpgObjectStore | undefined;
    if (declaration.form === 'plugin') {
      if (!declaration.entry.objectStoreName) {
        throw new InputError(
          `Cluster ${ref.namespace}/${ref.name}: the barman-cloud plugin entry has no barmanObjectName parameter`,
        );
      }
      try {
        objectStore = await client.getObjectStore({
          namespace: ref.namespace,
          name: declaration.entry.objectStoreName,
        });
      } catch (error) {
        throw toHttpError(error);
      }
    }
    try {
      return {
        cluster,
        archive: resolveArchiveTarget({ cluster, declaration, objectStore }),
      };
    } catch (error) {
      throw new InputError((error as Error).message);
    }
  }

  #shellStatus(ref: DatabaseRef, errors: SourceError[]): DatabaseStatus {
    return shellStatus(ref, errors);
  }

  /**
   * Gathers everything about one database (Kubernetes reads, archive target, bucket scan) and
   * assembles its status once. `otherWriters`: other databases of the same response writing to
   * the same folder (see getEntityStatus).
   */
  async #buildStatus(options: {
    client: CnpgKubernetesClient;
    cluster: CnpgCluster;
    refresh?: boolean;
    otherWriters?: ArchiveWriter[];
  }): Promise<DatabaseStatus> {
    const { client, cluster } = options;
    const kubernetesCluster = client.clusterName;
    const namespace = cluster.metadata.namespace ?? '';
    const name = cluster.metadata.name;
    const now = this.#now();
    const errors: SourceError[] = [];
    const missingCrds: string[] = [];

    const attempt = async <T>(promise: Promise<T>): Promise<T | undefined> => {
      try {
        return await promise;
      } catch (error) {
        if (error instanceof CrdNotInstalledError) missingCrds.push(error.crd);
        errors.push(
          toSourceError(error, {
            source: 'kubernetes',
            target: kubernetesCluster,
          }),
        );
        return undefined;
      }
    };

    const declaration = declaredArchive(cluster);
    const pluginEntry = findPluginEntry(cluster);
    const usesPlugin =
      pluginEntry !== undefined ||
      (cluster.spec?.externalClusters ?? []).some(
        e => e.plugin?.name === BARMAN_CLOUD_PLUGIN,
      );

    const [objectStoresListed, allBackups, scheduled, siblings, crd] =
      await Promise.all([
        usesPlugin
          ? this.#objectStores(
              client,
              namespace,
              pluginEntry?.objectStoreName,
              attempt,
            )
          : Promise.resolve([]),
        attempt(client.listBackups({ namespace })),
        attempt(client.listScheduledBackups({ namespace })),
        // Siblings reveal clusters sharing our archive folder; failure here only loses that check.
        client.listClusters({ namespace }).catch(() => undefined),
        declaration?.form === 'plugin'
          ? client
              .getCustomResourceDefinition({ name: OBJECTSTORE_CRD })
              .catch(() => undefined)
          : Promise.resolve(undefined),
      ]);
    const objectStores = objectStoresListed ?? [];

    // Archive target
    let archive: ArchiveTarget | undefined;
    let objectStore: CnpgObjectStore | undefined;
    if (declaration?.form === 'plugin') {
      const storeName = declaration.entry.objectStoreName;
      objectStore = objectStores.find(s => s.metadata.name === storeName);
      if (!storeName) {
        errors.push({
          source: 'config',
          name: 'ObjectStoreNotSet',
          message: `Cluster ${namespace}/${name}: the barman-cloud plugin entry has no barmanObjectName parameter`,
        });
      } else if (objectStoresListed && !objectStore) {
        errors.push({
          source: 'kubernetes',
          name: 'ObjectStoreNotFound',
          message: `ObjectStore ${namespace}/${storeName}, named by Cluster ${namespace}/${name} spec.plugins, does not exist`,
          target: kubernetesCluster,
        });
      }
    }
    if (declaration && (declaration.form === 'legacy' || objectStore)) {
      try {
        archive = resolveArchiveTarget({ cluster, declaration, objectStore });
      } catch (error) {
        errors.push(toSourceError(error, { source: 'config' }));
      }
    }
    const recoverySources = resolveRecoverySources({ cluster, objectStores });

    // Bucket
    let catalog: BarmanCatalog | undefined;
    let serverNames: ServerNameSummary[] | undefined;
    if (archive) {
      const target = `${archive.endpointURL ?? 'AWS S3'} ${
        archive.destinationPath
      }`;
      try {
        const reader = await this.#readerPool.readerFor(client, namespace, archive);
        const folderKey = archiveFolderKey(archive);
        const currentArchive = archive;
        const [scanned, listed] = await Promise.all([
          this.#scanCache.getCatalog({
            key: folderKey,
            refresh: options.refresh,
            scan: previous =>
              withTimeout(
                reader.scan({
                  destination: currentArchive.destinationPath,
                  serverName: currentArchive.serverName,
                  previous,
                }),
                this.#scanTimeoutMs,
                `Scan of ${currentArchive.destinationPath}/${currentArchive.serverName}`,
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
                    destination: currentArchive.destinationPath,
                  }),
                  this.#scanTimeoutMs,
                  `Listing serverNames under ${currentArchive.destinationPath}`,
                ),
            })
            .catch(error => {
              errors.push(toSourceError(error, { source: 's3', target }));
              return undefined;
            }),
        ]);
        catalog = scanned;
        serverNames = listed;
        for (const scanError of catalog.scan.errors) {
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
        if (
          !catalog.scan.complete &&
          catalog.backups.length === 0 &&
          catalog.scan.walObjects === 0
        ) {
          catalog = undefined;
        }
      } catch (error) {
        errors.push(toSourceError(error, { source: 's3', target }));
      }
    }

    return assembleDatabaseStatus({
      now,
      kubernetesCluster,
      cluster,
      archive,
      objectStore,
      objectStores,
      recoverySources,
      backups: allBackups,
      scheduledBackups: scheduled,
      siblings,
      objectStoreCrd: crd,
      catalog,
      serverNames,
      missingCrds,
      errors,
      otherWriters: options.otherWriters,
    });
  }

  async #objectStores(
    client: CnpgKubernetesClient,
    namespace: string,
    wanted: string | undefined,
    attempt: <T>(p: Promise<T>) => Promise<T | undefined>,
  ): Promise<CnpgObjectStore[] | undefined> {
    try {
      return await client.listObjectStores({ namespace });
    } catch (error) {
      // RBAC may allow get but not list: fall back to the one object we need.
      if ((error as Error).name === 'KubernetesForbidden' && wanted) {
        const one = await attempt(
          client.getObjectStore({ namespace, name: wanted }),
        );
        return one ? [one] : undefined;
      }
      return attempt(Promise.reject(error));
    }
  }

  // ---------------------------------------------------------------- actions

  async createBackup(options: {
    entity: Entity;
    kubernetesCluster: string;
    namespace: string;
    cluster: string;
    requestedBy?: string;
  }): Promise<CreateBackupResponse> {
    const client = this.#kubernetes.require(options.kubernetesCluster);
    const ref = { namespace: options.namespace, name: options.cluster };
    await assertEntityOwns(options.entity, client, ref);
    let cluster: CnpgCluster;
    try {
      cluster = await client.getCluster(ref);
    } catch (error) {
      throw toHttpError(error);
    }
    const declaration = declaredArchive(cluster);
    if (!declaration) {
      throw new InputError(
        `Cluster ${ref.namespace}/${ref.name} has no backup configuration (no enabled barman-cloud plugin entry, no spec.backup.barmanObjectStore)`,
      );
    }
    // One full backup at a time: a second "Back up now" while the first is still pending would
    // queue another full base backup behind it.
    let existing: CnpgBackup[];
    try {
      existing = await client.listBackups({ namespace: ref.namespace, clusterName: ref.name });
    } catch (error) {
      throw toHttpError(error);
    }
    const inFlight = existing.find(
      b =>
        (b.spec?.cluster?.name === ref.name || b.metadata.labels?.['cnpg.io/cluster'] === ref.name) &&
        IN_PROGRESS_BACKUP_PHASES.has(b.status?.phase ?? ''),
    );
    if (inFlight) {
      throw new ConflictError(
        `Backup ${inFlight.metadata.name} of ${ref.namespace}/${ref.name} is still ${inFlight.status?.phase || 'pending'}: wait for it to complete (or fail) before starting another`,
      );
    }
    const backup: CnpgBackup = {
      metadata: {
        name: `${ref.name}-manual-${utcStamp(this.#now())}`.slice(0, 253),
        labels: { 'cnpg.io/cluster': ref.name },
        annotations: options.requestedBy
          ? { 'cnpg-backups.backstage.io/requested-by': options.requestedBy }
          : undefined,
      },
      spec:
        declaration.form === 'plugin'
          ? {
              cluster: { name: ref.name },
              method: 'plugin',
              pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
            }
          : { cluster: { name: ref.name }, method: 'barmanObjectStore' },
    };
    let created: CnpgBackup;
    try {
      created = await client.createBackup({ namespace: ref.namespace, backup });
    } catch (error) {
      throw toHttpError(error);
    }
    // "Back up now" must show the new Backup on the next read, not after the status TTL.
    this.#kubernetesReads.invalidate({
      kubernetesCluster: client.clusterName,
      namespace: ref.namespace,
    });
    await this.#statusCache.invalidate({
      kubernetesCluster: client.clusterName,
      namespace: ref.namespace,
      name: ref.name,
    });
    this.#logger.info('Created CNPG Backup', {
      kubernetesCluster: client.clusterName,
      namespace: ref.namespace,
      cluster: ref.name,
      backup: created.metadata.name,
      requestedBy: options.requestedBy,
    });
    return {
      backup: summarizeBackup(created),
      namespace: ref.namespace,
      kubernetesCluster: client.clusterName,
    };
  }

  async createCluster(options: {
    entity: Entity;
    kubernetesCluster: string;
    namespace: string;
    manifest: unknown;
    requestedBy?: string;
  }): Promise<CreateClusterResponse> {
    const client = this.#kubernetes.require(options.kubernetesCluster);
    // Structural rules first (no I/O): a bad manifest is a 400 before anything is read.
    throwRecoveryViolations(
      checkRecoveryClusterRequest({
        manifest: options.manifest,
        namespace: options.namespace,
      }).violations,
    );
    const manifest = options.manifest as CnpgCluster;
    if (this.#validateClusterManifest) {
      const result = this.#validateClusterManifest({
        ...manifest,
        metadata: { ...manifest.metadata, namespace: options.namespace },
      });
      if (!result.valid) {
        throw new InputError(
          `The Cluster manifest is invalid: ${result.errors.join('; ')}`,
        );
      }
    }
    // Check + create one at a time per Kubernetes cluster, against live facts, so two
    // restores racing for the same serverName cannot both win.
    return this.#recoveryLock.run(client.clusterName, () =>
      this.#createRecoveryCluster(client, options, manifest),
    );
  }

  async #createRecoveryCluster(
    client: CnpgKubernetesClient,
    options: { entity: Entity; namespace: string; requestedBy?: string },
    manifest: CnpgCluster,
  ): Promise<CreateClusterResponse> {
    const facts = await gatherRecoveryFacts({
      client,
      entity: options.entity,
      namespace: options.namespace,
      reserved: this.#recoveryLock.reserved(client.clusterName),
    });
    const check = checkRecoveryClusterRequest({
      manifest,
      namespace: options.namespace,
      facts,
    });
    throwRecoveryViolations(check.violations);
    const targetFolder = check.targetArchive!;
    // The bucket is the truth: a folder no Cluster declares may still hold WAL.
    const newCluster: CnpgCluster = {
      ...manifest,
      metadata: { ...manifest.metadata, namespace: options.namespace },
    };
    const { archive } = await this.#archiveOf(client, newCluster);
    const reader = await this.#readerPool.readerFor(
      client,
      options.namespace,
      archive,
    ).catch(error => {
      throw this.#archiveActionError(error);
    });
    let emptiness;
    try {
      emptiness = await withTimeout(
        reader.isServerNameEmpty({
          destination: archive.destinationPath,
          serverName: archive.serverName,
        }),
        this.#scanTimeoutMs,
        `Listing ${archive.destinationPath}/${archive.serverName}/wals/`,
      );
    } catch (error) {
      throw this.#archiveActionError(error);
    }
    if (!emptiness.empty) {
      throw new ConflictError(
        `ServerNameTaken: serverName "${archive.serverName}" is taken (${emptiness.walObjects} WAL object(s) in ${archive.destinationPath}/${archive.serverName}/wals/): the recovered Cluster must archive to an empty serverName`,
      );
    }
    // Reserved before the create call, so a plan asking meanwhile sees the name as claimed;
    // released when the create fails, kept (for a while) when it succeeds.
    const release = this.#recoveryLock.reserve(client.clusterName, {
      ...targetFolder,
      destinationPath: archive.destinationPath,
      claimedBy: `claimed by the recovery Cluster ${options.namespace}/${newCluster.metadata.name} created moments ago`,
      claimant: {
        kubernetesCluster: client.clusterName,
        namespace: options.namespace,
        name: newCluster.metadata.name,
        kind: 'creation',
      },
    });
    let created: CnpgCluster;
    try {
      created = await client.createCluster({
        namespace: options.namespace,
        cluster: newCluster,
      });
    } catch (error) {
      release();
      throw toHttpError(error);
    }
    // A new Cluster changes its namespace's siblings (shared archive folders) and may match
    // entities' label selectors: forget the namespace's statuses and reads.
    this.#kubernetesReads.invalidate({
      kubernetesCluster: client.clusterName,
      namespace: options.namespace,
    });
    await this.#statusCache.invalidate({
      kubernetesCluster: client.clusterName,
      namespace: options.namespace,
    });
    this.#logger.info('Created CNPG Cluster', {
      kubernetesCluster: client.clusterName,
      namespace: options.namespace,
      cluster: created.metadata.name,
      requestedBy: options.requestedBy,
    });
    return {
      kubernetesCluster: client.clusterName,
      namespace: options.namespace,
      name: created.metadata.name,
      uid: created.metadata.uid,
    };
  }
}
