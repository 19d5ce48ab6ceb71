/*
 * Realistic DatabaseStatus fixtures, modelled on the demo databases (obot, platform-postgres,
 * cnpg-main, immich, payments). Times are relative to FIXTURE_NOW, a fixed instant (never the
 * wall clock): tests that assert relative texts ("3 hours ago") pin Date.now() to it
 * (__testUtils__/clock.ts).
 */
import {
  backupDisplay,
  type BarmanCatalog,
  type CatalogBackup,
  type DatabaseStatus,
  type EntityBackupStatusResponse,
  lastBackup,
  type ReconciledBackup,
} from '@cnpg-backups/plugin-cnpg-backups-common';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const SEGMENT = 16 * 1024 * 1024;

/**
 * The instant the fixtures are built around: fixed, five minutes before midnight UTC (the hour
 * where local and UTC dates differ for most zones), never the machine's clock.
 */
export const FIXTURE_NOW = Date.parse('2026-12-04T23:55:00Z');

/** ISO time `hoursAgo` hours before {@link FIXTURE_NOW}. */
export function hoursAgo(hours: number): string {
  return new Date(FIXTURE_NOW - hours * HOUR).toISOString();
}

function barmanId(iso: string): string {
  return iso.replace(/[-:]/g, '').slice(0, 15);
}

function segment(timeline: number, log: number, seg: number): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(timeline)}${hex(log)}${hex(seg)}`;
}

function catalogBackup(
  overrides: Partial<CatalogBackup> & { beginTime: string; endTime: string },
): CatalogBackup {
  return {
    id: barmanId(overrides.beginTime),
    name: `backup-${barmanId(overrides.beginTime).replace('T', '')}`,
    status: 'DONE',
    timeline: 1,
    storedBytes: 48_213_504,
    objectCount: 2,
    dataCompression: 'gzip',
    clusterSizeBytes: 157_286_400,
    pgVersion: 160004,
    systemId: '7329046122409832476',
    walSegmentSize: SEGMENT,
    restorable: true,
    lastModified: overrides.endTime,
    ...overrides,
  };
}

function both(backup: CatalogBackup, crName?: string): ReconciledBackup {
  return {
    id: backup.id,
    presence: 'both',
    bucket: backup,
    resource: {
      name: crName ?? backup.name ?? backup.id,
      phase: backup.status === 'DONE' ? 'completed' : 'failed',
      method: 'plugin',
      backupId: backup.id,
      startedAt: backup.beginTime,
      stoppedAt: backup.endTime,
      beginWal: backup.beginWal,
      endWal: backup.endWal,
      beginLSN: backup.beginLsn,
      endLSN: backup.endLsn,
    },
  };
}

function catalog(
  overrides: Partial<BarmanCatalog> & { serverName: string },
): BarmanCatalog {
  return {
    schemaVersion: 1,
    destination: `s3://backups/${overrides.serverName}`,
    backups: [],
    wal: { timelines: [], compressions: ['gzip'], segmentSize: SEGMENT },
    recoveryWindow: { ranges: [] },
    diagnoses: [],
    scan: {
      complete: true,
      errors: [],
      requests: 14,
      durationMs: 212,
      scannedAt: hoursAgo(0.05),
      walObjects: 180,
      incremental: false,
    },
    ...overrides,
  };
}

