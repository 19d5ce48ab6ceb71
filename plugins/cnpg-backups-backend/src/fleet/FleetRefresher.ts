/*
 * The fleet's background refresh: discovers every CNPG Cluster in every registered Kubernetes
 * cluster, matches them to the entities whose annotations claim them, computes each status with
 * the service (`refresh: true`: an incremental rescan through the shared scan cache), stores one
 * snapshot per database and hands the changes to the snapshot listeners. Scheduled with
 * `scope: 'global'`: one runner across replicas.
 */
import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { type Config, readDurationFromConfig } from '@backstage/config';
import type { HumanDuration } from '@backstage/types';
import {
  databaseId,
  getCnpgEntitySelector,
  type DatabaseSnapshot,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CnpgCluster, CnpgKubernetesClient } from '../kubernetes';
import type { CnpgBackupsService } from '../service/types';
import type { FleetSnapshotStore } from './FleetSnapshotStore';
import { toDatabaseSnapshot } from './snapshot';

/** The scheduler task id of the fleet refresh. @public */
export const FLEET_REFRESH_TASK_ID = 'cnpg-backups-fleet-refresh';

/**
 * Receives the snapshots of each fleet refresh: `previous` is the stored last snapshot (absent
 * for a database seen for the first time), `entity` the owning entity when one claims it. The
 * refresh runs once across replicas, so one change = one call.
 * @public
 */
export interface FleetSnapshotListener {
  onSnapshots(
    changes: Array<{
      previous?: DatabaseSnapshot;
      current: DatabaseSnapshot;
      entity?: Entity;
    }>,
  ): Promise<void>;
}

/** The entities that may claim CNPG Clusters (the catalog, in the plugin). */
export interface FleetEntitySource {
  entities(): Promise<Entity[]>;
}

/** `cnpgBackups.fleet` as read by {@link readFleetConfig}. */
export interface FleetConfig {
  enabled: boolean;
  frequency: HumanDuration;
  timeout: HumanDuration;
  initialDelay: HumanDuration;
  concurrency: number;
  historyRetentionDays?: number;
  historyIntervalMinutes?: number;
}

/** Reads `cnpgBackups.fleet` with its defaults (every 5 minutes, 4 databases at a time). */
export function readFleetConfig(config: Config): FleetConfig {
  const section = config.getOptionalConfig('cnpgBackups.fleet');
  const refresh = section?.getOptionalConfig('refresh');
  const read = (key: string, fallback: HumanDuration): HumanDuration =>
    refresh?.has(key) ? readDurationFromConfig(refresh, { key }) : fallback;
  const concurrency = section?.getOptionalNumber('concurrency') ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new Error(
      `cnpgBackups.fleet.concurrency must be an integer from 1 to 64, got ${concurrency}`,
    );
  }
  return {
    enabled: section?.getOptionalBoolean('enabled') ?? true,
    frequency: read('frequency', { minutes: 5 }),
    timeout: read('timeout', { minutes: 30 }),
    initialDelay: read('initialDelay', { seconds: 30 }),
    concurrency,
    historyRetentionDays: section?.getOptionalNumber('historyRetentionDays'),
    historyIntervalMinutes: section?.getOptionalNumber(
      'historyIntervalMinutes',
    ),
  };
}

/** What one refresh did (logged; returned to tests and the bench). */
export interface FleetRefreshResult {
  databases: number;
  unowned: number;
  failures: number;
  s3Requests: number;
  listedKubernetesClusters: string[];
  durationMs: number;
  prunedHistoryRows: number;
}

interface Found {
  client: CnpgKubernetesClient;
  cluster: CnpgCluster;
  entity?: Entity;
}

/** @see the file comment */
export class FleetRefresher {
  readonly #kubernetes: { list(): CnpgKubernetesClient[] };
  readonly #entities: FleetEntitySource;
  readonly #service: Pick<CnpgBackupsService, 'getDatabaseStatus'>;
  readonly #store: FleetSnapshotStore;
  readonly #logger: LoggerService;
  readonly #now: () => Date;
  readonly #concurrency: number;
  readonly #listeners: FleetSnapshotListener[] = [];

