import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { BarmanCloud, BarmanTestCompression } from './barmanCloud';
import { HarnessTimeoutError, InvalidArchiveCacheError } from './errors';
import { waitFor } from './exec';
import { PostgresWorkspace, TestPostgres } from './postgres';
import { RunningS3rver, startS3rver } from './s3rverServer';
import { deleteObject, listAllObjects, ListedObject } from './s3objects';
import { findRealBarmanTools, RealBarmanTools } from './tools';

/**
 * Bump when the generator's scenario changes: cached archives of another version are never reused.
 * @public
 */
export const REAL_ARCHIVE_GENERATOR_VERSION = 'real-barman-v1';

/** A backup the generator took, and what it must look like. @public */
export interface ManifestBackup {
  id: string;
  /** `-n` name given to barman-cloud-backup, if any. */
  name?: string;
  expectedStatus: 'DONE' | 'FAILED';
  /** `--gzip` / `--bzip2` given to barman-cloud-backup (the data tarball extension follows it). */
  compression: BarmanTestCompression;
  timeline: number;
  /** Why the harness made it fail, for FAILED ones. */
  failureCause?: string;
}

/** One timeline switch the generator caused. @public */
export interface ManifestTimelineSwitch {
  /**
   * `failover`: a streaming standby (restored from a backup) promoted after the primary stopped; its
   * last parent segment is archived as `.partial`. `pitr`: a backup restored to a restore point and
   * promoted (segments came from restore_command, so PostgreSQL archives no `.partial`).
   */
  kind: 'failover' | 'pitr';
  parentTimeline: number;
  newTimeline: number;
  /** Switch LSN from the new timeline's history file. */
  switchLsn: string;
  /** The base backup the promoted instance was restored from. */
  fromBackupId: string;
  restorePointName?: string;
  restorePointLsn?: string;
  /** Parent-timeline segment archived as `<segment>.partial` (failover only). */
  partialSegment?: string;
  /** Segments the promoted instance completed and archived on the new timeline. */
  newTimelineSegments: string[];
}

/**
 * What the generator did, recorded next to the cached archive: the ground truth the integration tests
 * check the catalog against (together with barman's own tools on the same bucket).
 * @public
 */
export interface RealBarmanArchiveManifest {
  /** Cache key: generator version + tool versions. */
  version: string;
  generatedAt: string;
  generationMs: number;
  /** The `CNPG_REAL_BARMAN_REGENERATE` value this archive was generated for, when it was a token. */
  regenerateToken?: string;
  tools: { barmanVersion: string; pgVersion: string };
  bucket: string;
  prefix: string;
  /** `s3://bucket/prefix` */
  destination: string;
  serverName: string;
  /** A serverName under the same prefix that was never written to. */
  emptyServerName: string;
  /** In id order. */
  backups: ManifestBackup[];
  /** WAL compressions archive_command used over the archive's life. */
  walCompressions: BarmanTestCompression[];
  /** The WAL object deleted after backup 2: a one-segment gap on timeline 1. */
  deletedWal: { key: string; segment: string; timeline: number };
  /** Timeline 1 to 2 (failover of a standby) and 2 to 3 (PITR to a restore point), in order. */
  timelineSwitches: ManifestTimelineSwitch[];
  /** Segments switched and archived on timeline 1 by the original primary (before the delete). */
  timeline1Segments: string[];
  /** Every object under `<prefix>/` at the end, sorted by key. */
  objects: ListedObject[];
}

/** A loaded archive served by a fresh s3rver on a private working copy. @public */
export interface RealBarmanArchive {
  manifest: RealBarmanArchiveManifest;
  s3: RunningS3rver;
  client: S3Client;
  barman: BarmanCloud;
  tools: RealBarmanTools;
  /** Whether this call generated the archive (false: reused from the cache). */
  generated: boolean;
  /** Stops s3rver and deletes the working copy. */
  close(): Promise<void>;
}

/** Options for {@link generateRealBarmanArchive}. @public */
export interface GenerateRealBarmanArchiveOptions {
  /** Empty (or missing) directory that becomes s3rver's store. */
  s3rverDirectory: string;
  tools?: RealBarmanTools;
  bucket?: string;
  prefix?: string;
  serverName?: string;
  log?: (message: string) => void;
}

