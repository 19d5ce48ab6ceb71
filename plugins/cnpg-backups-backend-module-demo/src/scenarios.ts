/*
 * DEMO ONLY: the demo databases, one per operator runbook in /work/shared/seeds plus a healthy one. Every
 * Kubernetes object and every archive object is dated RELATIVE TO `now`, so windows, ages and "last WAL
 * 3 minutes ago" look live whenever the demo starts.
 *
 * | entity            | namespace/cluster               | seed | what it shows                                       |
 * |-------------------|---------------------------------|------|-----------------------------------------------------|
 * | obot              | ai-system/obot-postgresql       | 000  | RustFS + boto3 checksum error, stale WALs of an      |
 * |                   |                                 |      | older incarnation ("Expected empty archive")         |
 * | platform-postgres | databases/postgres              | 001  | R2, bzip2, 5-field cron read seconds-first (hourly),  |
 * |                   |                                 |      | retentionPolicy under configuration (pruned)         |
 * | awx               | postgres/postgres-cluster       | 002  | Hetzner, recovered generation (serverName lineage),  |
 * |                   |                                 |      | found through backstage.io/kubernetes-id label       |
 * | cnpg-main         | apps/cnpg-main                  | 003  | RustFS, zstd WAL + snappy data, WAL gap before the    |
 * |                   |                                 |      | newest backup, a failed backup, a CR without data    |
 * | immich            | cloudnative-pg/immich-database  | 004  | legacy spec.backup.barmanObjectStore, v1 + v2        |
 * | payments          | payments/payments-db            | -    | AWS S3, plugin, retention 14d, all good              |
 */
import { createHash } from 'node:crypto';
import { KubeObject, kubeTime } from './standin';
import {
  backupIdOf,
  BarmanServerArchive,
  DataCompression,
  seededRandom,
  simulateArchive,
  WalCompression,
  WrittenBackup,
} from './barman/BarmanServerArchive';
import type { ObjectWriter } from './s3/S3rverDiskWriter';

export const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';
export const PLUGIN_VERSION = '0.14.0';
/** The exact boto3 error of seed 000 (S3-compatible store vs boto3 >= 1.36 checksums). */
export const BOTO3_CHECKSUM_ERROR =
  'An error occurred (InvalidArgument) when calling the PutObject operation: x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD or a valid sha256 value.';
/** Prefix of every fake credential value, so leak tests can search for it. */
export const DEMO_SECRET_MARKER = 'DEMO-SECRET-DO-NOT-LEAK';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** One demo database: its Kubernetes objects, archives and S3 facts. */
export type DemoDatabase = {
  /** Backstage Component name in examples/cnpg-demo-entities.yaml. */
  entity: string;
  namespace: string;
  clusterName: string;
  /** The `endpointURL` declared in the CRs, or 'aws' when none is set. */
  declaredEndpoint: string;
  objects: KubeObject[];
  /** Archives by serverName (current and older generations). */
  archives: BarmanServerArchive[];
  /** Access key pair in the database's Secret (registered with s3rver so the real values work). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** When set, the demo operator fails new backups with this message (uploads rejected by the store). */
  failingUploadsError?: string;
};

type Ctx = { now: Date; writer: ObjectWriter };

/** Deterministic RFC 4122-looking uid from a name, so references (clusterUID, ownerReferences) line up. */
export function demoUid(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

function ago(now: Date, ms: number): Date {
  return new Date(now.getTime() - ms);
}

/** The instant `daysAgo` days before `now` (UTC calendar), at hh:mm:ss UTC. */
function dayAt(
  now: Date,
  daysAgo: number,
  hour: number,
  minute = 0,
  second = 0,
): Date {
  const d = new Date(
    Date.UTC(
      now.getUTCFullYear(),
      now.getUTCMonth(),
      now.getUTCDate(),
      hour,
      minute,
      second,
    ),
  );
  return new Date(d.getTime() - daysAgo * DAY);
}

/** Daily instants at hh:mm UTC during the last `days` days that are at least 10 minutes in the past. */
function dailyTimes(now: Date, days: number, hour: number, minute = 0): Date[] {
  const out: Date[] = [];
  for (let d = days; d >= 0; d--) {
    const t = dayAt(now, d, hour, minute);
    if (t.getTime() <= now.getTime() - 10 * MIN) out.push(t);
  }
  return out;
}

/**
 * Runs the barman-cloud sidecar's retention on `archive` as of `now` (BarmanServerArchive.applyRetention: the
 * same OBSOLETE computation as the backups-older-than-retention rule) and returns the backups it deleted. The
 * plugin's maintenance loop then deletes their Backup CRs, so callers drop those too. Scenarios call this for
 * the serverName each cluster archives to; an archive of an older generation is nobody's to maintain.
 */
function retain(
  ctx: Ctx,
  a: BarmanServerArchive,
  policy: string,
): Set<WrittenBackup> {
  return new Set(a.applyRetention(policy, ctx.now));
}

function secret(
  namespace: string,
  name: string,
  stringData: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { 'cnpg.io/reload': 'true' } },
    type: 'Opaque',
    data: Object.fromEntries(
      Object.entries(stringData).map(([k, v]) => [
        k,
        Buffer.from(v).toString('base64'),
      ]),
    ),
  };
}

function credentialsFor(entity: string) {
  return {
    accessKeyId: `${DEMO_SECRET_MARKER}-${entity}-access-key-id`,
    secretAccessKey: `${DEMO_SECRET_MARKER}-${entity}-secret-access-key`,
  };
}

function condition(
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  at: Date,
) {
  return { type, status, reason, message, lastTransitionTime: kubeTime(at) };
}

function pluginStatus() {
  return [
    {
      name: BARMAN_PLUGIN,
      version: PLUGIN_VERSION,
      capabilities: ['TYPE_RECONCILER_HOOKS', 'TYPE_LIFECYCLE_SERVICE'],
      operatorCapabilities: ['TYPE_RECONCILER_HOOKS', 'TYPE_LIFECYCLE_SERVICE'],
      walCapabilities: ['TYPE_ARCHIVE_WAL', 'TYPE_RESTORE_WAL'],
      backupCapabilities: ['TYPE_BACKUP'],
      restoreJobHookCapabilities: ['TYPE_RESTORE_JOB_HOOK_AFTER_RESTORE'],
    },
  ];
}