function baseStatus(name: string, namespace: string): DatabaseStatus {
  return {
    id: `demo/${namespace}/${name}`,
    cluster: {
      kubernetesCluster: 'demo',
      namespace,
      name,
      phase: 'Cluster in healthy state',
      instances: 2,
      readyInstances: 2,
      currentPrimary: `${name}-1`,
      timelineID: 1,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
      conditions: [],
    },
    health: {
      level: 'ok',
      summary: 'Backups are healthy',
      archiving: {
        level: 'ok',
        text: 'WAL archiving works (last WAL 4 minutes ago)',
      },
      lastBackup: {
        level: 'ok',
        text: 'Last backup 5 hours ago',
        ageSeconds: 5 * 3600,
      },
      schedule: { level: 'ok', text: 'Daily at 02:00:00 UTC' },
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
    actions: { backupMethod: 'plugin' },
  };
}

// ---------------------------------------------------------------- payments (healthy)
const paymentsBackups = [
  catalogBackup({
    beginTime: hoursAgo(53),
    endTime: hoursAgo(52.9),
    beginWal: segment(1, 0, 0x10),
    endWal: segment(1, 0, 0x10),
    beginLsn: '0/10000028',
    endLsn: '0/10000138',
  }),
  catalogBackup({
    beginTime: hoursAgo(29),
    endTime: hoursAgo(28.9),
    beginWal: segment(1, 0, 0x40),
    endWal: segment(1, 0, 0x40),
    beginLsn: '0/40000028',
    endLsn: '0/40000138',
  }),
  catalogBackup({
    beginTime: hoursAgo(5),
    endTime: hoursAgo(4.9),
    beginWal: segment(1, 0, 0x70),
    endWal: segment(1, 0, 0x70),
    beginLsn: '0/70000028',
    endLsn: '0/70000138',
  }),
];

/** A healthy database: three DONE backups, continuous WAL, a 6-field schedule. */
const paymentsInput: DatabaseStatus = {
  ...baseStatus('payments-db', 'payments'),
  archive: {
    form: 'plugin',
    objectStoreName: 'payments-store',
    destinationPath: 's3://backups/payments',
    bucket: 'backups',
    prefix: 'payments',
    endpointURL: 'http://rustfs.rustfs.svc:9000',
    provider: 'rustfs',
    serverName: 'payments-db',
    isWALArchiver: true,
    walCompression: 'gzip',
    dataCompression: 'gzip',
    retentionPolicy: '7d',
    credentials: {
      accessKeyId: { name: 'payments-s3', key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: 'payments-s3', key: 'ACCESS_SECRET_KEY' },
    },
    sidecarEnv: [
      'AWS_REQUEST_CHECKSUM_CALCULATION',
      'AWS_RESPONSE_CHECKSUM_VALIDATION',
    ],
  },
  recoveryWindow: {
    operator: {
      firstRecoverabilityPoint: hoursAgo(52.9),
      lastSuccessfulBackupTime: hoursAgo(4.9),
      source: 'objectstore',
    },
    bucket: {
      firstRecoverabilityPoint: hoursAgo(52.9),
      lastRecoverablePoint: hoursAgo(0.07),
      lastRecoverableWal: segment(1, 0, 0x78),
      lastSuccessfulBackupTime: hoursAgo(4.9),
    },
    effective: { from: hoursAgo(52.9), to: hoursAgo(0.07), basis: 'bucket' },
    agreement: 'agree',
  },
  backups: paymentsBackups.map(b => both(b)),
  schedules: [
    {
      name: 'payments-daily',
      schedule: '0 0 2 * * *',
      fieldCount: 6,
      description: 'At 02:00:00 every day',
      nextRun: new Date(FIXTURE_NOW + 7 * HOUR).toISOString(),
      lastScheduleTime: hoursAgo(5),
      suspended: false,
      overdue: false,
      immediate: true,
      method: 'plugin',
    },
  ],
  catalog: catalog({
    serverName: 'payments-db',
    destination: 's3://backups/payments',
    backups: paymentsBackups,
    wal: {
      timelines: [
        {
          timeline: 1,
          firstSegment: segment(1, 0, 0x10),
          lastSegment: segment(1, 0, 0x78),
          segmentCount: 0x69,
          gaps: [],
          historyFile: true,
          partialSegments: [],
          lastModified: hoursAgo(0.07),
        },
      ],
      compressions: ['gzip'],
      segmentSize: SEGMENT,
    },
    recoveryWindow: {
      firstRecoverabilityPoint: hoursAgo(52.9),
      lastRecoverableWal: segment(1, 0, 0x78),
      lastRecoverablePoint: hoursAgo(0.07),
      lastSuccessfulBackupTime: hoursAgo(4.9),
      ranges: [
        {
          timeline: 1,
          from: hoursAgo(52.9),
          to: hoursAgo(0.07),
          baseBackupId: paymentsBackups[0].id,
          fromWal: segment(1, 0, 0x10),
          toWal: segment(1, 0, 0x78),
        },
      ],
    },
  }),
  lineage: [
    {
      serverName: 'payments-db',
      current: true,
      recoverySource: false,
      backupCount: 3,
      firstBackupTime: hoursAgo(52.9),
      lastActivity: hoursAgo(0.07),
    },
  ],
};

// ---------------------------------------------------------------- obot (checksum + stale archive)
const obotBackups = [
  catalogBackup({
    beginTime: hoursAgo(24 * 9),
    endTime: hoursAgo(24 * 9 - 0.2),
    beginWal: segment(1, 0, 0x02),
    endWal: segment(1, 0, 0x03),
    beginLsn: '0/2000028',
    endLsn: '0/3000100',
  }),
  catalogBackup({
    beginTime: hoursAgo(24 * 2),
    endTime: hoursAgo(24 * 2 - 0.1),
    status: 'FAILED',
    restorable: false,
    error: 'failure uploading data (exit code 4): MissingContentLength',
    beginWal: segment(1, 0, 0x21),
  }),
];

/** Checksum incompatibility (boto3 ≥ 1.36 vs an S3-compatible store) and a stale archive. */
const obotInput: DatabaseStatus = {
  ...baseStatus('obot-db', 'obot'),
  health: {
    level: 'error',
    summary: 'WAL archiving is failing',
    archiving: {
      level: 'error',
      text: 'WAL archiving failing since 2 days: exit status 1',
    },
    lastBackup: {
      level: 'error',
      text: 'Last successful backup 9 days ago',
      ageSeconds: 9 * 86400,
    },
    schedule: { level: 'ok', text: 'Daily at 03:00:00 UTC' },
  },
  archive: {
    form: 'plugin',
    objectStoreName: 'obot-store',
    destinationPath: 's3://cnpg-backups/obot',
    bucket: 'cnpg-backups',
    prefix: 'obot',
    endpointURL: 'http://rustfs.rustfs.svc:9000',
    provider: 'rustfs',
    serverName: 'obot-db',
    isWALArchiver: true,
    walCompression: 'gzip',
    dataCompression: 'gzip',
    retentionPolicy: '30d',
    credentials: {
      accessKeyId: { name: 'rustfs-credentials', key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: 'rustfs-credentials', key: 'ACCESS_SECRET_KEY' },
    },
    sidecarEnv: [],
  },
  recoveryWindow: {
    operator: {
      firstRecoverabilityPoint: hoursAgo(24 * 9 - 0.2),
      lastSuccessfulBackupTime: hoursAgo(24 * 9 - 0.2),
      lastFailedBackupTime: hoursAgo(24 * 2 - 0.1),
      source: 'objectstore',
    },
    bucket: {
      firstRecoverabilityPoint: hoursAgo(24 * 9 - 0.2),
      lastRecoverablePoint: hoursAgo(50),
      lastRecoverableWal: segment(1, 0, 0x20),
      lastSuccessfulBackupTime: hoursAgo(24 * 9 - 0.2),
    },
    effective: {
      from: hoursAgo(24 * 9 - 0.2),
      to: hoursAgo(50),
      basis: 'bucket',
    },
    agreement: 'disagree',
    explanation:
      'The operator reports no newer WAL; the bucket has no WAL after 000000010000000000000020 since archiving started failing.',
  },
  backups: [
    both(obotBackups[0]),
    both(obotBackups[1]),
    {
      id: 'obot-db-manual-1',
      presence: 'cr-only',
      resource: {
        name: 'obot-db-manual-1',
        phase: 'failed',
        method: 'plugin',
        error: 'rpc error: code = Unknown desc = exit status 1',
        startedAt: hoursAgo(20),
      },
      note: 'The Backup CR exists but the bucket has no base/ folder for it: the upload failed before writing anything.',
    },
  ],
  schedules: [
    {
      name: 'obot-db-daily',
      schedule: '0 0 3 * * *',
      fieldCount: 6,
      description: 'At 03:00:00 every day',
      nextRun: new Date(FIXTURE_NOW + 3 * HOUR).toISOString(),
      lastScheduleTime: hoursAgo(21),
      suspended: false,
      overdue: false,
      immediate: false,
      method: 'plugin',
    },
  ],
  catalog: catalog({
    serverName: 'obot-db',
    destination: 's3://cnpg-backups/obot',
    backups: obotBackups,
    wal: {
      timelines: [
        {
          timeline: 1,
          firstSegment: segment(1, 0, 0x02),
          lastSegment: segment(1, 0, 0x20),
          segmentCount: 0x1f,
          gaps: [],
          historyFile: true,
          partialSegments: [],
          lastModified: hoursAgo(50),
        },
      ],
      compressions: ['gzip'],
      segmentSize: SEGMENT,
    },
    recoveryWindow: {
      firstRecoverabilityPoint: hoursAgo(24 * 9 - 0.2),
      lastRecoverableWal: segment(1, 0, 0x20),
      lastRecoverablePoint: hoursAgo(50),
      lastSuccessfulBackupTime: hoursAgo(24 * 9 - 0.2),
      ranges: [
        {
          timeline: 1,
          from: hoursAgo(24 * 9 - 0.2),
          to: hoursAgo(50),
          baseBackupId: obotBackups[0].id,
          fromWal: segment(1, 0, 0x02),
          toWal: segment(1, 0, 0x20),
        },
      ],
    },
  }),
  lineage: [
    {
      serverName: 'obot-db',
      current: true,
      recoverySource: false,
      backupCount: 2,
      firstBackupTime: hoursAgo(24 * 9 - 0.2),
      lastActivity: hoursAgo(50),
    },
  ],
  diagnoses: [
    {
      id: 'checksum-incompatibility',
      severity: 'error',
      message:
        'WAL uploads to rustfs.rustfs.svc:9000 fail: boto3 ≥ 1.36 sends CRC checksums that this S3-compatible store rejects.',
      evidence: [
        'Cluster condition ContinuousArchiving=False: unexpected failure invoking barman-cloud-wal-archive: exit status 1',
        'ObjectStore obot-store has no AWS_REQUEST_CHECKSUM_CALCULATION in instanceSidecarConfiguration.env',
        'Newest WAL object is 50 hours old',
      ],
      fix: 'Tell boto3 to send checksums only when required, on the ObjectStore sidecar.',
      fixSnippet: [
        'apiVersion: barmancloud.cnpg.io/v1',
        'kind: ObjectStore',
        'metadata:',
        '  name: obot-store',
        '  namespace: obot',
        'spec:',
        '  instanceSidecarConfiguration:',
        '    env:',
        '      - name: AWS_REQUEST_CHECKSUM_CALCULATION',
        '        value: when_required',
        '      - name: AWS_RESPONSE_CHECKSUM_VALIDATION',
        '        value: when_required',
      ].join('\n'),
    },
    {
      id: 'stale-archive',
      severity: 'warning',
      message:
        'WAL archive s3://cnpg-backups/obot/obot-db has had no new segment for 50 hours.',
      evidence: ['Last WAL 000000010000000000000020 modified 50 hours ago'],
      fix: 'Fix WAL archiving, then take a new base backup.',
    },
  ],
};

// ---------------------------------------------------------------- cnpg-main (WAL gap, zstd/snappy)
const cnpgMainBackups = [
  catalogBackup({
    beginTime: hoursAgo(72),
    endTime: hoursAgo(71.8),
    beginWal: segment(1, 0, 0x05),
    endWal: segment(1, 0, 0x06),
    dataCompression: 'snappy',
  }),
  catalogBackup({
    beginTime: hoursAgo(24),
    endTime: hoursAgo(23.8),
    beginWal: segment(1, 0, 0x40),
    endWal: segment(1, 0, 0x41),
    dataCompression: 'snappy',
  }),
];

/** WAL gap on timeline 1, zstd WAL + snappy data compression. */
const cnpgMainInput: DatabaseStatus = {
  ...baseStatus('cnpg-main', 'apps'),
  health: {
    level: 'warning',
    summary: 'WAL gap: point-in-time recovery is interrupted',
    archiving: { level: 'warning', text: '1 gap of 3 segments on timeline 1' },
    lastBackup: {
      level: 'ok',
      text: 'Last backup 24 hours ago',
      ageSeconds: 24 * 3600,
    },
    schedule: { level: 'ok', text: 'Daily at 02:00:00 UTC' },
  },
  archive: {
    form: 'plugin',
    objectStoreName: 'cnpg-backups',
    destinationPath: 's3://cnpg/apps',
    bucket: 'cnpg',
    prefix: 'apps',
    endpointURL: 'http://rustfs.rustfs.svc:9000',
    provider: 'rustfs',
    serverName: 'cnpg-main',
    isWALArchiver: true,
    walCompression: 'zstd',
    dataCompression: 'snappy',
    retentionPolicy: '14d',
    credentials: {
      accessKeyId: { name: 'cnpg-rustfs', key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: 'cnpg-rustfs', key: 'ACCESS_SECRET_KEY' },
    },
    sidecarEnv: [
      'AWS_REQUEST_CHECKSUM_CALCULATION',
      'AWS_RESPONSE_CHECKSUM_VALIDATION',
    ],
  },
  recoveryWindow: {
    operator: {
      firstRecoverabilityPoint: hoursAgo(71.8),
      lastSuccessfulBackupTime: hoursAgo(23.8),
      source: 'objectstore',
    },
    bucket: {
      firstRecoverabilityPoint: hoursAgo(71.8),
      lastRecoverablePoint: hoursAgo(0.1),
      lastRecoverableWal: segment(1, 0, 0x50),
      lastSuccessfulBackupTime: hoursAgo(23.8),
    },
    effective: { from: hoursAgo(71.8), to: hoursAgo(0.1), basis: 'bucket' },
    agreement: 'disagree',
    explanation:
      'The operator counts the window from the oldest backup, but the gap at 000000010000000000000020 breaks replay from it: only the backup of 24 hours ago reaches now.',
  },
  backups: cnpgMainBackups.map(b => both(b)),
  schedules: [
    {
      name: 'cnpg-main-backup',
      schedule: '0 0 2 * * *',
      fieldCount: 6,
      description: 'At 02:00:00 every day',
      nextRun: new Date(FIXTURE_NOW + 10 * HOUR).toISOString(),
      lastScheduleTime: hoursAgo(24),
      suspended: false,
      overdue: false,
      immediate: false,
      method: 'plugin',
    },
  ],
  catalog: catalog({
    serverName: 'cnpg-main',
    destination: 's3://cnpg/apps',
    backups: cnpgMainBackups,
    wal: {
      timelines: [
        {
          timeline: 1,
          firstSegment: segment(1, 0, 0x05),
          lastSegment: segment(1, 0, 0x50),
          segmentCount: 0x49,
          gaps: [
            {
              firstMissing: segment(1, 0, 0x20),
              lastMissing: segment(1, 0, 0x22),
              count: 3,
            },
          ],
          historyFile: true,
          partialSegments: [],
          lastModified: hoursAgo(0.1),
        },
      ],
      compressions: ['zstd'],
      segmentSize: SEGMENT,
    },
    recoveryWindow: {
      firstRecoverabilityPoint: hoursAgo(71.8),
      lastRecoverableWal: segment(1, 0, 0x50),
      lastRecoverablePoint: hoursAgo(0.1),
      lastSuccessfulBackupTime: hoursAgo(23.8),
      ranges: [
        {
          timeline: 1,
          from: hoursAgo(71.8),
          to: hoursAgo(48),
          baseBackupId: cnpgMainBackups[0].id,
          fromWal: segment(1, 0, 0x05),
          toWal: segment(1, 0, 0x1f),
        },
        {
          timeline: 1,
          from: hoursAgo(23.8),
          to: hoursAgo(0.1),
          baseBackupId: cnpgMainBackups[1].id,
          fromWal: segment(1, 0, 0x40),
          toWal: segment(1, 0, 0x50),
        },
      ],
    },
  }),
  lineage: [
    {
      serverName: 'cnpg-main',
      current: true,
      recoverySource: false,
      backupCount: 2,
      firstBackupTime: hoursAgo(71.8),
      lastActivity: hoursAgo(0.1),
    },
  ],
  diagnoses: [
    {
      id: 'wal-gap',
      severity: 'error',
      message:
        'Timeline 1 misses 3 WAL segments (000000010000000000000020 … 000000010000000000000022): no recovery can cross them.',
      evidence: [
        'wals/0000000100000000/ lists …1F then …23',
        `Backup ${cnpgMainBackups[0].id} needs WAL up to now to reach the present`,
      ],
      fix: 'Take a new base backup now so that a gap-free chain reaches the present.',
      fixSnippet: [
        'apiVersion: postgresql.cnpg.io/v1',
        'kind: Backup',
        'metadata:',
        '  generateName: cnpg-main-after-gap-',
        '  namespace: apps',
        'spec:',
        '  cluster:',
        '    name: cnpg-main',
        '  method: plugin',
        '  pluginConfiguration:',
        '    name: barman-cloud.cloudnative-pg.io',
      ].join('\n'),
    },
    {
      id: 'snappy-data-compression',
      severity: 'info',
      message:
        'Base backups use snappy compression, which needs python-snappy on the restore side.',
      evidence: [`data.tar.snappy in base/${cnpgMainBackups[1].id}`],
      fix: 'Make sure the recovery image ships python-snappy, or switch data compression to gzip.',
    },
  ],
};

// ---------------------------------------------------------------- platform-postgres (5-field cron, R2)
/** A 5-field cron that CNPG reads seconds first, on Cloudflare R2; no backups yet. */
const platformInput: DatabaseStatus = {
  ...baseStatus('platform-postgres', 'platform'),
  health: {
    level: 'error',
    summary: 'The schedule does not run when you think',
    archiving: {
      level: 'ok',
      text: 'WAL archiving works (last WAL 2 minutes ago)',
    },
    lastBackup: { level: 'error', text: 'No base backup in the bucket' },
    schedule: {
      level: 'warning',
      text: '"0 2 * * *" has 5 fields: CNPG reads it as second 0 of minute 2 of every hour',
    },
  },
  archive: {
    form: 'plugin',
    objectStoreName: 'r2-store',
    destinationPath: 's3://platform-backups/cnpg',
    bucket: 'platform-backups',
    prefix: 'cnpg',
    endpointURL: 'https://0123456789abcdef.r2.cloudflarestorage.com',
    provider: 'r2',
    serverName: 'platform-postgres',
    isWALArchiver: true,
    walCompression: 'bzip2',
    dataCompression: 'bzip2',
    retentionPolicy: '30d',
    credentials: {
      accessKeyId: { name: 'cnpg-r2-secret', key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: 'cnpg-r2-secret', key: 'ACCESS_SECRET_KEY' },
    },
    sidecarEnv: [],
  },
  recoveryWindow: {
    bucket: { lastRecoverableWal: segment(1, 0, 0x09) },
    effective: { basis: 'bucket' },
    agreement: 'agree',
  },
  backups: [],
  schedules: [
    {
      name: 'platform-postgres-daily',
      schedule: '0 2 * * *',
      fieldCount: 5,
      description:
        'At 0 seconds past the minute, at 2 minutes past the hour, every hour',
      nextRun: new Date(FIXTURE_NOW + 0.3 * HOUR).toISOString(),
      suspended: false,
      overdue: true,
      immediate: false,
      method: 'plugin',
    },
  ],
  catalog: catalog({
    serverName: 'platform-postgres',
    destination: 's3://platform-backups/cnpg',
    wal: {
      timelines: [
        {
          timeline: 1,
          firstSegment: segment(1, 0, 0x01),
          lastSegment: segment(1, 0, 0x09),
          segmentCount: 9,
          gaps: [],
          historyFile: true,
          partialSegments: [],
          lastModified: hoursAgo(0.03),
        },
      ],
      compressions: ['bzip2'],
      segmentSize: SEGMENT,
    },
  }),
  diagnoses: [
    {
      id: 'schedule-five-fields',
      severity: 'warning',
      message:
        'ScheduledBackup platform-postgres-daily uses "0 2 * * *": CNPG reads six fields, seconds first, so this runs every hour at minute 2 — not daily at 02:00.',
      evidence: ['spec.schedule: "0 2 * * *" (5 fields)'],
      fix: 'Prepend the seconds field.',
      fixSnippet: 'spec:\n  schedule: "0 0 2 * * *"',
    },
    {
      id: 'no-base-backup',
      severity: 'error',
      message:
        'The archive has WAL but no base backup: nothing can be restored.',
      evidence: ['s3://platform-backups/cnpg/platform-postgres/base/ is empty'],
      fix: 'Take a backup now.',
    },
  ],
  lineage: [
    {
      serverName: 'platform-postgres',
      current: true,
      recoverySource: false,
      backupCount: 0,
    },
  ],
};

// ---------------------------------------------------------------- immich (legacy, serverName lineage)
const immichBackups = [
  catalogBackup({
    beginTime: hoursAgo(30),
    endTime: hoursAgo(29.7),
    timeline: 2,
    beginWal: segment(2, 0, 0x31),
    endWal: segment(2, 0, 0x32),
    dataCompression: 'bzip2',
  }),
];

/** Legacy barmanObjectStore archiving, recovered from immich-database-v1 into -v2. */
const immichInput: DatabaseStatus = {
  ...baseStatus('immich-database', 'immich'),
  cluster: {
    ...baseStatus('immich-database', 'immich').cluster,
    timelineID: 2,
  },
  health: {
    level: 'warning',
    summary: 'Uses deprecated in-tree barmanObjectStore',
    archiving: {
      level: 'ok',
      text: 'WAL archiving works (last WAL 10 minutes ago)',
    },
    lastBackup: {
      level: 'warning',
      text: 'Last backup 30 hours ago',
      ageSeconds: 30 * 3600,
    },
    schedule: { level: 'ok', text: 'Daily at 02:00:00 UTC' },
  },
  archive: {
    form: 'legacy',
    destinationPath: 's3://postgres-backups/cnpg/immich',
    bucket: 'postgres-backups',
    prefix: 'cnpg/immich',
    endpointURL: 'https://fsn1.your-objectstorage.com',
    provider: 'hetzner',
    serverName: 'immich-database-v2',
    walCompression: 'bzip2',
    dataCompression: 'bzip2',
    retentionPolicy: '30d',
    credentials: {
      accessKeyId: { name: 'hetzner-s3', key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: 'hetzner-s3', key: 'ACCESS_SECRET_KEY' },
    },
    sidecarEnv: [],
  },
  recoverySources: [
    {
      name: 'immich-database-v1',
      form: 'legacy',
      serverName: 'immich-database-v1',
      destinationPath: 's3://postgres-backups/cnpg/immich',
    },
  ],
  recoveryWindow: {
    operator: {
      firstRecoverabilityPoint: hoursAgo(29.7),
      lastSuccessfulBackupTime: hoursAgo(29.7),
      source: 'cluster-status',
    },
    bucket: {
      firstRecoverabilityPoint: hoursAgo(29.7),
      lastRecoverablePoint: hoursAgo(0.16),
      lastRecoverableWal: segment(2, 0, 0x44),
      lastSuccessfulBackupTime: hoursAgo(29.7),
    },
    effective: { from: hoursAgo(29.7), to: hoursAgo(0.16), basis: 'bucket' },
    agreement: 'agree',
  },
  backups: immichBackups.map(b => both(b)),
  schedules: [
    {
      name: 'immich-daily',
      schedule: '0 0 2 * * *',
      fieldCount: 6,
      description: 'At 02:00:00 every day',
      nextRun: new Date(FIXTURE_NOW + 4 * HOUR).toISOString(),
      lastScheduleTime: hoursAgo(30),
      suspended: true,
      overdue: false,
      immediate: false,
      method: 'barmanObjectStore',
    },
  ],
  catalog: catalog({
    serverName: 'immich-database-v2',
    destination: 's3://postgres-backups/cnpg/immich',
    backups: immichBackups,
    wal: {
      timelines: [
        {
          timeline: 2,
          firstSegment: segment(2, 0, 0x30),
          lastSegment: segment(2, 0, 0x44),
          segmentCount: 0x15,
          gaps: [],
          historyFile: true,
          partialSegments: [segment(1, 0, 0x30)],
          parentTimeline: 1,
          switchLsn: '0/30000A0',
          lastModified: hoursAgo(0.16),
        },
      ],
      compressions: ['bzip2'],
      segmentSize: SEGMENT,
    },
    recoveryWindow: {
      firstRecoverabilityPoint: hoursAgo(29.7),
      lastRecoverableWal: segment(2, 0, 0x44),
      lastRecoverablePoint: hoursAgo(0.16),
      lastSuccessfulBackupTime: hoursAgo(29.7),
      ranges: [
        {
          timeline: 2,
          from: hoursAgo(29.7),
          to: hoursAgo(0.16),
          baseBackupId: immichBackups[0].id,
          fromWal: segment(2, 0, 0x31),
          toWal: segment(2, 0, 0x44),
        },
      ],
    },
  }),
  lineage: [
    {
      serverName: 'immich-database-v1',
      current: false,
      recoverySource: true,
      backupCount: 12,
      firstBackupTime: hoursAgo(24 * 40),
      lastActivity: hoursAgo(31),
    },
    {
      serverName: 'immich-database-v2',
      current: true,
      recoverySource: false,
      backupCount: 1,
      firstBackupTime: hoursAgo(29.7),
      lastActivity: hoursAgo(0.16),
    },
  ],
  diagnoses: [
    {
      id: 'legacy-barman-object-store',
      severity: 'warning',
      message:
        'Cluster immich-database archives with the deprecated spec.backup.barmanObjectStore; CNPG 1.28 moves this to the Barman Cloud plugin.',
      evidence: [
        'spec.backup.barmanObjectStore.destinationPath: s3://postgres-backups/cnpg/immich',
      ],
      fix: 'Create an ObjectStore with the same destination and switch the Cluster to spec.plugins.',
    },
  ],
  actions: { backupMethod: 'barmanObjectStore' },
};

/** A database whose Kubernetes side could not be read (errors are data). */
const brokenInput: DatabaseStatus = {
  ...baseStatus('legacy-db', 'legacy'),
  health: {
    level: 'unknown',
    summary: 'Status unknown',
    archiving: { level: 'unknown', text: 'Unknown' },
    lastBackup: { level: 'unknown', text: 'Unknown' },
    schedule: { level: 'unknown', text: 'No ScheduledBackup' },
  },
  errors: [
    {
      source: 's3',
      name: 'AccessDenied',
      message: 'Access Denied listing s3://legacy/db/',
      target: 'https://s3.eu-central-1.amazonaws.com',
    },
  ],
};

/** Wraps statuses in the REST response of one entity. */
/**
 * The facts the backend adds to every status (-common's rules, as assembleDatabaseStatus applies
 * them): each backup's display (label, severity, time) and the last backup's id.
 */
export function withBackendFacts(status: DatabaseStatus): DatabaseStatus {
  const backups = status.backups.map(b => ({
    ...b,
    display: backupDisplay(b),
  }));
  const last = lastBackup(backups);
  return { ...status, backups, ...(last ? { lastBackupId: last.id } : {}) };
}

export const paymentsStatus = withBackendFacts(paymentsInput);
export const obotStatus = withBackendFacts(obotInput);
export const cnpgMainStatus = withBackendFacts(cnpgMainInput);
export const platformStatus = withBackendFacts(platformInput);
export const immichStatus = withBackendFacts(immichInput);
export const brokenStatus = withBackendFacts(brokenInput);

export function entityResponse(
  databases: DatabaseStatus[],
  entityRef = 'component:default/obot',
): EntityBackupStatusResponse {
  return {
    entityRef,
    databases,
    errors: [],
    generatedAt: new Date(FIXTURE_NOW).toISOString(),
  };
}

/** Milliseconds in a day, for tests. */
export const DAY_MS = DAY;