/** Options for {@link loadRealBarmanArchive}. @public */
export interface LoadRealBarmanArchiveOptions {
  /** Default `$CNPG_REAL_BARMAN_CACHE` or `<repo>/.cache/real-barman`. */
  cacheRoot?: string;
  /**
   * Default `$CNPG_REAL_BARMAN_REGENERATE`. `1`/`true`: always regenerate. `0`/empty: reuse when cached.
   * Any other value is a run token: regenerate unless the cache was generated for this same token (so a
   * CI run that sets e.g. `CNPG_REAL_BARMAN_REGENERATE=run-$(date +%s)` generates once, then every test
   * file in that run shares the archive).
   */
  regenerate?: string;
  log?: (message: string) => void;
}

const DEFAULTS = {
  bucket: 'cnpg-real',
  prefix: 'archive',
  serverName: 'pg-real',
};

function segmentKey(
  prefix: string,
  serverName: string,
  segment: string,
): string {
  return `${prefix}/${serverName}/wals/${segment.slice(0, 16)}/${segment}`;
}

function timelineHex(timeline: number): string {
  return timeline.toString(16).toUpperCase().padStart(8, '0');
}

/** 24-hex segment name holding `lsn` on `timeline` (16 MiB segments: 256 per log id). */
function segmentName(timeline: number, lsn: string): string {
  const [hi, lo] = lsn.split('/').map(part => parseInt(part, 16));
  const segment = Math.floor(lo / 0x1000000);
  return `${timelineHex(timeline)}${timelineHex(hi)}${timelineHex(segment)}`;
}

/** The last line of `pg_wal/<TLI>.history`: `parentTLI<TAB>switchLSN<TAB>reason`. */
function readSwitchPoint(
  dataDir: string,
  timeline: number,
): { parentTimeline: number; lsn: string } {
  const text = readFileSync(
    join(dataDir, 'pg_wal', `${timelineHex(timeline)}.history`),
    'utf8',
  );
  const last = text.trim().split('\n').pop() ?? '';
  const [parent, lsn] = last.split('\t');
  return { parentTimeline: Number(parent), lsn };
}

function compressionExtension(compression: BarmanTestCompression): string {
  return compression === 'gzip' ? '.gz' : '.bz2';
}

/**
 * Builds a realistic Barman Cloud archive with the real tools (PostgreSQL 15 + barman-cli-cloud):
 *
 * 1. primary on timeline 1 archiving with `--gzip`; workload + WAL switches; backup 1 (`--gzip`, named);
 * 2. archive_command switched to `--bzip2`; more WAL; backup 2 (`--bzip2`);
 * 3. a backup that FAILS for real (an unreadable file in PGDATA: barman uploads backup.info status=FAILED);
 * 4. a standby restored from backup 2 (barman-cloud-restore + barman-cloud-wal-restore, then streaming),
 *    more WAL, the primary stops and the standby is promoted (a failover): timeline 2 with
 *    `00000002.history` and the parent's last segment as `.partial`, archived into the SAME serverName;
 * 5. backup 2 restored again, to a restore point on timeline 2 (point-in-time recovery across the
 *    switch) and promoted: timeline 3 (`--gzip`);
 * 6. one timeline-1 WAL object archived after backup 2 is deleted: a known one-segment gap.
 *
 * Takes about 2 minutes (each WAL archive call starts Python).
 * @public
 */