function recoveryWindow(backups: WrittenBackup[], lastFailed?: Date) {
  const done = backups.filter(b => b.status === 'DONE' && b.endTime);
  return {
    ...(done.length
      ? { firstRecoverabilityPoint: kubeTime(done[0].endTime!) }
      : {}),
    ...(done.length
      ? { lastSuccessfulBackupTime: kubeTime(done[done.length - 1].endTime!) }
      : {}),
    ...(lastFailed ? { lastFailedBackupTime: kubeTime(lastFailed) } : {}),
  };
}

/** A Backup CR as CNPG + the barman plugin leave it after the backup ran. */
function pluginBackupCr(options: {
  namespace: string;
  clusterName: string;
  clusterUid: string;
  name: string;
  written: WrittenBackup;
  createdAt: Date;
  podName: string;
  scheduledBackup?: { name: string; uid: string; ownedBySelf: boolean };
}): KubeObject {
  const { written: b } = options;
  const failed = b.status === 'FAILED';
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Backup',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      uid: demoUid('Backup', options.namespace, options.name),
      creationTimestamp: kubeTime(options.createdAt),
      generation: 1,
      labels: {
        'cnpg.io/cluster': options.clusterName,
        ...(options.scheduledBackup
          ? {
              'cnpg.io/scheduled-backup': options.scheduledBackup.name,
              'cnpg.io/immediateBackup': 'false',
            }
          : {}),
      },
      ...(options.scheduledBackup?.ownedBySelf
        ? {
            ownerReferences: [
              {
                apiVersion: 'postgresql.cnpg.io/v1',
                kind: 'ScheduledBackup',
                name: options.scheduledBackup.name,
                uid: options.scheduledBackup.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      cluster: { name: options.clusterName },
      method: 'plugin',
      pluginConfiguration: { name: BARMAN_PLUGIN },
    },
    status: {
      method: 'plugin',
      online: true,
      phase: failed ? 'failed' : 'completed',
      backupId: b.backupId,
      backupName: b.backupName,
      beginWal: b.beginWal,
      beginLSN: b.beginLsn,
      startedAt: kubeTime(b.beginTime),
      reconciliationStartedAt: kubeTime(options.createdAt),
      ...(failed
        ? { error: b.error ?? 'backup failed' }
        : {
            endWal: b.endWal,
            endLSN: b.endLsn,
            stoppedAt: kubeTime(b.endTime!),
            reconciliationTerminatedAt: kubeTime(
              new Date(b.endTime!.getTime() + 2000),
            ),
          }),
      instanceID: {
        podName: options.podName,
        ContainerID: `containerd://${createHash('sha256')
          .update(options.podName)
          .digest('hex')}`,
      },
      majorVersion: 17,
      pluginMetadata: {
        timeline: String(b.timeline),
        version: PLUGIN_VERSION,
        name: 'plugin-barman-cloud',
        displayName: 'BarmanCloudInstance',
        clusterUID: options.clusterUid,
        pluginName: BARMAN_PLUGIN,
      },
    },
  };
}

function backupCrName(prefix: string, at: Date) {
  return `${prefix}-${backupIdOf(at).replace('T', '')}`;
}

function healthyClusterStatus(options: {
  name: string;
  createdAt: Date;
  timelineID: number;
  systemID: string;
  lastArchivedAt: Date;
  lastBackupAt?: Date;
  image?: string;
}) {
  return {
    phase: 'Cluster in healthy state',
    instances: 3,
    readyInstances: 3,
    instanceNames: [1, 2, 3].map(i => `${options.name}-${i}`),
    currentPrimary: `${options.name}-1`,
    targetPrimary: `${options.name}-1`,
    currentPrimaryTimestamp: new Date(options.createdAt.getTime() + 90_000)
      .toISOString()
      .replace('Z', '000Z'),
    timelineID: options.timelineID,
    systemID: options.systemID,
    image: options.image ?? 'ghcr.io/cloudnative-pg/postgresql:17.2',
    conditions: [
      condition(
        'Ready',
        'True',
        'ClusterIsReady',
        'Cluster is Ready',
        new Date(options.createdAt.getTime() + 120_000),
      ),
      condition(
        'ContinuousArchiving',
        'True',
        'ContinuousArchivingSuccess',
        'Continuous archiving is working',
        new Date(options.createdAt.getTime() + 150_000),
      ),
      ...(options.lastBackupAt
        ? [
            condition(
              'LastBackupSucceeded',
              'True',
              'LastBackupSucceeded',
              'Backup was successful',
              options.lastBackupAt,
            ),
          ]
        : []),
    ],
    pluginStatus: pluginStatus(),
  };
}

function objectStore(options: {
  namespace: string;
  name: string;
  createdAt: Date;
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
  labels?: Record<string, string>;
  /** The manifest as the user applied it (before the API server pruned it), kept like kubectl apply does. */
  lastApplied?: Record<string, unknown>;
}): KubeObject {
  return {
    apiVersion: 'barmancloud.cnpg.io/v1',
    kind: 'ObjectStore',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      uid: demoUid('ObjectStore', options.namespace, options.name),
      creationTimestamp: kubeTime(options.createdAt),
      generation: 1,
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.lastApplied
        ? {
            annotations: {
              'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(
                options.lastApplied,
              )}\n`,
            },
          }
        : {}),
    },
    spec: options.spec,
    ...(options.status ? { status: options.status } : {}),
  };
}

function scheduledBackup(options: {
  namespace: string;
  name: string;
  clusterName: string;
  schedule: string;
  createdAt: Date;
  lastScheduleTime?: Date;
  nextScheduleTime?: Date;
  now: Date;
  method?: 'plugin' | 'barmanObjectStore';
  backupOwnerReference?: 'none' | 'self' | 'cluster';
}): KubeObject {
  const method = options.method ?? 'plugin';
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'ScheduledBackup',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      uid: demoUid('ScheduledBackup', options.namespace, options.name),
      creationTimestamp: kubeTime(options.createdAt),
      generation: 1,
    },
    spec: {
      schedule: options.schedule,
      cluster: { name: options.clusterName },
      method,
      ...(method === 'plugin'
        ? { pluginConfiguration: { name: BARMAN_PLUGIN } }
        : {}),
      backupOwnerReference: options.backupOwnerReference ?? 'self',
      immediate: false,
    },
    status: {
      lastCheckTime: kubeTime(ago(options.now, 25_000)),
      ...(options.lastScheduleTime
        ? { lastScheduleTime: kubeTime(options.lastScheduleTime) }
        : {}),
      ...(options.nextScheduleTime
        ? { nextScheduleTime: kubeTime(options.nextScheduleTime) }
        : {}),
    },
  };
}

function archive(
  ctx: Ctx,
  options: {
    bucket: string;
    prefix: string;
    serverName: string;
    timeline?: number;
    firstSegment: number;
    systemId: string;
    wal: WalCompression;
    data: DataCompression;
    sizeGiB: number;
    serverNameField?: string;
  },
) {
  return new BarmanServerArchive({
    writer: ctx.writer,
    bucket: options.bucket,
    prefix: options.prefix,
    serverName: options.serverName,
    timeline: options.timeline ?? 1,
    firstSegment: options.firstSegment,
    systemId: options.systemId,
    pgVersion: 170002,
    walCompression: options.wal,
    dataCompression: options.data,
    clusterSizeBytes: Math.round(options.sizeGiB * 1024 ** 3),
    serverNameField: options.serverNameField,
    random: seededRandom(
      `${options.bucket}/${options.prefix}/${options.serverName}`,
    ),
  });
}

const checksumEnv = [
  { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' },
  { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'when_required' },
];

// ---------------------------------------------------------------------------------------------------------
// seed 000: obot on RustFS, no checksum env vars; recreated cluster finds the old incarnation's WALs.
function obot(ctx: Ctx): DemoDatabase {
  const { now } = ctx;
  const ns = 'ai-system';
  const name = 'obot-postgresql';
  const endpoint = 'http://rustfs-svc.storage.svc.cluster.local:9000';
  const credentials = credentialsFor('obot');
  // Re-created a day ago (the runbook's cluster was re-created after its PVC was lost).
  const createdAt = new Date(
    Math.floor((now.getTime() - 26 * HOUR) / 1000) * 1000,
  );
  // The most recent scheduled run (03:00 UTC daily) — always after the re-creation.
  const lastRun =
    dayAt(now, 0, 3) <= ago(now, 10 * MIN)
      ? dayAt(now, 0, 3)
      : dayAt(now, 1, 3);
  const clusterUid = demoUid('Cluster', ns, name);

  // The previous incarnation archived WALs (and took one backup) before the cluster was deleted.
  const old = archive(ctx, {
    bucket: 'obot-postgres-backups',
    prefix: '',
    serverName: name,
    firstSegment: 1,
    systemId: '7456611249182738201',
    wal: 'gzip',
    data: 'gzip',
    sizeGiB: 0.4,
  });
  simulateArchive(old, {
    from: ago(createdAt, 2.5 * DAY),
    to: ago(createdAt, 3 * HOUR),
    walEveryMinutes: 20,
    backups: [
      {
        at: new Date(
          Math.floor(ago(createdAt, 1.5 * DAY).getTime() / MIN) * MIN,
        ),
        durationSeconds: 41,
      },
    ],
  });
  const lastFailed = new Date(lastRun.getTime() + 4000);

  const store = objectStore({
    namespace: ns,
    name: 'obot-objectstore',
    createdAt: dayAt(now, 20, 14, 2),
    labels: {
      'app.kubernetes.io/name': 'obot-objectstore',
      'app.kubernetes.io/part-of': 'obot',
    },
    lastApplied: {
      apiVersion: 'barmancloud.cnpg.io/v1',
      kind: 'ObjectStore',
      metadata: { name: 'obot-objectstore', namespace: ns },
      spec: {
        configuration: {
          destinationPath: 's3://obot-postgres-backups',
          endpointURL: endpoint,
          s3Credentials: {
            accessKeyId: {
              name: 'obot-backup-credentials',
              key: 'ACCESS_KEY_ID',
            },
            secretAccessKey: {
              name: 'obot-backup-credentials',
              key: 'SECRET_ACCESS_KEY',
            },
          },
          wal: { compression: 'gzip' },
          retentionPolicy: '7d',
        },
      },
    },
    spec: {
      configuration: {
        destinationPath: 's3://obot-postgres-backups',
        endpointURL: endpoint,
        s3Credentials: {
          accessKeyId: {
            name: 'obot-backup-credentials',
            key: 'ACCESS_KEY_ID',
          },
          secretAccessKey: {
            name: 'obot-backup-credentials',
            key: 'SECRET_ACCESS_KEY',
          },
        },
        wal: { compression: 'gzip' },
        // The runbook puts retentionPolicy here; it belongs at spec level, so the API server prunes it.
        retentionPolicy: '7d',
      },
      instanceSidecarConfiguration: {
        retentionPolicyIntervalSeconds: 1800,
        resources: {
          requests: { cpu: '50m', memory: '64Mi' },
          limits: { cpu: '200m', memory: '256Mi' },
        },
      },
    },
    status: {
      serverRecoveryWindow: { [name]: recoveryWindow(old.backups, lastFailed) },
    },
  });

  const cluster: KubeObject = {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: {
      name,
      namespace: ns,
      uid: clusterUid,
      creationTimestamp: kubeTime(createdAt),
      generation: 1,
      labels: {
        'app.kubernetes.io/name': 'obot-postgresql',
        'app.kubernetes.io/part-of': 'obot',
      },
    },
    spec: {
      instances: 1,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:17.2',
      storage: { size: '5Gi' },
      bootstrap: { initdb: { database: 'obot', owner: 'obot' } },
      plugins: [
        {
          name: BARMAN_PLUGIN,
          isWALArchiver: true,
          parameters: { barmanObjectName: 'obot-objectstore' },
        },
      ],
    },
    status: {
      phase: 'Cluster in healthy state',
      instances: 1,
      readyInstances: 1,
      instanceNames: [`${name}-1`],
      currentPrimary: `${name}-1`,
      targetPrimary: `${name}-1`,
      timelineID: 1,
      systemID: '7457020114365190146',
      image: 'ghcr.io/cloudnative-pg/postgresql:17.2',
      conditions: [
        condition(
          'Ready',
          'True',
          'ClusterIsReady',
          'Cluster is Ready',
          new Date(createdAt.getTime() + 95_000),
        ),
        condition(
          'ContinuousArchiving',
          'False',
          'ContinuousArchivingFailing',
          BOTO3_CHECKSUM_ERROR,
          new Date(createdAt.getTime() + 140_000),
        ),
        condition(
          'LastBackupSucceeded',
          'False',
          'LastBackupFailed',
          BOTO3_CHECKSUM_ERROR.replace('PutObject', 'UploadPart'),
          lastFailed,
        ),
      ],
      pluginStatus: pluginStatus(),
    },
  };
  const sb = scheduledBackup({
    namespace: ns,
    name: 'obot-postgresql-daily',
    clusterName: name,
    schedule: '0 0 3 * * *',
    createdAt: dayAt(now, 20, 14, 2),
    lastScheduleTime: lastRun,
    nextScheduleTime: new Date(lastRun.getTime() + DAY),
    now,
  });
  const failedBackup = pluginBackupCr({
    namespace: ns,
    clusterName: name,
    clusterUid,
    name: backupCrName('obot-postgresql-daily', lastRun),
    createdAt: lastRun,
    podName: `${name}-1`,
    written: {
      backupId: backupIdOf(new Date(lastRun.getTime() + 1000)),
      status: 'FAILED',
      timeline: 1,
      beginWal: '000000010000000000000002',
      beginLsn: '0/2000028',
      beginTime: new Date(lastRun.getTime() + 2000),
      error: `rpc error: code = Unknown desc = unexpected failure invoking barman-cloud-backup: exit status 4: ${BOTO3_CHECKSUM_ERROR.replace(
        'PutObject',
        'UploadPart',
      )}`,
    },
    scheduledBackup: {
      name: 'obot-postgresql-daily',
      uid: demoUid('ScheduledBackup', ns, 'obot-postgresql-daily'),
      ownedBySelf: true,
    },
  });
  return {
    entity: 'obot',
    namespace: ns,
    clusterName: name,
    declaredEndpoint: endpoint,
    credentials,
    failingUploadsError: BOTO3_CHECKSUM_ERROR.replace(
      'PutObject',
      'UploadPart',
    ),
    archives: [old],
    objects: [
      secret(ns, 'obot-backup-credentials', {
        ACCESS_KEY_ID: credentials.accessKeyId,
        SECRET_ACCESS_KEY: credentials.secretAccessKey,
      }),
      store,
      cluster,
      sb,
      failedBackup,
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// seed 001: R2, bzip2, ScheduledBackup "0 0 * * *" (5 fields → seconds-first → hourly), retention pruned.
function platformPostgres(ctx: Ctx): DemoDatabase {
  const { now } = ctx;
  const ns = 'databases';
  const name = 'postgres';
  const serverName = 'postgres-main';
  const endpoint =
    'https://eca0833f608b5745af030307a99bdbb4.r2.cloudflarestorage.com';
  const credentials = credentialsFor('platform-postgres');
  const clusterUid = demoUid('Cluster', ns, name);
  const createdAt = dayAt(now, 45, 9, 12);
  const pluginAddedAt = dayAt(now, 3, 0, 20);

  const a = archive(ctx, {
    bucket: 'homelab-cnpg-backups',
    prefix: '',
    serverName,
    firstSegment: 0x2a10,
    systemId: '7431888120551209112',
    wal: 'bzip2',
    data: 'bzip2',
    sizeGiB: 2.3,
  });
  // Hourly at minute 0: the operator reads "0 0 * * *" as sec=0 min=0 hour=* (every hour).
  const hourly: Date[] = [];
  for (
    let t = Math.ceil((pluginAddedAt.getTime() + MIN) / HOUR) * HOUR;
    t <= now.getTime() - 5 * MIN;
    t += HOUR
  ) {
    hourly.push(new Date(t));
  }
  const written = simulateArchive(a, {
    from: pluginAddedAt,
    to: ago(now, 3 * MIN),
    walEveryMinutes: 5,
    backups: hourly.map(at => ({ at, durationSeconds: 95 })),
  });
  const sbUid = demoUid('ScheduledBackup', ns, 'postgres-daily-backup');
  const backups = written.map((b, i) =>
    pluginBackupCr({
      namespace: ns,
      clusterName: name,
      clusterUid,
      name: backupCrName('postgres-daily-backup', hourly[i]),
      createdAt: new Date(b.beginTime.getTime() - 2000),
      podName: `${name}-2`,
      written: b,
      scheduledBackup: {
        name: 'postgres-daily-backup',
        uid: sbUid,
        ownedBySelf: true,
      },
    }),
  );
  const last = written[written.length - 1];
  const manifestConfiguration = {
    destinationPath: 's3://homelab-cnpg-backups/',
    endpointURL: endpoint,
    s3Credentials: {
      accessKeyId: { name: 'cnpg-r2-secret', key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: 'cnpg-r2-secret', key: 'ACCESS_SECRET_KEY' },
    },
    wal: { compression: 'bzip2', maxParallel: 2 },
    data: { compression: 'bzip2', jobs: 2 },
    retentionPolicy: '30d',
  };
  return {
    entity: 'platform-postgres',
    namespace: ns,
    clusterName: name,
    declaredEndpoint: endpoint,
    credentials,
    archives: [a],
    objects: [
      secret(ns, 'cnpg-r2-secret', {
        ACCESS_KEY_ID: credentials.accessKeyId,
        ACCESS_SECRET_KEY: credentials.secretAccessKey,
      }),
      objectStore({
        namespace: ns,
        name: 'postgres-r2-backup',
        createdAt: ago(pluginAddedAt, 10 * MIN),
        lastApplied: {
          apiVersion: 'barmancloud.cnpg.io/v1',
          kind: 'ObjectStore',
          metadata: { name: 'postgres-r2-backup', namespace: ns },
          spec: { configuration: manifestConfiguration },
        },
        // As applied from the story: retentionPolicy under configuration (silently pruned by the API server).
        // The story's `configuration.serverName` was removed after the CEL rule rejected it.
        spec: { configuration: manifestConfiguration },
        status: {
          serverRecoveryWindow: { [serverName]: recoveryWindow(written) },
        },
      }),
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: {
          name,
          namespace: ns,
          uid: clusterUid,
          creationTimestamp: kubeTime(createdAt),
          generation: 4,
        },
        spec: {
          instances: 3,
          imageName: 'ghcr.io/cloudnative-pg/postgresql:17.2',
          storage: { size: '20Gi', storageClass: 'ceph-block' },
          plugins: [
            {
              name: BARMAN_PLUGIN,
              isWALArchiver: true,
              parameters: {
                barmanObjectName: 'postgres-r2-backup',
                serverName,
              },
            },
          ],
        },
        status: healthyClusterStatus({
          name,
          createdAt,
          timelineID: 1,
          systemID: '7431888120551209112',
          lastArchivedAt: a.lastWalAt!,
          lastBackupAt: last.endTime,
        }),
      },
      scheduledBackup({
        namespace: ns,
        name: 'postgres-daily-backup',
        clusterName: name,
        schedule: '0 0 * * *',
        createdAt: ago(pluginAddedAt, 5 * MIN),
        lastScheduleTime: hourly[hourly.length - 1],
        nextScheduleTime: new Date(Math.ceil(now.getTime() / HOUR) * HOUR),
        now,
      }),
      ...backups,
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// seed 002: Hetzner, recovered generation archiving to postgres-cluster-recovered; old serverName kept.
function awx(ctx: Ctx): DemoDatabase {
  const { now } = ctx;
  const ns = 'postgres';
  const name = 'postgres-cluster';
  const endpoint = 'https://fsn1.your-objectstorage.com';
  const credentials = credentialsFor('awx');
  const clusterUid = demoUid('Cluster', ns, name, 'recovered');
  const disasterAt = dayAt(now, 5, 7, 40);
  const recoveredAt = dayAt(now, 5, 9, 5);
  const bucket = 'awx-postgres-backups';
  const prefix = 'clusters/postgres-cluster';

  const old = archive(ctx, {
    bucket,
    prefix,
    serverName: 'postgres-cluster',
    firstSegment: 0x1c0,
    systemId: '7398812256000112233',
    wal: 'gzip',
    data: 'gzip',
    sizeGiB: 0.9,
  });
  simulateArchive(old, {
    from: dayAt(now, 19, 11, 0),
    to: disasterAt,
    walEveryMinutes: 30,
    backups: [18, 15, 12, 9, 7].map((d, i) => ({
      at: dayAt(now, d, 10, 5 + i * 7, 19),
      durationSeconds: 64,
    })),
  });
  const recovered = archive(ctx, {
    bucket,
    prefix,
    serverName: 'postgres-cluster-recovered',
    firstSegment: old.segment - 1,
    systemId: '7398812256000112233',
    wal: 'gzip',
    data: 'gzip',
    sizeGiB: 0.95,
  });
  recovered.switchTimeline(2, new Date(recoveredAt.getTime() + 60_000));
  const simulated = simulateArchive(recovered, {
    from: new Date(recoveredAt.getTime() + 2 * MIN),
    to: ago(now, 4 * MIN),
    walEveryMinutes: 20,
    backups: [dayAt(now, 4, 10, 0, 7), dayAt(now, 1, 9, 30, 41)].map(at => ({
      at,
      durationSeconds: 70,
    })),
  });
  const deletedByRetention = retain(ctx, recovered, '30d');
  const written = simulated.filter(b => !deletedByRetention.has(b));
  // On-demand Backups of the current generation (the old ones went with the deleted namespace).
  const backups = written.map(b =>
    pluginBackupCr({
      namespace: ns,
      clusterName: name,
      clusterUid,
      name: `postgres-backup-${b.backupId.slice(0, 8)}-${b.backupId.slice(9)}`,
      createdAt: new Date(b.beginTime.getTime() - 2500),
      podName: `${name}-1`,
      written: b,
    }),
  );
  return {
    entity: 'awx',
    namespace: ns,
    clusterName: name,
    declaredEndpoint: endpoint,
    credentials,
    archives: [old, recovered],
    objects: [
      secret(ns, 'hetzner-s3-credentials', {
        ACCESS_KEY_ID: credentials.accessKeyId,
        ACCESS_SECRET_KEY: credentials.secretAccessKey,
      }),
      secret(ns, 'postgres-awx-owner', {
        username: 'awx',
        password: `${DEMO_SECRET_MARKER}-awx-db-password`,
      }),
      objectStore({
        namespace: ns,
        name: 'hetzner-s3-store',
        createdAt: ago(recoveredAt, 3 * MIN),
        spec: {
          retentionPolicy: '30d',
          configuration: {
            destinationPath: `s3://${bucket}/${prefix}`,
            endpointURL: endpoint,
            s3Credentials: {
              accessKeyId: {
                name: 'hetzner-s3-credentials',
                key: 'ACCESS_KEY_ID',
              },
              secretAccessKey: {
                name: 'hetzner-s3-credentials',
                key: 'ACCESS_SECRET_KEY',
              },
            },
            wal: { compression: 'gzip' },
            data: { compression: 'gzip' },
          },
          instanceSidecarConfiguration: { env: checksumEnv },
        },
        status: {
          serverRecoveryWindow: {
            'postgres-cluster-recovered': recoveryWindow(written),
          },
        },
      }),
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: {
          name,
          namespace: ns,
          uid: clusterUid,
          creationTimestamp: kubeTime(recoveredAt),
          generation: 1,
          labels: { 'backstage.io/kubernetes-id': 'awx' },
        },
        spec: {
          instances: 3,
          imageName: 'ghcr.io/cloudnative-pg/postgresql:17.2',
          bootstrap: {
            recovery: {
              source: 'postgres-cluster-backup',
              recoveryTarget: {},
              database: 'app',
              owner: 'app',
            },
          },
          externalClusters: [
            {
              name: 'postgres-cluster-backup',
              plugin: {
                name: BARMAN_PLUGIN,
                parameters: {
                  barmanObjectName: 'hetzner-s3-store',
                  serverName: 'postgres-cluster',
                },
              },
            },
          ],
          plugins: [
            {
              name: BARMAN_PLUGIN,
              isWALArchiver: true,
              parameters: {
                barmanObjectName: 'hetzner-s3-store',
                serverName: 'postgres-cluster-recovered',
              },
            },
          ],
          managed: {
            roles: [
              {
                name: 'awx',
                ensure: 'present',
                login: true,
                passwordSecret: { name: 'postgres-awx-owner' },
              },
            ],
          },
          storage: { size: '10Gi', storageClass: 'hcloud-volumes' },
          walStorage: { size: '2Gi', storageClass: 'hcloud-volumes' },
        },
        status: healthyClusterStatus({
          name,
          createdAt: recoveredAt,
          timelineID: 2,
          systemID: '7398812256000112233',
          lastArchivedAt: recovered.lastWalAt!,
          lastBackupAt: written[written.length - 1].endTime,
        }),
      },
      ...backups,
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// seed 003: RustFS, zstd WAL + snappy data, 6-field schedule; a WAL gap before the newest backup.
function cnpgMain(ctx: Ctx): DemoDatabase {
  const { now } = ctx;
  const ns = 'apps';
  const name = 'cnpg-main';
  const endpoint = 'http://rustfs.rustfs.svc:9000';
  const credentials = credentialsFor('cnpg-main');
  const clusterUid = demoUid('Cluster', ns, name);
  const createdAt = dayAt(now, 40, 16, 44);
  const a = archive(ctx, {
    bucket: 'cnpg-backups',
    prefix: '',
    serverName: name,
    firstSegment: 0x5e2,
    systemId: '7420034456612789001',
    wal: 'zstd',
    data: 'snappy',
    sizeGiB: 6.5,
  });
  const times = dailyTimes(now, 14, 2, 0);
  const newest = times[times.length - 1];
  const failedAt = times[times.length - 5];
  const missingAt = times[times.length - 3];
  const written = simulateArchive(a, {
    from: ago(times[0], 30 * MIN),
    to: ago(now, 4 * MIN),
    walEveryMinutes: 10,
    backups: times.map(at => ({
      at,
      durationSeconds: 310,
      ...(at === failedAt
        ? {
            status: 'FAILED' as const,
            error:
              'failure uploading data (Connection was closed before we received a valid response from endpoint URL: "http://rustfs.rustfs.svc:9000/cnpg-backups/cnpg-main/base/data.tar.snappy?uploadId=7f3e&partNumber=3".)',
          }
        : {}),
    })),
    // archive_command failed for three hours the evening before the newest backup; those segments never
    // reached the bucket (e.g. a RustFS outage while pg_wal was recycled after a failover).
    gaps: [{ from: ago(newest, 7 * HOUR), to: ago(newest, 4 * HOUR) }],
  });
  // The base backup of `missingAt` was deleted from the bucket by hand; its Backup CR still says completed.
  const missing = written.find(b => b.backupId === backupIdOf(missingAt))!;
  for (const key of ['backup.info', 'data.tar.snappy']) {
    ctx.writer.delete(
      a.bucket,
      `${a.serverPrefix}base/${missing.backupId}/${key}`,
    );
  }
  a.backups.splice(a.backups.indexOf(missing), 1);
  // Retention 14d as the sidecar leaves it (the CR of the hand-deleted backup stays: that is the point).
  const deleted = retain(ctx, a, '14d');
  const sbUid = demoUid('ScheduledBackup', ns, 'cnpg-main-backup');
  const backups = written.flatMap((b, i) =>
    deleted.has(b)
      ? []
      : [
          pluginBackupCr({
            namespace: ns,
            clusterName: name,
            clusterUid,
            name: backupCrName('cnpg-main-backup', times[i]),
            createdAt: times[i],
            podName: `${name}-2`,
            written: b,
            scheduledBackup: {
              name: 'cnpg-main-backup',
              uid: sbUid,
              ownedBySelf: false,
            },
          }),
        ],
  );
  const failedDate = failedAt;
  return {
    entity: 'cnpg-main',
    namespace: ns,
    clusterName: name,
    declaredEndpoint: endpoint,
    credentials,
    archives: [a],
    objects: [
      secret(ns, 'cnpg-backup-credentials', {
        ACCESS_KEY_ID: credentials.accessKeyId,
        ACCESS_SECRET_KEY: credentials.secretAccessKey,
      }),
      objectStore({
        namespace: ns,
        name: 'cnpg-backups',
        createdAt: dayAt(now, 30, 12, 0),
        spec: {
          retentionPolicy: '14d',
          configuration: {
            destinationPath: 's3://cnpg-backups/',
            endpointURL: endpoint,
            s3Credentials: {
              accessKeyId: {
                name: 'cnpg-backup-credentials',
                key: 'ACCESS_KEY_ID',
              },
              secretAccessKey: {
                name: 'cnpg-backup-credentials',
                key: 'ACCESS_SECRET_KEY',
              },
            },
            wal: { compression: 'zstd', maxParallel: 4 },
            data: { compression: 'snappy', jobs: 2 },
          },
          instanceSidecarConfiguration: { env: checksumEnv },
        },
        status: {
          serverRecoveryWindow: {
            [name]: recoveryWindow(
              written.filter(b => b !== missing && !deleted.has(b)),
              failedDate,
            ),
          },
        },
      }),
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: {
          name,
          namespace: ns,
          uid: clusterUid,
          creationTimestamp: kubeTime(createdAt),
          generation: 3,
        },
        spec: {
          instances: 3,
          imageName: 'ghcr.io/cloudnative-pg/postgresql:17.2',
          storage: { size: '50Gi', storageClass: 'nvme-fast' },
          walStorage: { size: '10Gi', storageClass: 'nvme-general' },
          plugins: [
            {
              name: BARMAN_PLUGIN,
              isWALArchiver: true,
              parameters: { barmanObjectName: 'cnpg-backups' },
            },
          ],
        },
        status: healthyClusterStatus({
          name,
          createdAt,
          timelineID: 1,
          systemID: '7420034456612789001',
          lastArchivedAt: a.lastWalAt!,
          lastBackupAt: written[written.length - 1].endTime,
        }),
      },
      scheduledBackup({
        namespace: ns,
        name: 'cnpg-main-backup',
        clusterName: name,
        schedule: '0 0 2 * * *',
        createdAt: dayAt(now, 30, 12, 5),
        lastScheduleTime: newest,
        nextScheduleTime: new Date(newest.getTime() + DAY),
        backupOwnerReference: 'none',
        now,
      }),
      ...backups,
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// seed 004: legacy in-tree spec.backup.barmanObjectStore, serverName versioning v1 → v2 after a recovery.
function immich(ctx: Ctx): DemoDatabase {
  const { now } = ctx;
  const ns = 'cloudnative-pg';
  const name = 'immich-database';
  const endpoint = 'http://minio.storage.svc.cluster.local:9000';
  const credentials = credentialsFor('immich');
  const clusterUid = demoUid('Cluster', ns, name, 'v2');
  const recoveredAt = dayAt(now, 12, 19, 26);
  const bucket = 'postgres-backups';
  const prefix = 'cnpg/immich';
  const v1 = archive(ctx, {
    bucket,
    prefix,
    serverName: 'immich-database-v1',
    firstSegment: 0x310,
    systemId: '7389001122334455667',
    wal: 'gzip',
    data: 'gzip',
    sizeGiB: 1.6,
    serverNameField: 'cloud',
  });
  simulateArchive(v1, {
    from: dayAt(now, 26, 1, 30),
    to: ago(recoveredAt, 40 * MIN),
    walEveryMinutes: 30,
    backups: dailyTimes(ago(recoveredAt, HOUR), 24, 2, 0)
      .filter(t => t.getTime() > dayAt(now, 26, 1, 45).getTime())
      .map(at => ({ at, durationSeconds: 140 })),
  });
  const v2 = archive(ctx, {
    bucket,
    prefix,
    serverName: 'immich-database-v2',
    firstSegment: v1.segment - 1,
    systemId: '7389001122334455667',
    wal: 'gzip',
    data: 'gzip',
    sizeGiB: 1.7,
    serverNameField: 'cloud',
  });
  v2.switchTimeline(2, new Date(recoveredAt.getTime() + 3 * MIN));
  const times = dailyTimes(now, 11, 2, 0).filter(t => t > recoveredAt);
  const simulated = simulateArchive(v2, {
    from: new Date(recoveredAt.getTime() + 4 * MIN),
    to: ago(now, 2 * MIN),
    walEveryMinutes: 20,
    backups: times.map(at => ({ at, durationSeconds: 150 })),
  });
  const deletedByRetention = retain(ctx, v2, '30d');
  const kept = simulated.flatMap((b, i) =>
    deletedByRetention.has(b) ? [] : [{ b, at: times[i] }],
  );
  const written = kept.map(k => k.b);
  const storeSpec = {
    destinationPath: `s3://${bucket}/${prefix}`,
    endpointURL: endpoint,
    s3Credentials: {
      accessKeyId: { name: 'cnpg-s3-credentials', key: 'AWS_ACCESS_KEY_ID' },
      secretAccessKey: {
        name: 'cnpg-s3-credentials',
        key: 'AWS_SECRET_ACCESS_KEY',
      },
    },
    wal: { compression: 'gzip', maxParallel: 2 },
    data: { compression: 'gzip' },
  };
  const sbUid = demoUid('ScheduledBackup', ns, 'immich-database-daily');
  const backups: KubeObject[] = kept.map(({ b, at }) => ({
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Backup',
    metadata: {
      name: backupCrName('immich-database-daily', at),
      namespace: ns,
      uid: demoUid('Backup', ns, backupCrName('immich-database-daily', at)),
      creationTimestamp: kubeTime(at),
      generation: 1,
      labels: {
        'cnpg.io/cluster': name,
        'cnpg.io/scheduled-backup': 'immich-database-daily',
        'cnpg.io/immediateBackup': 'false',
      },
      ownerReferences: [
        {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'ScheduledBackup',
          name: 'immich-database-daily',
          uid: sbUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { cluster: { name }, method: 'barmanObjectStore' },
    status: {
      method: 'barmanObjectStore',
      online: true,
      phase: 'completed',
      backupId: b.backupId,
      backupName: b.backupName,
      beginWal: b.beginWal,
      endWal: b.endWal,
      beginLSN: b.beginLsn,
      endLSN: b.endLsn,
      startedAt: kubeTime(b.beginTime),
      stoppedAt: kubeTime(b.endTime!),
      destinationPath: storeSpec.destinationPath,
      endpointURL: endpoint,
      serverName: 'immich-database-v2',
      s3Credentials: storeSpec.s3Credentials,
      instanceID: {
        podName: `${name}-1`,
        ContainerID: `containerd://${createHash('sha256')
          .update(`${name}-1`)
          .digest('hex')}`,
      },
      majorVersion: 16,
    },
  }));
  const done = written.filter(b => b.status === 'DONE');
  // In-tree Barman Cloud: no pluginStatus; the deprecated recoverability fields are set.
  const { pluginStatus: _unused, ...legacyStatus } = healthyClusterStatus({
    name,
    createdAt: recoveredAt,
    timelineID: 2,
    systemID: '7389001122334455667',
    lastArchivedAt: v2.lastWalAt!,
    lastBackupAt: done[done.length - 1].endTime,
    image: 'ghcr.io/tensorchord/cloudnative-vectorchord:16.9-0.4.3',
  });
  return {
    entity: 'immich',
    namespace: ns,
    clusterName: name,
    declaredEndpoint: endpoint,
    credentials,
    archives: [v1, v2],
    objects: [
      secret(ns, 'cnpg-s3-credentials', {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      }),
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: {
          name,
          namespace: ns,
          uid: clusterUid,
          creationTimestamp: kubeTime(recoveredAt),
          generation: 1,
        },
        spec: {
          instances: 1,
          imageName: 'ghcr.io/tensorchord/cloudnative-vectorchord:16.9-0.4.3',
          storage: { size: '8Gi', storageClass: 'longhorn' },
          bootstrap: {
            recovery: {
              source: 'immich-database-v1',
              database: 'immich',
              owner: 'immich',
            },
          },
          externalClusters: [
            { name: 'immich-database-v1', barmanObjectStore: storeSpec },
          ],
          backup: {
            retentionPolicy: '30d',
            barmanObjectStore: {
              ...storeSpec,
              serverName: 'immich-database-v2',
            },
          },
        },
        status: {
          ...legacyStatus,
          instances: 1,
          readyInstances: 1,
          instanceNames: [`${name}-1`],
          firstRecoverabilityPoint: kubeTime(done[0].endTime!),
          firstRecoverabilityPointByMethod: {
            barmanObjectStore: kubeTime(done[0].endTime!),
          },
          lastSuccessfulBackup: kubeTime(done[done.length - 1].endTime!),
          lastSuccessfulBackupByMethod: {
            barmanObjectStore: kubeTime(done[done.length - 1].endTime!),
          },
        },
      },
      scheduledBackup({
        namespace: ns,
        name: 'immich-database-daily',
        clusterName: name,
        schedule: '0 0 2 * * *',
        method: 'barmanObjectStore',
        createdAt: ago(recoveredAt, -5 * MIN),
        lastScheduleTime: times[times.length - 1],
        nextScheduleTime: new Date(times[times.length - 1].getTime() + DAY),
        now,
      }),
      ...backups,
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// healthy: AWS S3 (no endpoint), plugin, retention 14d, checksum env vars, daily 6-field schedule.
function payments(ctx: Ctx): DemoDatabase {
  const { now } = ctx;
  const ns = 'payments';
  const name = 'payments-db';
  const credentials = credentialsFor('payments');
  const clusterUid = demoUid('Cluster', ns, name);
  const createdAt = dayAt(now, 120, 10, 3);
  const a = archive(ctx, {
    bucket: 'acme-payments-pg-backups',
    prefix: 'prod',
    serverName: name,
    firstSegment: 0x1b7f0,
    systemId: '7301223344556677889',
    wal: 'gzip',
    data: 'gzip',
    sizeGiB: 12.4,
  });
  const times = dailyTimes(now, 15, 2, 0);
  const all = simulateArchive(a, {
    from: ago(times[0], 20 * MIN),
    to: ago(now, 2 * MIN),
    walEveryMinutes: 7,
    backups: times.map(at => ({ at, durationSeconds: 420 })),
  });
  // Sixteen days of daily backups, then what the sidecar's retention (14d) leaves of them at `now`.
  const deleted = retain(ctx, a, '14d');
  const written = all.filter(b => !deleted.has(b));
  const sbUid = demoUid('ScheduledBackup', ns, 'payments-db-daily');
  const backups = all
    .flatMap((b, i) => (deleted.has(b) ? [] : [{ b, at: times[i] }]))
    .map(({ b, at }) =>
      pluginBackupCr({
        namespace: ns,
        clusterName: name,
        clusterUid,
        name: backupCrName('payments-db-daily', at),
        createdAt: at,
        podName: `${name}-3`,
        written: b,
        scheduledBackup: {
          name: 'payments-db-daily',
          uid: sbUid,
          ownedBySelf: true,
        },
      }),
    );
  return {
    entity: 'payments',
    namespace: ns,
    clusterName: name,
    declaredEndpoint: 'aws',
    credentials,
    archives: [a],
    objects: [
      secret(ns, 'payments-backup-s3', {
        ACCESS_KEY_ID: credentials.accessKeyId,
        ACCESS_SECRET_KEY: credentials.secretAccessKey,
        REGION: 'eu-central-1',
      }),
      objectStore({
        namespace: ns,
        name: 'payments-s3',
        createdAt: dayAt(now, 100, 8, 30),
        spec: {
          retentionPolicy: '14d',
          configuration: {
            destinationPath: 's3://acme-payments-pg-backups/prod',
            s3Credentials: {
              accessKeyId: { name: 'payments-backup-s3', key: 'ACCESS_KEY_ID' },
              secretAccessKey: {
                name: 'payments-backup-s3',
                key: 'ACCESS_SECRET_KEY',
              },
              region: { name: 'payments-backup-s3', key: 'REGION' },
            },
            wal: { compression: 'gzip', maxParallel: 4 },
            data: { compression: 'gzip', jobs: 4, immediateCheckpoint: false },
          },
          instanceSidecarConfiguration: {
            env: checksumEnv,
            retentionPolicyIntervalSeconds: 1800,
            logLevel: 'info',
          },
        },
        status: { serverRecoveryWindow: { [name]: recoveryWindow(written) } },
      }),
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: {
          name,
          namespace: ns,
          uid: clusterUid,
          creationTimestamp: kubeTime(createdAt),
          generation: 7,
          labels: { 'app.kubernetes.io/part-of': 'payments' },
        },
        spec: {
          instances: 3,
          imageName: 'ghcr.io/cloudnative-pg/postgresql:17.2',
          storage: { size: '100Gi', storageClass: 'gp3' },
          plugins: [
            {
              name: BARMAN_PLUGIN,
              isWALArchiver: true,
              parameters: { barmanObjectName: 'payments-s3', serverName: name },
            },
          ],
        },
        status: healthyClusterStatus({
          name,
          createdAt,
          timelineID: 1,
          systemID: '7301223344556677889',
          lastArchivedAt: a.lastWalAt!,
          lastBackupAt: written[written.length - 1].endTime,
        }),
      },
      scheduledBackup({
        namespace: ns,
        name: 'payments-db-daily',
        clusterName: name,
        schedule: '0 0 2 * * *',
        createdAt: dayAt(now, 100, 8, 31),
        lastScheduleTime: times[times.length - 1],
        nextScheduleTime: new Date(times[times.length - 1].getTime() + DAY),
        now,
      }),
      ...backups,
    ],
  };
}

/** Builds every demo database, writing the archives through `writer`. */
export function buildDemoDatabases(options: {
  now: Date;
  writer: ObjectWriter;
}): DemoDatabase[] {
  const ctx: Ctx = { now: options.now, writer: options.writer };
  return [
    obot(ctx),
    platformPostgres(ctx),
    awx(ctx),
    cnpgMain(ctx),
    immich(ctx),
    payments(ctx),
  ];
}

/** The demo's unowned Cluster: in the stand-in, claimed by no entity of examples/cnpg-demo-entities.yaml. */
export const UNOWNED_DEMO_CLUSTER = {
  namespace: 'analytics',
  name: 'reporting-db',
} as const;

/**
 * A Cluster nobody claims (the fleet page lists it as "unowned" with the annotation to claim it): a
 * reporting database someone created without any backup configuration, as forgotten databases are.
 * No archive, no Secret, no entity; the demo operator leaves it alone.
 */
export function buildUnownedDemoObjects(options: { now: Date }): KubeObject[] {
  const { namespace, name } = UNOWNED_DEMO_CLUSTER;
  const createdAt = dayAt(options.now, 40, 9, 12);
  const status = healthyClusterStatus({
    name,
    createdAt,
    timelineID: 1,
    systemID: '7390011122233344455',
    lastArchivedAt: createdAt,
  });
  return [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: {
        name,
        namespace,
        uid: demoUid('Cluster', namespace, name),
        creationTimestamp: kubeTime(createdAt),
        generation: 2,
      },
      spec: {
        instances: 1,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:17.2',
        storage: { size: '20Gi' },
      },
      // Nothing archives: no ContinuousArchiving condition.
      status: {
        ...status,
        instances: 1,
        readyInstances: 1,
        instanceNames: [`${name}-1`],
        conditions: status.conditions.filter(c => c.type === 'Ready'),
      },
    },
  ];
}
