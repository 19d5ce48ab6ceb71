/*
 * DEMO ONLY — a tiny simulation of what the CNPG operator + barman-cloud plugin do when a Backup is created,
 * so that "Back up now" in the demo portal visibly works. It is NOT CNPG and makes no claim to be:
 * - ~1 s after a Backup CR appears (created through the stand-in's REST API): status.phase=started,
 *   startedAt, and the Cluster condition LastBackupSucceeded=False/BackupStarted ("New Backup starting up");
 * - ~4 s after: a new base backup is written into the bucket under the Cluster's serverName (data tarball,
 *   backup.info status=DONE, the begin WAL and its .backup label), status.phase=completed with backupId,
 *   beginWal/endWal, LSNs, startedAt/stoppedAt and pluginMetadata; LastBackupSucceeded=True; the ObjectStore
 *   serverRecoveryWindow (plugin) or the Cluster's deprecated recoverability fields (in-tree) are refreshed;
 * - databases whose store rejects uploads (seed 000) get phase=failed with the store's error instead.
 * It also keeps WAL archiving "live": healthy databases archive one more WAL every `walIntervalMs`.
 */
import { BarmanServerArchive } from './barman/BarmanServerArchive';
import { BARMAN_PLUGIN, DemoDatabase, PLUGIN_VERSION } from './scenarios';
import type { ObjectWriter } from './s3/S3rverDiskWriter';
import { KubeObject, kubeTime, StandinChange, StandinStore } from './standin';

type Logger = {
  info(message: string, meta?: object): void;
  warn(message: string, meta?: object): void;
};

type Job = {
  namespace: string;
  name: string;
  stage: 'pending' | 'started' | 'done';
  startedAt?: Date;
  timers: NodeJS.Timeout[];
};

type Target =
  | {
      kind: 'plugin' | 'legacy';
      archive: BarmanServerArchive;
      database?: DemoDatabase;
      cluster: KubeObject;
      objectStoreName?: string;
    }
  | { kind: 'error'; message: string; cluster?: KubeObject };

function get(obj: unknown, ...path: string[]): any {
  let cur: any = obj;
  for (const p of path)
    cur = cur && typeof cur === 'object' ? cur[p] : undefined;
  return cur;
}

export type DemoOperatorOptions = {
  store: StandinStore;
  databases: DemoDatabase[];
  writer: ObjectWriter;
  logger: Logger;
  /** Demo clock (default: wall clock). */
  now?: () => Date;
  startDelayMs?: number;
  completeDelayMs?: number;
  /** Archive one more WAL per healthy database this often; 0 disables. Default 5 minutes. */
  walIntervalMs?: number;
};

/** DEMO ONLY: simulated operator reacting to new Backup CRs (see file comment). */
export class DemoOperator {
  readonly #o: Required<Omit<DemoOperatorOptions, 'now'>> & { now: () => Date };
  readonly #jobs = new Map<string, Job>();
  #unsubscribe?: () => void;
  #walTimer?: NodeJS.Timeout;