export async function generateRealBarmanArchive(
  options: GenerateRealBarmanArchiveOptions,
): Promise<Omit<RealBarmanArchiveManifest, 'version' | 'regenerateToken'>> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const tools = options.tools ?? (await findRealBarmanTools());
  const bucket = options.bucket ?? DEFAULTS.bucket;
  const prefix = options.prefix ?? DEFAULTS.prefix;
  const serverName = options.serverName ?? DEFAULTS.serverName;
  const destination = `s3://${bucket}/${prefix}`;
  mkdirSync(options.s3rverDirectory, { recursive: true });

  const s3 = await startS3rver({
    directory: options.s3rverDirectory,
    buckets: [bucket],
  });
  const client = s3.createClient();
  const barman = new BarmanCloud({ tools, endpoint: s3.endpoint, destination });
  const workspace = PostgresWorkspace.create(tools);
  let currentCompression: BarmanTestCompression = 'gzip';

  const waitForObject = async (
    key: string,
    what: string,
    instance: TestPostgres,
  ) =>
    waitFor(
      async () => {
        const found = await listAllObjects(client, bucket, key);
        return found.find(o => o.key === key);
      },
      {
        timeoutMs: 120_000,
        intervalMs: 300,
        onTimeout: () =>
          new HarnessTimeoutError(
            `${what} (${key})`,
            120_000,
            `${instance.name} log tail:\n${instance.logTail(20)}`,
          ),
      },
    );

  /** Switches WAL and waits until barman-cloud-wal-archive has shipped the completed segment. */
  const switchAndArchive = async (instance: TestPostgres): Promise<string> => {
    const segment = await instance.switchWal();
    const key =
      segmentKey(prefix, serverName, segment) +
      compressionExtension(currentCompression);
    await waitForObject(key, `archiving of ${segment}`, instance);
    log(`archived ${segment} (${currentCompression})`);
    return segment;
  };

  try {
    // 1. Timeline 1, gzip.
    const primary = await workspace.initPrimary({
      name: 'primary',
      archiveCommand: barman.walArchiveCommand({
        serverName,
        compression: 'gzip',
      }),
    });
    await primary.start();
    log(`primary up on port ${primary.port}; s3rver at ${s3.endpoint}`);
    const timeline1Segments: string[] = [];
    await primary.workload('orders', 20_000);
    timeline1Segments.push(await switchAndArchive(primary));
    await primary.workload('orders', 5_000);
    timeline1Segments.push(await switchAndArchive(primary));

    const backup1 = await barman.backup({
      serverName,
      postgres: primary,
      compression: 'gzip',
      name: 'first-backup',
    });
    if (!backup1.backupId)
      throw new Error(
        `backup 1 produced no backup id:\n${backup1.result.stderr}`,
      );
    log(
      `backup 1 ${backup1.backupId} (gzip) in ${backup1.result.durationMs} ms`,
    );

    await primary.workload('orders', 5_000);
    timeline1Segments.push(await switchAndArchive(primary));

    // 2. bzip2 from here on: the archive mixes compressions, as after a real ObjectStore change.
    await primary.setArchiveCommand(
      barman.walArchiveCommand({ serverName, compression: 'bzip2' }),
    );
    currentCompression = 'bzip2';
    await primary.workload('customers', 5_000);
    timeline1Segments.push(await switchAndArchive(primary));
    timeline1Segments.push(await switchAndArchive(primary));

    // Backup ids have one-second resolution: make sure backups never share a second.
    await new Promise(r => setTimeout(r, 1100));
    const backup2 = await barman.backup({
      serverName,
      postgres: primary,
      compression: 'bzip2',
    });
    if (!backup2.backupId)
      throw new Error(
        `backup 2 produced no backup id:\n${backup2.result.stderr}`,
      );
    log(
      `backup 2 ${backup2.backupId} (bzip2) in ${backup2.result.durationMs} ms`,
    );
    await primary.workload('customers', 5_000);
    timeline1Segments.push(await switchAndArchive(primary));

    // 3. A real FAILED backup: barman (running as postgres) cannot read a root-owned mode-000 file.
    await new Promise(r => setTimeout(r, 1100));
    const unreadable = join(primary.dataDir, 'harness_unreadable_file');
    writeFileSync(unreadable, 'postgres cannot read this');
    chmodSync(unreadable, 0o000);
    const failed = await barman.backup({
      serverName,
      postgres: primary,
      compression: 'gzip',
      name: 'doomed-backup',
      allowFailure: true,
    });
    rmSync(unreadable, { force: true });
    if (!failed.backupId) {
      throw new Error(
        `the deliberately failing backup left no backup.info (exit ${failed.result.exitCode}):\n${failed.result.stderr}`,
      );
    }
    log(`failed backup ${failed.backupId} (exit ${failed.result.exitCode})`);

    // 4. A standby restored from backup 2 (barman-cloud-restore, then barman-cloud-wal-restore until it
    //    streams), more WAL on timeline 1, the primary stops, the standby is promoted: a CNPG failover.
    //    Its pg_wal holds the streamed last segment of timeline 1, so PostgreSQL archives it as `.partial`.
    const standbyDataDir = join(
      workspace.newDirectory('standby-restore'),
      'pgdata',
    );
    await barman.restore({
      serverName,
      backupId: backup2.backupId,
      destinationDir: standbyDataDir,
    });
    const standby = await workspace.restoreInstance({
      name: 'standby',
      dataDir: standbyDataDir,
      restoreCommand: barman.walRestoreCommand({ serverName }),
      recoveryTarget: { latest: true },
      standbyOf: primary,
      archiveCommand: barman.walArchiveCommand({
        serverName,
        compression: 'bzip2',
      }),
    });
    await standby.start();
    const afterFailedBackup: string[] = [];
    for (let i = 0; i < 4; i++) {
      await primary.workload('orders', 2_000);
      afterFailedBackup.push(await switchAndArchive(primary));
    }
    timeline1Segments.push(...afterFailedBackup);
    await primary.workload('orders', 1_000); // the unfinished last segment of timeline 1
    await standby.waitForReplay(
      await primary.sql('SELECT pg_current_wal_lsn()'),
    );
    await primary.stop(); // fast shutdown: the walsender ships the shutdown checkpoint to the standby first
    log(
      `primary stopped; timeline 1 segments archived: ${timeline1Segments.join(
        ', ',
      )}`,
    );
    await standby.promote();
    const failoverTimeline = await standby.waitForPromotion();
    const failoverSwitch = readSwitchPoint(standby.dataDir, failoverTimeline);
    const partialSegment = segmentName(1, failoverSwitch.lsn);
    log(
      `standby promoted to timeline ${failoverTimeline} at ${failoverSwitch.lsn}`,
    );
    await waitForObject(
      `${prefix}/${serverName}/wals/${timelineHex(
        failoverTimeline,
      )}.history.bz2`,
      'the history file',
      standby,
    );
    await waitForObject(
      `${segmentKey(prefix, serverName, partialSegment)}.partial.bz2`,
      'the .partial segment',
      standby,
    );
    const timeline2Segments: string[] = [];
    await standby.workload('orders_tl2', 3_000);
    timeline2Segments.push(await switchAndArchive(standby));
    const restorePointName = 'harness_tl2_point';
    await standby.workload('orders_tl2', 1_000);
    const restorePointLsn = await standby.sql(
      `SELECT pg_create_restore_point('${restorePointName}')`,
    );
    await standby.workload('orders_tl2', 1_000); // after the restore point: replay must stop before it
    timeline2Segments.push(await switchAndArchive(standby));
    timeline2Segments.push(await switchAndArchive(standby));
    await standby.stop();

    // 5. Point-in-time recovery of backup 2 to a restore point on timeline 2 (replay follows the history file
    //    from timeline 1 to 2), promoted to timeline 3, archiving into the same serverName with gzip.
    const pitrDataDir = join(workspace.newDirectory('pitr-restore'), 'pgdata');
    await barman.restore({
      serverName,
      backupId: backup2.backupId,
      destinationDir: pitrDataDir,
    });
    currentCompression = 'gzip';
    const pitr = await workspace.restoreInstance({
      name: 'pitr',
      dataDir: pitrDataDir,
      restoreCommand: barman.walRestoreCommand({ serverName }),
      recoveryTarget: { name: restorePointName },
      targetTimeline: 'latest',
      targetAction: 'promote',
      archiveCommand: barman.walArchiveCommand({
        serverName,
        compression: 'gzip',
      }),
    });
    await pitr.start();
    const pitrTimeline = await pitr.waitForPromotion();
    const pitrSwitch = readSwitchPoint(pitr.dataDir, pitrTimeline);
    log(
      `PITR instance promoted to timeline ${pitrTimeline} at ${pitrSwitch.lsn}`,
    );
    await waitForObject(
      `${prefix}/${serverName}/wals/${timelineHex(pitrTimeline)}.history.gz`,
      'the history file',
      pitr,
    );
    const timeline3Segments: string[] = [];
    await pitr.workload('orders_tl3', 3_000);
    timeline3Segments.push(await switchAndArchive(pitr));
    timeline3Segments.push(await switchAndArchive(pitr));
    await pitr.stop();

    // 6. The gap: delete one timeline-1 segment archived after backup 2 (all restores are done by now).
    const gapSegment = afterFailedBackup[1];
    const gapKey =
      segmentKey(prefix, serverName, gapSegment) +
      compressionExtension('bzip2');
    await deleteObject(client, bucket, gapKey);
    log(`deleted ${gapKey}`);

    const timelineSwitches: ManifestTimelineSwitch[] = [
      {
        kind: 'failover',
        parentTimeline: failoverSwitch.parentTimeline,
        newTimeline: failoverTimeline,
        switchLsn: failoverSwitch.lsn,
        fromBackupId: backup2.backupId,
        partialSegment,
        newTimelineSegments: timeline2Segments,
      },
      {
        kind: 'pitr',
        parentTimeline: pitrSwitch.parentTimeline,
        newTimeline: pitrTimeline,
        switchLsn: pitrSwitch.lsn,
        fromBackupId: backup2.backupId,
        restorePointName,
        restorePointLsn,
        newTimelineSegments: timeline3Segments,
      },
    ];

    const objects = await listAllObjects(client, bucket, `${prefix}/`);
    const listed = await barman.backupList(serverName);
    const statusOf = (id: string) =>
      listed.find(b => b.backup_id === id)?.status;
    if (
      statusOf(failed.backupId) !== 'FAILED' ||
      statusOf(backup1.backupId) !== 'DONE'
    ) {
      throw new Error(
        `unexpected barman statuses: ${JSON.stringify(
          listed.map(b => [b.backup_id, b.status]),
        )}`,
      );
    }
    const backups: ManifestBackup[] = [
      {
        id: backup1.backupId,
        name: 'first-backup',
        expectedStatus: 'DONE',
        compression: 'gzip',
        timeline: 1,
      },
      {
        id: backup2.backupId,
        expectedStatus: 'DONE',
        compression: 'bzip2',
        timeline: 1,
      },
      {
        id: failed.backupId,
        name: 'doomed-backup',
        expectedStatus: 'FAILED',
        compression: 'gzip',
        timeline: 1,
        failureCause:
          'a root-owned mode-000 file in PGDATA that the postgres user cannot read',
      },
    ];
    backups.sort((a, b) => a.id.localeCompare(b.id));
    return {
      generatedAt: new Date().toISOString(),
      generationMs: Date.now() - started,
      tools: { barmanVersion: tools.barmanVersion, pgVersion: tools.pgVersion },
      bucket,
      prefix,
      destination,
      serverName,
      emptyServerName: `${serverName}-never-used`,
      backups,
      walCompressions: ['gzip', 'bzip2'],
      deletedWal: { key: gapKey, segment: gapSegment, timeline: 1 },
      timelineSwitches,
      timeline1Segments,
      objects,
    };
  } finally {
    await workspace.dispose();
    await s3.close();
  }
}

