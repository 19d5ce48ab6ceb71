/*
 * PROOF that a planned recovery really restores the right data.
 *
 * Real PostgreSQL 15 archives WAL with real barman-cloud-wal-archive into s3rver. A base backup is
 * taken, then three batches of rows are written with pauses, each followed by a WAL switch that
 * is waited for until archived. The archive is scanned into a catalog, the PLANNER is asked for a
 * time between batch 2 and batch 3, the manifest is built and validated, and the restore that
 * manifest describes is performed with the real tools: barman-cloud-restore of the manifest's
 * backupID from the manifest's source serverName, restore_command = barman-cloud-wal-restore,
 * recovery_target_time from the manifest (converted to PostgreSQL's form as CNPG does),
 * recovery.signal, promote. Batches 1-2 must be there and
 * batch 3 must not. A target after the last archived WAL, before the base backup, or behind a
 * WAL segment deleted from the bucket must be refused by the planner with the named error.
 *
 * Needs `scripts/ensure-apt.sh postgresql-15 barman-cli-cloud`; without the tools this FAILS
 * (MissingToolError names the install command), it never skips.
 */
import {
  buildRecoveryManifests,
  planRecovery,
  RecoveryTargetAfterWindowError,
  RecoveryTargetBeforeWindowError,
  RecoveryTargetInWalGapError,
  toPostgresRecoveryTargetTime,
  type BarmanCatalog,
  type RecoveryPlan,
  type RecoveryPlanStatus,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  BarmanArchiveScanner,
  createS3Client,
  validateCnpgResource,
} from '@cnpg-backups/plugin-cnpg-backups-node';
// The real-tools harness, from the node package's testUtils entry point.
import {
  BarmanCloud,
  deleteObject,
  findRealBarmanTools,
  HarnessTimeoutError,
  PostgresWorkspace,
  S3RVER_CREDENTIALS,
  startS3rver,
  waitFor,
  type RunningS3rver,
  type TestPostgres,
} from '@cnpg-backups/plugin-cnpg-backups-node/testUtils';
import { join } from 'node:path';

const BUCKET = 'pitr';
const DESTINATION = `s3://${BUCKET}/cnpg`;
const SERVER_NAME = 'orders-db';
const PAUSE_MS = 2500;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Switches WAL and waits until PostgreSQL reports that segment archived. */
async function switchAndWaitArchived(pg: TestPostgres): Promise<string> {
  const segment = (await pg.switchWal()).trim();
  await waitFor(
    async () => {
      const last = (
        await pg.sql(
          "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver",
        )
      ).trim();
      return last >= segment ? last : undefined;
    },
    {
      timeoutMs: 120_000,
      intervalMs: 250,
      onTimeout: () =>
        new HarnessTimeoutError(
          `archiving of ${segment}`,
          120_000,
          pg.logTail(20),
        ),
    },
  );
  return segment;
}