  constructor(options: {
    kubernetes: { list(): CnpgKubernetesClient[] };
    entities: FleetEntitySource;
    service: Pick<CnpgBackupsService, 'getDatabaseStatus'>;
    store: FleetSnapshotStore;
    logger: LoggerService;
    now?: () => Date;
    concurrency?: number;
  }) {
    this.#kubernetes = options.kubernetes;
    this.#entities = options.entities;
    this.#service = options.service;
    this.#store = options.store;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#concurrency = options.concurrency ?? 4;
  }

  /** Adds a listener called after each refresh is stored. */
  addSnapshotListener(listener: FleetSnapshotListener): void {
    if (typeof listener?.onSnapshots !== 'function') {
      throw new TypeError(
        'cnpg-backups: a fleet snapshot listener must have an onSnapshots method',
      );
    }
    this.#listeners.push(listener);
  }

  /** Schedules {@link FleetRefresher.refresh} (global scope: one runner across replicas). */
  async schedule(
    scheduler: SchedulerService,
    config: FleetConfig,
  ): Promise<void> {
    await scheduler.scheduleTask({
      id: FLEET_REFRESH_TASK_ID,
      scope: 'global',
      frequency: config.frequency,
      timeout: config.timeout,
      initialDelay: config.initialDelay,
      fn: async signal => {
        await this.refresh({ signal });
      },
    });
  }

