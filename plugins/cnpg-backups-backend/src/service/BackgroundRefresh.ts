/*
 * Background refresh for one or several backend replicas.
 *
 * Requests record which databases people look at in the SHARED cache (so every replica sees
 * the same list); a scheduled task with `scope: 'global'` (Backstage's scheduler takes a
 * database lock: one replica runs it at a time) rescans those databases with `refresh: true`.
 * The rescans land in the shared scan cache (ScanCache), so whichever replica serves the next
 * page view answers from it instead of scanning the bucket while the user waits.
 */
import type {
  CacheService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { type Config, readDurationFromConfig } from '@backstage/config';
import type { HumanDuration } from '@backstage/types';
import type { CnpgBackupsService, DatabaseRef } from './types';

/** The scheduler task id (one row in the backend's task table, shared by every replica). @public */
export const REFRESH_TASK_ID = 'cnpg-backups-refresh';

const REQUESTED_KEY = 'refresh:requested';

function durationMs(d: HumanDuration): number {
  return (
    (d.years ?? 0) * 365 * 86_400_000 +
    (d.months ?? 0) * 30 * 86_400_000 +
    (d.weeks ?? 0) * 7 * 86_400_000 +
    (d.days ?? 0) * 86_400_000 +
    (d.hours ?? 0) * 3_600_000 +
    (d.minutes ?? 0) * 60_000 +
    (d.seconds ?? 0) * 1000 +
    (d.milliseconds ?? 0)
  );
}

const refId = (ref: DatabaseRef) =>
  `${ref.kubernetesCluster}/${ref.namespace}/${ref.name}`;

/** `cnpgBackups.refresh` as read by {@link readBackgroundRefreshConfig}. @public */
export interface BackgroundRefreshConfig {
  enabled: boolean;
  frequency: HumanDuration;
  timeout: HumanDuration;
  initialDelay: HumanDuration;
  /** Databases requested within this window are refreshed. */
  requestedWithin: HumanDuration;
}

/** Reads `cnpgBackups.refresh` with its defaults (on, every 5 minutes). @public */
export function readBackgroundRefreshConfig(
  config: Config,
): BackgroundRefreshConfig {
  const section = config.getOptionalConfig('cnpgBackups.refresh');
  const read = (key: string, fallback: HumanDuration): HumanDuration =>
    section?.has(key) ? readDurationFromConfig(section, { key }) : fallback;
  return {
    enabled: section?.getOptionalBoolean('enabled') ?? true,
    frequency: read('frequency', { minutes: 5 }),
    timeout: read('timeout', { minutes: 10 }),
    initialDelay: read('initialDelay', { minutes: 1 }),
    requestedWithin: read('requestedWithin', { hours: 1 }),
  };
}

/**
 * The databases recently requested, kept in the shared cache as one small JSON map
 * (id → ref + last request time). Concurrent writers on different replicas may drop each
 * other's newest entry; it is written again on that database's next request after
 * `rewriteAfterMs`, so the list converges (a missed refresh only costs one on-demand scan).
 * @public
 */
export class RecentlyRequestedDatabases {
  readonly #cache: CacheService;
  readonly #windowMs: number;
  readonly #rewriteAfterMs: number;
  readonly #now: () => number;
  /** When this replica last wrote each id (to avoid a cache write per page view). */
  readonly #lastWritten = new Map<string, number>();

  constructor(options: {
    cache: CacheService;
    requestedWithin: HumanDuration;
    rewriteAfterMs?: number;
    now?: () => number;
  }) {
    this.#cache = options.cache;
    this.#windowMs = durationMs(options.requestedWithin);
    this.#rewriteAfterMs = options.rewriteAfterMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  async #read(): Promise<
    Record<string, DatabaseRef & { requestedAt: number }>
  > {
    const value = (await this.#cache.get(REQUESTED_KEY)) as any;
    return value && typeof value === 'object' ? value : {};
  }

  async #write(map: Record<string, DatabaseRef & { requestedAt: number }>) {
    await this.#cache.set(REQUESTED_KEY, map as any, {
      ttl: Math.max(this.#windowMs, 1000),
    });
  }

  /** Records that these databases were requested now. */
  async record(refs: DatabaseRef[]): Promise<void> {
    const now = this.#now();
    const due = refs.filter(
      r =>
        now - (this.#lastWritten.get(refId(r)) ?? -Infinity) >=
        this.#rewriteAfterMs,
    );
    if (due.length === 0) return;
    const map = await this.#read();
    for (const ref of due) {
      map[refId(ref)] = {
        kubernetesCluster: ref.kubernetesCluster,
        namespace: ref.namespace,
        name: ref.name,
        requestedAt: now,
      };
      this.#lastWritten.set(refId(ref), now);
    }
    await this.#write(this.#prune(map, now));
  }

  /** The databases requested within the window, oldest request first. */
  async list(): Promise<DatabaseRef[]> {
    const map = this.#prune(await this.#read(), this.#now());
    return Object.values(map)
      .sort((a, b) => a.requestedAt - b.requestedAt)
      .map(({ kubernetesCluster, namespace, name }) => ({
        kubernetesCluster,
        namespace,
        name,
      }));
  }

  /** Stops refreshing a database (it no longer exists). */
  async forget(ref: DatabaseRef): Promise<void> {
    const map = await this.#read();
    delete map[refId(ref)];
    this.#lastWritten.delete(refId(ref));
    await this.#write(map);
  }

  #prune<T extends { requestedAt: number }>(
    map: Record<string, T>,
    now: number,
  ): Record<string, T> {
    return Object.fromEntries(
      Object.entries(map).filter(
        ([, v]) =>
          typeof v?.requestedAt === 'number' &&
          now - v.requestedAt <= this.#windowMs,
      ),
    );
  }
}

/**
 * Wraps a service so every status request records its databases for the background refresh.
 * Recording never fails or delays a request beyond one cache round trip.
 * @public
 */
export function recordRequestedDatabases(
  service: CnpgBackupsService,
  requested: RecentlyRequestedDatabases,
  logger: LoggerService,
): CnpgBackupsService {
  const record = async (refs: DatabaseRef[]) => {
    try {
      await requested.record(refs);
    } catch (error) {
      logger.warn('CNPG backups: could not record requested databases', {
        error: String(error),
      });
    }
  };
  return {
    async getEntityStatus(options) {
      const response = await service.getEntityStatus(options);
      await record(
        response.databases.map(d => ({
          kubernetesCluster: d.cluster.kubernetesCluster,
          namespace: d.cluster.namespace,
          name: d.cluster.name,
        })),
      );
      return response;
    },
    async getDatabaseStatus(options) {
      const status = await service.getDatabaseStatus(options);
      await record([
        {
          kubernetesCluster: options.kubernetesCluster,
          namespace: options.namespace,
          name: options.name,
        },
      ]);
      return status;
    },
    getServerNameEmptiness: options => service.getServerNameEmptiness(options),
    createBackup: options => service.createBackup(options),
    createCluster: options => service.createCluster(options),
  };
}

/**
 * Rescans every recently requested database once (`refresh: true`). One database failing is
 * logged and skipped; a database that no longer exists is forgotten.
 * @public
 */
export async function refreshRequestedDatabases(options: {
  service: CnpgBackupsService;
  requested: RecentlyRequestedDatabases;
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<{ refreshed: number; failed: number }> {
  const { service, requested, logger } = options;
  let refreshed = 0;
  let failed = 0;
  for (const ref of await requested.list()) {
    if (options.signal?.aborted) break;
    try {
      await service.getDatabaseStatus({ ...ref, refresh: true });
      refreshed += 1;
    } catch (error) {
      failed += 1;
      if ((error as Error)?.name === 'NotFoundError') {
        await requested.forget(ref).catch(() => undefined);
      }
      logger.warn(`CNPG backups: background refresh of ${refId(ref)} failed`, {
        error:
          error instanceof Error
            ? `${error.name}: ${error.message}`
            : String(error),
      });
    }
  }
  logger.debug('CNPG backups: background refresh done', { refreshed, failed });
  return { refreshed, failed };
}

/**
 * Schedules {@link refreshRequestedDatabases} as the global task `cnpg-backups-refresh`.
 * @public
 */
export async function scheduleBackgroundRefresh(options: {
  scheduler: SchedulerService;
  config: BackgroundRefreshConfig;
  service: CnpgBackupsService;
  requested: RecentlyRequestedDatabases;
  logger: LoggerService;
}): Promise<void> {
  const { config } = options;
  await options.scheduler.scheduleTask({
    id: REFRESH_TASK_ID,
    scope: 'global',
    frequency: config.frequency,
    timeout: config.timeout,
    initialDelay: config.initialDelay,
    fn: async signal => {
      await refreshRequestedDatabases({
        service: options.service,
        requested: options.requested,
        logger: options.logger.child({ task: REFRESH_TASK_ID }),
        signal,
      });
    },
  });
}

/**
 * Wires the background refresh when it is enabled: schedules the task and returns the service
 * that records which databases people look at; without it, the service itself.
 */
export async function setupBackgroundRefresh(options: {
  config: BackgroundRefreshConfig;
  service: CnpgBackupsService;
  cache: CacheService;
  scheduler: SchedulerService;
  logger: LoggerService;
}): Promise<CnpgBackupsService> {
  const { config, service, logger } = options;
  if (!config.enabled) return service;
  const requested = new RecentlyRequestedDatabases({
    cache: options.cache,
    requestedWithin: config.requestedWithin,
  });
  await scheduleBackgroundRefresh({
    scheduler: options.scheduler,
    config,
    service,
    requested,
    logger,
  });
  return recordRequestedDatabases(service, requested, logger);
}