  constructor(options: DemoOperatorOptions) {
    this.#o = {
      startDelayMs: 1000,
      completeDelayMs: 4000,
      walIntervalMs: 5 * 60_000,
      now: () => new Date(),
      ...options,
    };
  }

  start(): void {
    this.#unsubscribe = this.#o.store.onChange(change =>
      this.#onChange(change),
    );
    if (this.#o.walIntervalMs > 0) {
      this.#walTimer = setInterval(
        () => this.#archiveLiveWals(),
        this.#o.walIntervalMs,
      );
      this.#walTimer.unref();
    }
  }

  stop(): void {
    this.#unsubscribe?.();
    if (this.#walTimer) clearInterval(this.#walTimer);
    for (const job of this.#jobs.values()) job.timers.forEach(clearTimeout);
    this.#jobs.clear();
  }

  /** Runs every pending step now (tests, or an impatient demo). */
  async advance(): Promise<void> {
    for (const job of [...this.#jobs.values()]) {
      job.timers.forEach(clearTimeout);
      if (job.stage === 'pending') this.#startBackup(job);
      if (job.stage === 'started') this.#completeBackup(job);
    }
  }

  #onChange(change: StandinChange) {
    if (change.type !== 'ADDED' || change.object.kind !== 'Backup') return;
    if (get(change.object, 'status', 'phase')) return; // seeded objects already ran
    const { namespace = '', name } = change.object.metadata;
    const job: Job = { namespace, name, stage: 'pending', timers: [] };
    this.#jobs.set(`${namespace}/${name}`, job);
    job.timers.push(
      setTimeout(() => this.#startBackup(job), this.#o.startDelayMs),
    );
    job.timers.push(
      setTimeout(
        () => this.#completeBackup(job),
        this.#o.startDelayMs + this.#o.completeDelayMs,
      ),
    );
  }

  #type(plural: string) {
    const group =
      plural === 'objectstores' ? 'barmancloud.cnpg.io' : 'postgresql.cnpg.io';
    return this.#o.store.findType(group, 'v1', plural);
  }

  #tryGet(
    plural: string,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    const type = this.#type(plural);
    if (!type) return undefined;
    try {
      return this.#o.store.get(type, namespace, name);
    } catch {
      return undefined;
    }
  }

  #patchStatus(
    plural: string,
    obj: KubeObject,
    status: Record<string, unknown>,
  ) {
    const type = this.#type(plural);
    if (!type) return;
    try {
      this.#o.store.update(
        type,
        obj.metadata.namespace,
        obj.metadata.name,
        { ...obj, status },
        { subresource: 'status' },
      );
    } catch (error) {
      this.#o.logger.warn(
        `demo operator: could not update ${plural} ${obj.metadata.namespace}/${
          obj.metadata.name
        }: ${(error as Error).message}`,
      );
    }
  }

  #setClusterCondition(
    cluster: KubeObject,
    cond: { status: 'True' | 'False'; reason: string; message: string },
    extra: Record<string, unknown> = {},
  ) {
    const fresh =
      this.#tryGet(
        'clusters',
        cluster.metadata.namespace!,
        cluster.metadata.name,
      ) ?? cluster;
    const status = { ...(fresh.status as Record<string, unknown>) };
    const conditions = ((status.conditions as any[]) ?? []).filter(
      c => c.type !== 'LastBackupSucceeded',
    );
    conditions.push({
      type: 'LastBackupSucceeded',
      ...cond,
      lastTransitionTime: kubeTime(this.#o.now()),
    });
    this.#patchStatus('clusters', fresh, { ...status, ...extra, conditions });
  }

  #resolveTarget(backup: KubeObject): Target {
    const ns = backup.metadata.namespace!;
    const clusterName = get(backup, 'spec', 'cluster', 'name');
    const cluster = this.#tryGet('clusters', ns, clusterName);
    if (!cluster)
      return { kind: 'error', message: `Unknown cluster ${clusterName}` };
    const database = this.#o.databases.find(
      d => d.namespace === ns && d.clusterName === clusterName,
    );
    const method = get(backup, 'spec', 'method') ?? 'barmanObjectStore';
    let destinationPath: string | undefined;
    let serverName: string;
    let objectStoreName: string | undefined;
    if (method === 'plugin') {
      const plugin = ((get(cluster, 'spec', 'plugins') as any[]) ?? [])
        .filter(p => p.name === BARMAN_PLUGIN && p.enabled !== false)
        .pop();
      if (!plugin)
        return {
          kind: 'error',
          cluster,
          message: `no enabled ${BARMAN_PLUGIN} plugin in Cluster ${clusterName}`,
        };
      objectStoreName = plugin.parameters?.barmanObjectName;
      serverName = plugin.parameters?.serverName ?? clusterName;
      const store = objectStoreName
        ? this.#tryGet('objectstores', ns, objectStoreName)
        : undefined;
      if (!store)
        return {
          kind: 'error',
          cluster,
          message: `ObjectStore ${ns}/${objectStoreName} not found`,
        };
      destinationPath = get(store, 'spec', 'configuration', 'destinationPath');
    } else if (method === 'barmanObjectStore') {
      const legacy = get(cluster, 'spec', 'backup', 'barmanObjectStore');
      if (!legacy)
        return {
          kind: 'error',
          cluster,
          message:
            'no barmanObjectStore section in the Cluster backup configuration',
        };
      destinationPath = legacy.destinationPath;
      serverName = legacy.serverName ?? clusterName;
    } else {
      return {
        kind: 'error',
        cluster,
        message: `the demo operator does not simulate method ${method}`,
      };
    }
    const normalise = (p: string) => p.replace(/\/+$/, '');
    let archive = database?.archives.find(
      a =>
        normalise(a.destinationPath) === normalise(destinationPath ?? '') &&
        a.serverName === serverName,
    );
    if (!archive) {
      const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(destinationPath ?? '');
      if (!m)
        return {
          kind: 'error',
          cluster,
          message: `invalid destinationPath ${destinationPath}`,
        };
      archive = new BarmanServerArchive({
        writer: this.#o.writer,
        bucket: m[1],
        prefix: m[2],
        serverName,
        timeline: Number(get(cluster, 'status', 'timelineID') ?? 1),
        firstSegment: 2,
        systemId: String(
          get(cluster, 'status', 'systemID') ?? '7400000000000000000',
        ),
        pgVersion: 170002,
        walCompression: 'gzip',
        dataCompression: 'gzip',
        clusterSizeBytes: 64 * 1024 * 1024,
      });
      database?.archives.push(archive);
    }
    return {
      kind: method === 'plugin' ? 'plugin' : 'legacy',
      archive,
      database,
      cluster,
      objectStoreName,
    };
  }

  #startBackup(job: Job) {
    if (job.stage !== 'pending') return;
    job.stage = 'started';
    const backup = this.#tryGet('backups', job.namespace, job.name);
    if (!backup) return;
    job.startedAt = this.#o.now();
    const target = this.#resolveTarget(backup);
    if (target.kind === 'error') {
      job.stage = 'done';
      this.#patchStatus('backups', backup, {
        phase: 'failed',
        error: target.message,
        method: get(backup, 'spec', 'method') ?? 'barmanObjectStore',
      });
      return;
    }
    this.#patchStatus('backups', backup, {
      phase: 'started',
      method: get(backup, 'spec', 'method') ?? 'barmanObjectStore',
      startedAt: kubeTime(job.startedAt),
      reconciliationStartedAt: kubeTime(job.startedAt),
      instanceID: {
        podName: String(
          get(target.cluster, 'status', 'targetPrimary') ??
            `${target.cluster.metadata.name}-1`,
        ),
      },
    });
    this.#setClusterCondition(target.cluster, {
      status: 'False',
      reason: 'BackupStarted',
      message: 'New Backup starting up',
    });
    this.#o.logger.info(
      `demo operator: backup ${job.namespace}/${job.name} started`,
    );
  }

  #completeBackup(job: Job) {
    if (job.stage !== 'started') return;
    job.stage = 'done';
    this.#jobs.delete(`${job.namespace}/${job.name}`);
    const backup = this.#tryGet('backups', job.namespace, job.name);
    if (!backup) return;
    const target = this.#resolveTarget(backup);
    if (target.kind === 'error') return;
    const status = { ...(backup.status as Record<string, unknown>) };
    const now = this.#o.now();
    if (target.database?.failingUploadsError) {
      const error = `rpc error: code = Unknown desc = unexpected failure invoking barman-cloud-backup: exit status 4: ${target.database.failingUploadsError}`;
      this.#patchStatus('backups', backup, {
        ...status,
        phase: 'failed',
        error,
        reconciliationTerminatedAt: kubeTime(now),
      });
      this.#setClusterCondition(target.cluster, {
        status: 'False',
        reason: 'LastBackupFailed',
        message: target.database.failingUploadsError,
      });
      this.#updateObjectStoreWindow(target, undefined, now);
      this.#o.logger.info(
        `demo operator: backup ${job.namespace}/${job.name} failed (simulated store error)`,
      );
      return;
    }
    const startedAt = job.startedAt ?? new Date(now.getTime() - 4000);
    const written = target.archive.writeBackup({
      startedAt,
      durationSeconds: Math.max(
        1,
        Math.floor((now.getTime() - startedAt.getTime()) / 1000) - 2,
      ),
      backupName: `backup-${startedAt
        .toISOString()
        .slice(0, 19)
        .replace(/[-:T]/g, '')}`,
    });
    const common = {
      ...status,
      phase: 'completed',
      online: true,
      backupId: written.backupId,
      backupName: written.backupName,
      beginWal: written.beginWal,
      endWal: written.endWal,
      beginLSN: written.beginLsn,
      endLSN: written.endLsn,
      startedAt: kubeTime(written.beginTime),
      stoppedAt: kubeTime(written.endTime!),
      reconciliationTerminatedAt: kubeTime(now),
    };
    if (target.kind === 'plugin') {
      this.#patchStatus('backups', backup, {
        ...common,
        pluginMetadata: {
          timeline: String(written.timeline),
          version: PLUGIN_VERSION,
          name: 'plugin-barman-cloud',
          displayName: 'BarmanCloudInstance',
          clusterUID: target.cluster.metadata.uid!,
          pluginName: BARMAN_PLUGIN,
        },
      });
      this.#updateObjectStoreWindow(target, written.endTime, undefined);
      this.#setClusterCondition(target.cluster, {
        status: 'True',
        reason: 'LastBackupSucceeded',
        message: 'Backup was successful',
      });
    } else {
      const legacy = get(target.cluster, 'spec', 'backup', 'barmanObjectStore');
      this.#patchStatus('backups', backup, {
        ...common,
        destinationPath: legacy.destinationPath,
        serverName: target.archive.serverName,
        ...(legacy.endpointURL ? { endpointURL: legacy.endpointURL } : {}),
        ...(legacy.s3Credentials
          ? { s3Credentials: legacy.s3Credentials }
          : {}),
      });
      const end = kubeTime(written.endTime!);
      this.#setClusterCondition(
        target.cluster,
        {
          status: 'True',
          reason: 'LastBackupSucceeded',
          message: 'Backup was successful',
        },
        {
          lastSuccessfulBackup: end,
          lastSuccessfulBackupByMethod: { barmanObjectStore: end },
        },
      );
    }
    this.#o.logger.info(
      `demo operator: backup ${job.namespace}/${job.name} completed as ${written.backupId}`,
    );
  }

  #updateObjectStoreWindow(
    target: Extract<Target, { kind: 'plugin' | 'legacy' }>,
    successAt?: Date,
    failedAt?: Date,
  ) {
    if (target.kind !== 'plugin' || !target.objectStoreName) return;
    const store = this.#tryGet(
      'objectstores',
      target.cluster.metadata.namespace!,
      target.objectStoreName,
    );
    if (!store) return;
    const status = { ...((store.status as Record<string, any>) ?? {}) };
    const windows = { ...(status.serverRecoveryWindow ?? {}) };
    const current = { ...(windows[target.archive.serverName] ?? {}) };
    if (successAt) {
      current.lastSuccessfulBackupTime = kubeTime(successAt);
      current.firstRecoverabilityPoint =
        current.firstRecoverabilityPoint ?? kubeTime(successAt);
    }
    if (failedAt) current.lastFailedBackupTime = kubeTime(failedAt);
    windows[target.archive.serverName] = current;
    this.#patchStatus('objectstores', store, {
      ...status,
      serverRecoveryWindow: windows,
    });
  }

  /** Healthy databases keep archiving: one more WAL on their current archive. */
  #archiveLiveWals() {
    const now = this.#o.now();
    for (const db of this.#o.databases) {
      if (db.failingUploadsError) continue;
      const cluster = this.#tryGet('clusters', db.namespace, db.clusterName);
      if (!cluster) continue;
      const plugin = ((get(cluster, 'spec', 'plugins') as any[]) ?? []).find(
        p => p.name === BARMAN_PLUGIN && p.isWALArchiver,
      );
      const serverName =
        plugin?.parameters?.serverName ??
        get(cluster, 'spec', 'backup', 'barmanObjectStore', 'serverName') ??
        db.clusterName;
      const current = [...db.archives]
        .reverse()
        .find(a => a.serverName === serverName);
      current?.writeWal(now);
    }
  }
}