  /** One full refresh of the fleet. */
  async refresh(options?: {
    signal?: AbortSignal;
  }): Promise<FleetRefreshResult> {
    const startedAt = this.#now();
    const started = performance.now();
    const { found, listed } = await this.#discover();
    const snapshots: Array<{ snapshot: DatabaseSnapshot; entity?: Entity }> =
      new Array(found.length);
    let failures = 0;
    let next = 0;
    const snapshotOf = async (item: Found): Promise<DatabaseSnapshot> => {
      try {
        return await this.#snapshot(item);
      } catch (error) {
        failures += 1;
        return this.#failedSnapshot(item, error);
      }
    };
    const worker = async () => {
      while (next < found.length) {
        if (options?.signal?.aborted) return;
        const index = next++;
        const item = found[index];
        snapshots[index] = {
          snapshot: await snapshotOf(item),
          entity: item.entity,
        };
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.#concurrency, found.length) }, worker),
    );
    const done = snapshots.filter(Boolean);
    const finishedAt = this.#now();
    const changes = await this.#store.writeRefresh({
      snapshots: done.map(s => s.snapshot),
      startedAt,
      finishedAt,
      // An aborted run saw only part of the fleet: do not drop anything.
      listedKubernetesClusters: options?.signal?.aborted ? [] : listed,
      failures,
    });
    const prunedHistoryRows = await this.#store.prune(finishedAt);
    const entityById = new Map(
      done.map(s => [s.snapshot.databaseId, s.entity]),
    );
    const withEntities = changes.map(c => ({
      previous: c.previous,
      current: c.current,
      entity: entityById.get(c.current.databaseId),
    }));
    for (const listener of this.#listeners) {
      try {
        await listener.onSnapshots(withEntities);
      } catch (error) {
        this.#logger.error('cnpg-backups: a fleet snapshot listener failed', {
          error: String(error),
        });
      }
    }
    const result: FleetRefreshResult = {
      databases: done.length,
      unowned: done.filter(s => !s.entity).length,
      failures,
      s3Requests: done.reduce((n, s) => n + (s.snapshot.s3Requests ?? 0), 0),
      listedKubernetesClusters: listed,
      durationMs: Math.round(performance.now() - started),
      prunedHistoryRows,
    };
    this.#logger.info('cnpg-backups: fleet refreshed', { ...result } as any);
    return result;
  }

  async #snapshot(item: Found): Promise<DatabaseSnapshot> {
    const status = await this.#service.getDatabaseStatus({
      kubernetesCluster: item.client.clusterName,
      namespace: item.cluster.metadata.namespace!,
      name: item.cluster.metadata.name,
      refresh: true,
      // A whole fleet of statuses kept for the status TTL would only cost memory (issue 12).
      keep: false,
    });
    return toDatabaseSnapshot({
      status,
      takenAt: this.#now(),
      entity: item.entity,
    });
  }

  /** A database whose status could not be computed: `unknown`, with the error named. */
  #failedSnapshot(item: Found, error: unknown): DatabaseSnapshot {
    const snapshot = toDatabaseSnapshot({
      status: {
        id: databaseId({
          kubernetesCluster: item.client.clusterName,
          namespace: item.cluster.metadata.namespace!,
          name: item.cluster.metadata.name,
        }),
        cluster: {
          kubernetesCluster: item.client.clusterName,
          namespace: item.cluster.metadata.namespace!,
          name: item.cluster.metadata.name,
          conditions: [],
        },
        health: {
          level: 'unknown',
          summary: `Status could not be computed: ${
            (error as Error)?.name ?? 'Error'
          }: ${(error as Error)?.message ?? String(error)}`,
          archiving: { level: 'unknown', text: '' },
          lastBackup: { level: 'unknown', text: '' },
          schedule: { level: 'unknown', text: '' },
        },
        recoverySources: [],
        recoveryWindow: {
          effective: { basis: 'none' },
          agreement: 'unknown',
        },
        backups: [],
        schedules: [],
        lineage: [],
        diagnoses: [],
        errors: [],
        actions: {},
      },
      takenAt: this.#now(),
      entity: item.entity,
    });
    return snapshot;
  }

  /** Every Cluster of every Kubernetes cluster that could be listed, with its claiming entity. */
  async #discover(): Promise<{ found: Found[]; listed: string[] }> {
    const listed: string[] = [];
    const found: Found[] = [];
    await Promise.all(
      this.#kubernetes.list().map(async client => {
        try {
          const clusters = await client.listClusters({});
          listed.push(client.clusterName);
          for (const cluster of clusters) found.push({ client, cluster });
        } catch (error) {
          this.#logger.warn(
            `cnpg-backups: fleet refresh could not list the CNPG Clusters of Kubernetes cluster "${client.clusterName}"; its databases keep their last snapshot`,
            { error: String(error) },
          );
        }
      }),
    );
    let entities: Entity[] = [];
    try {
      entities = await this.#entities.entities();
    } catch (error) {
      this.#logger.warn(
        'cnpg-backups: fleet refresh could not read the catalog; ownership is left empty this time',
        { error: String(error) },
      );
    }
    // Deterministic claim: the first entity (by ref) whose annotations select a Cluster owns it.
    entities.sort((a, b) =>
      stringifyEntityRef(a).localeCompare(stringifyEntityRef(b)),
    );
    for (const entity of entities) {
      let selector: ReturnType<typeof getCnpgEntitySelector>;
      try {
        selector = getCnpgEntitySelector(entity);
      } catch {
        continue; // an invalid annotation claims nothing; the entity's card names the error
      }
      if (!selector) continue;
      for (const item of found) {
        if (item.entity) continue;
        const k8s = item.client.clusterName;
        const meta = item.cluster.metadata;
        if (selector.kind === 'explicit') {
          if (
            selector.clusters.some(
              ref =>
                (ref.kubernetesCluster === undefined ||
                  ref.kubernetesCluster === k8s) &&
                ref.namespace === meta.namespace &&
                ref.name === meta.name,
            )
          ) {
            item.entity = entity;
          }
        } else {
          const [key, value] = selector.labelSelector.split('=');
          if (
            meta.labels?.[key] === value &&
            (selector.namespace === undefined ||
              selector.namespace === meta.namespace) &&
            (selector.kubernetesCluster === undefined ||
              selector.kubernetesCluster === k8s)
          ) {
            item.entity = entity;
          }
        }
      }
    }
    found.sort((a, b) =>
      `${a.client.clusterName}/${a.cluster.metadata.namespace}/${a.cluster.metadata.name}`.localeCompare(
        `${b.client.clusterName}/${b.cluster.metadata.namespace}/${b.cluster.metadata.name}`,
      ),
    );
    return { found, listed: listed.sort() };
  }
}