/**
 * `<repo root>/.cache/real-barman`: the repo root is the nearest ancestor of the working directory
 * holding `.yarnrc.yml` (Jest runs in the package directory, scripts at the root).
 * @public
 */
export function defaultRealBarmanCacheRoot(): string {
  if (process.env.CNPG_REAL_BARMAN_CACHE)
    return resolve(process.env.CNPG_REAL_BARMAN_CACHE);
  let dir = process.cwd();
  while (dirname(dir) !== dir) {
    if (existsSync(join(dir, '.yarnrc.yml')))
      return join(dir, '.cache', 'real-barman');
    dir = dirname(dir);
  }
  return join(tmpdir(), 'cnpg-real-barman-cache');
}

function readManifest(
  entryDir: string,
  expectedVersion: string,
): RealBarmanArchiveManifest {
  const path = join(entryDir, 'manifest.json');
  if (!existsSync(path))
    throw new InvalidArchiveCacheError(entryDir, 'manifest.json is missing');
  let manifest: RealBarmanArchiveManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidArchiveCacheError(
      entryDir,
      `manifest.json is not JSON: ${(error as Error).message}`,
    );
  }
  if (manifest.version !== expectedVersion) {
    throw new InvalidArchiveCacheError(
      entryDir,
      `version ${manifest.version}, expected ${expectedVersion}`,
    );
  }
  if (!existsSync(join(entryDir, 's3rver')))
    throw new InvalidArchiveCacheError(entryDir, 's3rver/ is missing');
  return manifest;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A cross-process lock (a directory holding the owner's pid), so parallel Jest workers generate once. */
async function withLock<T>(
  lockDir: string,
  body: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(
        readFileSync(join(lockDir, 'pid'), 'utf8').trim() || '0',
      );
      if (owner > 0 && !isAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new HarnessTimeoutError(
          `the archive cache lock ${lockDir}`,
          20 * 60_000,
        );
      await new Promise(r => setTimeout(r, 1000));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * The realistic archive of {@link generateRealBarmanArchive}, from the cache when present (a 1-2 minute
 * generation otherwise), served by a fresh in-process s3rver on a private copy (tests may write to it).
 * @public
 */
export async function loadRealBarmanArchive(
  options: LoadRealBarmanArchiveOptions = {},
): Promise<RealBarmanArchive> {
  const log = options.log ?? (() => {});
  const tools = await findRealBarmanTools();
  const cacheRoot = options.cacheRoot ?? defaultRealBarmanCacheRoot();
  const version = `${REAL_ARCHIVE_GENERATOR_VERSION}-pg${tools.pgVersion}-barman${tools.barmanVersion}`;
  const entryDir = join(cacheRoot, version);
  const regenerate = (
    options.regenerate ??
    process.env.CNPG_REAL_BARMAN_REGENERATE ??
    ''
  ).trim();
  mkdirSync(cacheRoot, { recursive: true });

  let generated = false;
  const manifest = await withLock(`${entryDir}.lock`, async () => {
    let cached: RealBarmanArchiveManifest | undefined;
    try {
      cached = readManifest(entryDir, version);
    } catch (error) {
      if (existsSync(entryDir))
        log(`ignoring cache: ${(error as Error).message}`);
    }
    const always = regenerate === '1' || regenerate.toLowerCase() === 'true';
    const token =
      !always && regenerate !== '' && regenerate !== '0'
        ? regenerate
        : undefined;
    const reuse =
      cached &&
      !always &&
      (token === undefined || cached.regenerateToken === token);
    if (reuse) {
      log(
        `reusing cached archive ${entryDir} (generated ${cached!.generatedAt})`,
      );
      return cached!;
    }
    log(`generating the real Barman archive into ${entryDir} (1-2 minutes)`);
    const staging = `${entryDir}.tmp-${process.pid}-${Date.now()}`;
    rmSync(staging, { recursive: true, force: true });
    try {
      const facts = await generateRealBarmanArchive({
        s3rverDirectory: join(staging, 's3rver'),
        tools,
        log,
      });
      const fresh: RealBarmanArchiveManifest = {
        version,
        regenerateToken: token,
        ...facts,
      };
      writeFileSync(
        join(staging, 'manifest.json'),
        `${JSON.stringify(fresh, null, 2)}\n`,
      );
      rmSync(entryDir, { recursive: true, force: true });
      renameSync(staging, entryDir);
      generated = true;
      log(`archive generated in ${Math.round(fresh.generationMs / 1000)} s`);
      return fresh;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  });

  // Serve a private copy: tests may add objects (and s3rver writes metadata), the cache stays pristine.
  const copy = mkdtempSync(join(tmpdir(), 'cnpg-real-barman-'));
  cpSync(join(entryDir, 's3rver'), copy, {
    recursive: true,
    preserveTimestamps: true,
  });
  const s3 = await startS3rver({ directory: copy, buckets: [manifest.bucket] });
  const client = s3.createClient();
  try {
    // Prove that s3rver really serves the store it was pointed at, exactly as recorded.
    const objects = await listAllObjects(
      client,
      manifest.bucket,
      `${manifest.prefix}/`,
    );
    const expected = manifest.objects.map(o => `${o.key}:${o.size}`).join('\n');
    const actual = objects.map(o => `${o.key}:${o.size}`).join('\n');
    if (expected !== actual) {
      throw new InvalidArchiveCacheError(
        entryDir,
        `s3rver serves ${objects.length} objects, the manifest records ${manifest.objects.length}; regenerate with CNPG_REAL_BARMAN_REGENERATE=1`,
      );
    }
  } catch (error) {
    await s3.close();
    rmSync(copy, { recursive: true, force: true });
    throw error;
  }
  const barman = new BarmanCloud({
    tools,
    endpoint: s3.endpoint,
    destination: manifest.destination,
  });
  return {
    manifest,
    s3,
    client,
    barman,
    tools,
    generated,
    async close() {
      client.destroy();
      await s3.close();
      rmSync(copy, { recursive: true, force: true });
    },
  };
}