async function utcNow(pg: TestPostgres): Promise<string> {
  return (
    await pg.sql(
      `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    )
  ).trim();
}

describe('PITR proof: planner + manifest vs. real PostgreSQL 15 and barman-cloud', () => {
  let s3: RunningS3rver | undefined;
  let workspace: PostgresWorkspace | undefined;
  let primary: TestPostgres;
  let barman: BarmanCloud;
  let backupId: string;
  let secondBackupId: string;
  let catalog: BarmanCatalog;
  let status: RecoveryPlanStatus;
  const marks: Record<string, string> = {};
  const segments: Record<string, string> = {};
  const started = Date.now();

  beforeAll(async () => {
    const tools = await findRealBarmanTools();
    s3 = await startS3rver({ buckets: [BUCKET] });
    barman = new BarmanCloud({
      tools,
      endpoint: s3.endpoint,
      destination: DESTINATION,
    });
    workspace = PostgresWorkspace.create(tools);
    primary = await workspace.initPrimary({
      name: 'orders',
      archiveCommand: barman.walArchiveCommand({
        serverName: SERVER_NAME,
        compression: 'gzip',
      }),
    });
    await primary.start();
    await primary.sql(
      'CREATE TABLE pitr_rows (batch int NOT NULL, n int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())',
    );

    // Base backup BEFORE batch 1.
    const backup = await barman.backup({
      serverName: SERVER_NAME,
      postgres: primary,
      compression: 'gzip',
    });
    if (!backup.backupId) {
      throw new Error(
        `barman-cloud-backup made no backup: ${backup.result.stderr}`,
      );
    }
    backupId = backup.backupId;

    for (const batch of [1, 2, 3]) {
      await sleep(PAUSE_MS);
      await primary.sql(
        `INSERT INTO pitr_rows (batch, n) SELECT ${batch}, g FROM generate_series(1, 100) g`,
      );
      marks[`afterBatch${batch}`] = await utcNow(primary);
      // The catalog dates a segment by its object's LastModified, which S3 keeps to the second. Without this
      // pause the segment could be archived within the same second as the mark and be dated up to 999 ms
      // BEFORE it, and the planner would (rightly) refuse the mark as not proven covered.
      await sleep(1100);
      segments[`batch${batch}`] = await switchAndWaitArchived(primary);
    }
    // A second base backup AFTER batch 3: it must never be chosen for a target before its end.
    const second = await barman.backup({
      serverName: SERVER_NAME,
      postgres: primary,
      compression: 'gzip',
    });
    if (!second.backupId) {
      throw new Error(
        `barman-cloud-backup made no second backup: ${second.result.stderr}`,
      );
    }
    secondBackupId = second.backupId;
    await switchAndWaitArchived(primary);

    const scanner = BarmanArchiveScanner.create({
      client: createS3Client({
        endpoint: s3.endpoint,
        credentials: { ...S3RVER_CREDENTIALS },
      }),
    });
    ({ catalog } = await scanner.scan({
      destination: DESTINATION,
      serverName: SERVER_NAME,
    }));
    status = {
      cluster: {
        kubernetesCluster: 'local',
        namespace: 'db',
        name: 'orders-db',
        conditions: [],
      },
      archive: {
        form: 'plugin',
        objectStoreName: 'pitr-store',
        destinationPath: DESTINATION,
        bucket: BUCKET,
        prefix: 'cnpg',
        provider: 'generic',
        serverName: SERVER_NAME,
        endpointURL: s3.endpoint,
        credentials: {},
        sidecarEnv: [],
      },
      recoverySources: [],
      catalog,
      lineage: [
        { serverName: SERVER_NAME, current: true, recoverySource: false },
      ],
    };
  }, 10 * 60_000);

  afterAll(async () => {
    await workspace?.dispose();
    await s3?.close();
    process.stderr.write(
      `[pitr-proof] total ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }, 3 * 60_000);

  it(
    'restores exactly batches 1-2 at the planned time, from the manifest',
    async () => {
      expect(catalog.scan.complete).toBe(true);
      expect(catalog.backups.map(b => b.id)).toEqual([
        backupId,
        secondBackupId,
      ]);

      // A target halfway between the end of batch 2 and the start of batch 3.
      const between = new Date(
        (Date.parse(marks.afterBatch2) +
          Date.parse(marks.afterBatch2) +
          PAUSE_MS) /
          2,
      ).toISOString();
      const plan: RecoveryPlan = planRecovery({
        status,
        target: { kind: 'time', targetTime: between },
      });
      expect(plan.baseBackup.id).toBe(backupId);
      expect(plan.sourceServerName).toBe(SERVER_NAME);
      expect(plan.targetServerName).toBe('orders-db-v2');

      const manifests = buildRecoveryManifests({
        source: {
          name: 'orders-db',
          namespace: 'db',
          spec: {
            instances: 1,
            storage: { size: '1Gi' },
            plugins: [
              {
                name: 'barman-cloud.cloudnative-pg.io',
                isWALArchiver: true,
                parameters: { barmanObjectName: 'pitr-store' },
              },
            ],
          },
        },
        newClusterName: plan.newClusterName,
        target: plan.target,
        sourceServerName: plan.sourceServerName,
        targetServerName: plan.targetServerName,
        window: plan.window,
      });
      const cluster = manifests.recoveryCluster as any;
      expect(validateCnpgResource(cluster).errors).toEqual([]);

      // Perform what the manifest says, with the real tools.
      const source = cluster.spec.externalClusters.find(
        (e: any) => e.name === cluster.spec.bootstrap.recovery.source,
      );
      const sourceServerName: string = source.plugin.parameters.serverName;
      const recoveryTarget = cluster.spec.bootstrap.recovery.recoveryTarget;
      const archiveServerName: string =
        cluster.spec.plugins[0].parameters.serverName;
      expect(recoveryTarget.backupID).toBe(backupId);

      // The archive serverName the plan chose is empty by barman's own check; the source is not.
      expect((await barman.checkWalArchive(archiveServerName)).exitCode).toBe(
        0,
      );
      const sourceCheck = await barman.checkWalArchive(sourceServerName);
      expect(sourceCheck.exitCode).toBe(1);
      expect(sourceCheck.stderr + sourceCheck.stdout).toMatch(
        /Expected empty archive/,
      );

      const dataDir = join(workspace!.newDirectory('restored'), 'pgdata');
      await barman.restore({
        serverName: sourceServerName,
        backupId: recoveryTarget.backupID,
        destinationDir: dataDir,
      });
      const restored = await workspace!.restoreInstance({
        name: 'restored',
        dataDir,
        restoreCommand: barman.walRestoreCommand({
          serverName: sourceServerName,
        }),
        // As CNPG does: RFC 3339 from the manifest → the numeric-offset form PostgreSQL accepts at start.
        recoveryTarget: {
          time: toPostgresRecoveryTargetTime(recoveryTarget.targetTime),
        },
        targetAction: 'promote',
        archiveCommand: barman.walArchiveCommand({
          serverName: archiveServerName,
          compression: 'gzip',
        }),
      });
      await restored.start();
      await restored.waitForPromotion();
      const counts = (
        await restored.sql(
          "SELECT batch || ':' || count(*) FROM pitr_rows GROUP BY batch ORDER BY batch",
        )
      )
        .trim()
        .split('\n');
      expect(counts).toEqual(['1:100', '2:100']);
      // The source still has all three batches (the restore never touched it).
      expect((await primary.sql('SELECT count(*) FROM pitr_rows')).trim()).toBe(
        '300',
      );
    },
    10 * 60_000,
  );

  it('refuses a target after the last archived WAL with a named error', () => {
    const last = catalog.recoveryWindow.lastRecoverablePoint!;
    expect(Date.parse(last)).toBeGreaterThanOrEqual(
      Date.parse(marks.afterBatch3) - 1000,
    );
    const after = new Date(Date.parse(last) + 60_000).toISOString();
    let caught: unknown;
    try {
      planRecovery({ status, target: { kind: 'time', targetTime: after } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RecoveryTargetAfterWindowError);
    expect((caught as Error).name).toBe('RecoveryTargetAfterWindowError');
    expect((caught as Error).message).toContain(
      catalog.recoveryWindow.lastRecoverableWal!,
    );
  });

  it('refuses a target before the base backup ended', () => {
    const before = new Date(
      Date.parse(catalog.backups[0].endTime!) - 60_000,
    ).toISOString();
    expect(() =>
      planRecovery({ status, target: { kind: 'time', targetTime: before } }),
    ).toThrow(RecoveryTargetBeforeWindowError);
  });

  it(
    'refuses a target behind a WAL segment deleted from the bucket (real rescan)',
    async () => {
      // Delete the segment holding batch 2: from the first backup, batch 2 and later become unreachable.
      const gapSegment = segments.batch2;
      const key = `cnpg/${SERVER_NAME}/wals/${gapSegment.slice(
        0,
        16,
      )}/${gapSegment}.gz`;
      await deleteObject(s3!.createClient(), BUCKET, key);
      const scanner = BarmanArchiveScanner.create({
        client: createS3Client({
          endpoint: s3!.endpoint,
          credentials: { ...S3RVER_CREDENTIALS },
        }),
      });
      const { catalog: gapped } = await scanner.scan({
        destination: DESTINATION,
        serverName: SERVER_NAME,
      });
      expect(gapped.wal.timelines[0].gaps.map(g => g.firstMissing)).toEqual([
        gapSegment,
      ]);

      const between = new Date(
        Date.parse(marks.afterBatch2) + PAUSE_MS / 2,
      ).toISOString();
      // Between the first backup's WAL run (cut by the gap) and the second backup's end.
      const run = () =>
        planRecovery({
          status: { ...status, catalog: gapped },
          target: { kind: 'time', targetTime: between },
        });
      expect(run).toThrow(RecoveryTargetInWalGapError);
      expect(run).toThrow(
        new RegExp(
          `cannot be reached from base backup ${backupId}.*${gapSegment}`,
        ),
      );
      // After the second backup everything is reachable again.
      const late = planRecovery({
        status: { ...status, catalog: gapped },
        target: { kind: 'latest' },
      });
      expect(late.baseBackup.id).toBe(secondBackupId);
      // A time before the gap (batch 1) is still plannable from the same backup.
      const early = planRecovery({
        status: { ...status, catalog: gapped },
        target: { kind: 'time', targetTime: marks.afterBatch1 },
      });
      expect(early.baseBackup.id).toBe(backupId);
    },
    5 * 60_000,
  );
});
