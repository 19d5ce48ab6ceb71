/*
 * PROOF of the Barman catalog against a REAL archive.
 *
 * The archive is made by the real tools (PostgreSQL 15 + barman-cli-cloud 3.4 into s3rver, see
 * src/testing/realArchive.ts): two backups (gzip, bzip2), a backup that really FAILED, WAL in two
 * compressions, a failover to timeline 2 (history file + `.partial`), a PITR to timeline 3, and one
 * deleted WAL segment. Our scanner's catalog must agree EXACTLY with barman's own tools
 * (`barman-cloud-backup-list --format json`, `barman-cloud-check-wal-archive`) on the same bucket, and
 * with the generator's recorded ground truth.
 *
 * Needs `scripts/ensure-apt.sh postgresql-15 barman-cli-cloud`; without the tools this suite FAILS (it
 * never skips). The archive is cached under .cache/real-barman/; set CNPG_REAL_BARMAN_REGENERATE=1 (or a
 * run token) to rebuild it from scratch (about 2 minutes).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { BarmanCatalog } from '@cnpg-backups/plugin-cnpg-backups-common';
import { BarmanArchiveScanner, ScanState } from '../scanner';
import { createS3Client, S3RequestCounter } from '../s3';
import {
  BarmanBackupListEntry,
  CommandResult,
  loadRealBarmanArchive,
  RealBarmanArchive,
  S3RVER_CREDENTIALS,
} from '../testing';

const MINUTES = 60_000;

/** `Sat Nov 21 23:19:12 2026` (barman's ctime, no zone; UTC because the harness runs PostgreSQL in UTC). */
function ctimeToEpochSeconds(ctime: string | null): number | undefined {
  if (!ctime) return undefined;
  const match =
    /^\w{3} (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(
      ctime.trim(),
    );
  if (!match) throw new Error(`unexpected ctime from barman: ${ctime}`);
  const month = 'JanFebMarAprMayJunJulAugSepOctNovDec'.indexOf(match[1]) / 3;
  const [day, hh, mm, ss, year] = match.slice(2).map(Number);
  return Date.UTC(year, month, day, hh, mm, ss) / 1000;
}

function isoToEpochSeconds(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Math.floor(Date.parse(iso) / 1000);
}

const SEGMENT_KEY = /\/wals\/[0-9A-F]{16}\/([0-9A-F]{24})\.(gz|bz2)$/;

/** Full segments per timeline, straight from the object keys (the ground truth for the WAL inventory). */
function segmentsByTimeline(keys: string[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const key of keys) {
    const m = SEGMENT_KEY.exec(key);
    if (!m) continue;
    const tli = parseInt(m[1].slice(0, 8), 16);
    out.set(tli, [...(out.get(tli) ?? []), m[1]].sort());
  }
  return out;
}

/** Runs the real `cnpg-backups` bin (TypeScript sources through the Backstage transpiler). */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<CommandResult> {
  const bin = join(__dirname, '..', '..', 'bin', 'cnpg-backups');
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => {
      stdout += d;
    });
    child.stderr.on('data', d => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', exitCode =>
      resolve({ exitCode, stdout, stderr, durationMs: Date.now() - started }),
    );
  });
}

describe('Barman catalog vs. a real barman-cloud 3.4 archive (PostgreSQL 15, s3rver)', () => {
  let archive: RealBarmanArchive;
  let barmanList: BarmanBackupListEntry[];
  let catalog: BarmanCatalog;
  let state: ScanState;
  let scanner: BarmanArchiveScanner;
  let counter: S3RequestCounter;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const t0 = Date.now();
    // Throws MissingToolError ("run scripts/ensure-apt.sh postgresql-15 barman-cli-cloud") when the tools are absent.
    archive = await loadRealBarmanArchive({
      log: message => process.stderr.write(`[real-barman] ${message}\n`),
    });
    timings.loadMs = Date.now() - t0;
    if (archive.generated) timings.generationMs = archive.manifest.generationMs;

    const t1 = Date.now();
    barmanList = await archive.barman.backupList(archive.manifest.serverName);
    timings.barmanBackupListMs = Date.now() - t1;

    counter = new S3RequestCounter();
    scanner = BarmanArchiveScanner.create({
      client: createS3Client({
        endpoint: archive.s3.endpoint,
        credentials: { ...S3RVER_CREDENTIALS },
        requestCounter: counter,
      }),
    });
    const t2 = Date.now();
    ({ catalog, state } = await scanner.scan({
      destination: archive.manifest.destination,
      serverName: archive.manifest.serverName,
    }));
    timings.scanMs = Date.now() - t2;
  }, 20 * MINUTES);

  afterAll(async () => {
    process.stderr.write(`[real-barman] timings: ${JSON.stringify(timings)}\n`);
    await archive?.close();
  });

  it('reads the whole archive: complete, every WAL object counted, requests counted', () => {
    expect(catalog.scan.complete).toBe(true);
    expect(catalog.serverName).toBe(archive.manifest.serverName);
    const walKeys = archive.manifest.objects.filter(o =>
      o.key.includes('/wals/'),
    );
    expect(catalog.scan.walObjects).toBe(walKeys.length);
    expect(catalog.scan.requests).toBe(counter.commands);
  });

  // barman compresses `.history` like WAL: `00000002.history.bz2` is bzip2 and `00000003.history`
  // gzip here. Both are decoded (bzip2 by seek-bzip), so no HistoryContentUnavailable error.
  it('reads every history file, whatever its compression (barman compresses .history like WAL: here bzip2 and gzip)', () => {
    expect(catalog.scan.errors).toEqual([]);
  });

  it('lists exactly the backups barman-cloud-backup-list lists, with the same ids, names and statuses', () => {
    const ours = catalog.backups.map(b => ({
      id: b.id,
      name: b.name,
      status: b.status,
    }));
    const theirs = barmanList.map(b => ({
      id: b.backup_id,
      name: b.backup_name ?? undefined,
      status: b.status,
    }));
    expect(ours).toEqual(theirs);
    // And the generator's ground truth: 2 DONE (gzip, bzip2) + 1 FAILED, in id order.
    expect(catalog.backups.map(b => [b.id, b.status])).toEqual(
      archive.manifest.backups.map(b => [b.id, b.expectedStatus]),
    );
    expect(catalog.backups.map(b => b.status)).toEqual([
      'DONE',
      'DONE',
      'FAILED',
    ]);
  });

  it('agrees with barman on begin/end WAL, LSN, timeline and begin/end time (to the second, UTC)', () => {
    for (const theirs of barmanList) {
      const ours = catalog.backups.find(b => b.id === theirs.backup_id)!;
      expect({
        id: ours.id,
        beginWal: ours.beginWal,
        endWal: ours.endWal,
        beginLsn: ours.beginLsn,
        endLsn: ours.endLsn,
        timeline: ours.timeline,
        beginTime: isoToEpochSeconds(ours.beginTime),
        endTime: isoToEpochSeconds(ours.endTime),
      }).toEqual({
        id: theirs.backup_id,
        beginWal: theirs.begin_wal ?? undefined,
        endWal: theirs.end_wal ?? undefined,
        beginLsn: theirs.begin_xlog ?? undefined,
        endLsn: theirs.end_xlog ?? undefined,
        timeline: theirs.timeline ?? undefined,
        beginTime: ctimeToEpochSeconds(theirs.begin_time),
        endTime: ctimeToEpochSeconds(theirs.end_time),
      });
    }
    // Our times are ISO-8601 in UTC.
    const times = catalog.backups.flatMap(b => [b.beginTime, b.endTime]);
    expect(times.filter(t => t !== undefined)).toHaveLength(5); // FAILED: no end
    for (const t of times.filter(x => x !== undefined)) {
      expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
  });

  it('reports the data compression from the tarball, the stored bytes and the FAILED backup error', () => {
    const objects = archive.manifest.objects;
    const baseOf = (id: string) =>
      `${archive.manifest.prefix}/${archive.manifest.serverName}/base/${id}/`;
    for (const expected of archive.manifest.backups) {
      const ours = catalog.backups.find(b => b.id === expected.id)!;
      const prefix = baseOf(expected.id);
      const own = objects.filter(o => o.key.startsWith(prefix));
      expect({
        id: ours.id,
        storedBytes: ours.storedBytes,
        objectCount: ours.objectCount,
      }).toEqual({
        id: expected.id,
        storedBytes: own.reduce((sum, o) => sum + o.size, 0),
        objectCount: own.length,
      });
      const hasTarball = own.some(o => /\/data\.tar(\.\w+)?$/.test(o.key));
      expect({ id: ours.id, dataCompression: ours.dataCompression }).toEqual({
        id: expected.id,
        dataCompression: hasTarball ? expected.compression : undefined,
      });
      expect(ours.walSegmentSize).toBe(16 * 1024 * 1024);
    }
    const failed = catalog.backups.find(b => b.status === 'FAILED')!;
    const barmanFailed = barmanList.find(b => b.backup_id === failed.id)!;
    expect(barmanFailed.error).toContain('Permission denied');
    expect(failed.error).toContain(barmanFailed.error!);
  });

  it('finds the deleted WAL object as a one-segment gap on timeline 1, and no other gap', () => {
    const { deletedWal } = archive.manifest;
    const byTli = new Map(catalog.wal.timelines.map(t => [t.timeline, t]));
    expect(byTli.get(1)!.gaps).toEqual([
      {
        firstMissing: deletedWal.segment,
        lastMissing: deletedWal.segment,
        count: 1,
      },
    ]);
    for (const t of catalog.wal.timelines.filter(x => x.timeline !== 1)) {
      expect({ timeline: t.timeline, gaps: t.gaps }).toEqual({
        timeline: t.timeline,
        gaps: [],
      });
    }
    const gapDiagnoses = catalog.diagnoses.filter(d => d.id === 'wal-gap');
    expect(gapDiagnoses).toHaveLength(1);
    expect(gapDiagnoses[0].severity).toBe('error');
    expect(
      [gapDiagnoses[0].message, ...gapDiagnoses[0].evidence].join('\n'),
    ).toContain(deletedWal.segment);
  });

  it('inventories every timeline exactly as the object keys say', () => {
    const truth = segmentsByTimeline(archive.manifest.objects.map(o => o.key));
    expect(catalog.wal.timelines.map(t => t.timeline)).toEqual(
      [...truth.keys()].sort(),
    );
    expect(catalog.wal.timelines.map(t => t.timeline)).toEqual([1, 2, 3]);
    for (const t of catalog.wal.timelines) {
      const segments = truth.get(t.timeline)!;
      expect({
        timeline: t.timeline,
        firstSegment: t.firstSegment,
        lastSegment: t.lastSegment,
        segmentCount: t.segmentCount,
      }).toEqual({
        timeline: t.timeline,
        firstSegment: segments[0],
        lastSegment: segments[segments.length - 1],
        segmentCount: segments.length,
      });
    }
    // Every segment the generator switched and saw archived is there (except the one deleted).
    const tl1 = new Set(truth.get(1));
    for (const seg of archive.manifest.timeline1Segments) {
      expect({ seg, present: tl1.has(seg) }).toEqual({
        seg,
        present: seg !== archive.manifest.deletedWal.segment,
      });
    }
    expect([...catalog.wal.compressions].sort()).toEqual(['bzip2', 'gzip']);
  });

  it('follows the timeline switches: history files, parents, switch points and the failover .partial', () => {
    const byTli = new Map(catalog.wal.timelines.map(t => [t.timeline, t]));
    const [failover, pitr] = archive.manifest.timelineSwitches;
    expect(failover.kind).toBe('failover');
    expect(pitr.kind).toBe('pitr');
    expect(byTli.get(1)).toMatchObject({
      historyFile: true,
      partialSegments: [failover.partialSegment],
    });
    expect(byTli.get(2)).toMatchObject({
      historyFile: true,
      parentTimeline: failover.parentTimeline,
      switchLsn: failover.switchLsn,
      partialSegments: [],
    });
    expect(byTli.get(3)).toMatchObject({
      historyFile: true,
      parentTimeline: pitr.parentTimeline,
      switchLsn: pitr.switchLsn,
      partialSegments: [],
    });
    expect(byTli.get(2)!.parentTimeline).toBe(1);
    expect(byTli.get(3)!.parentTimeline).toBe(2);
    // No history file is missing, none is unreadable.
    expect(catalog.diagnoses.filter(d => /history/.test(d.id))).toEqual([]);
  });

  it('marks backups restorable exactly when DONE and their begin..end WAL is complete', () => {
    const gap = archive.manifest.deletedWal.segment;
    for (const b of catalog.backups) {
      const gapInside =
        b.beginWal !== undefined &&
        b.endWal !== undefined &&
        b.beginWal <= gap &&
        gap <= b.endWal;
      expect({ id: b.id, restorable: b.restorable }).toEqual({
        id: b.id,
        restorable: b.status === 'DONE' && !gapInside,
      });
    }
    // In this archive the gap lies after both DONE backups: both restorable, the FAILED one not.
    expect(catalog.backups.map(b => b.restorable)).toEqual([true, true, false]);
  });

  it('ends the recovery window just before the gap, and starts it at the oldest DONE backup end (CNPG rule)', () => {
    const done = barmanList.filter(b => b.status === 'DONE');
    const { recoveryWindow } = catalog;
    expect(isoToEpochSeconds(recoveryWindow.firstRecoverabilityPoint)).toBe(
      ctimeToEpochSeconds(done[0].end_time),
    );
    expect(isoToEpochSeconds(recoveryWindow.lastSuccessfulBackupTime)).toBe(
      ctimeToEpochSeconds(done[done.length - 1].end_time),
    );
    // The chain from either DONE backup breaks at the deleted segment: timelines 2 and 3 (which fork after
    // it) are unreachable, so the newest recoverable segment is the one right before the gap.
    const gap = archive.manifest.deletedWal.segment;
    const before =
      gap.slice(0, 16) +
      (parseInt(gap.slice(16), 16) - 1)
        .toString(16)
        .toUpperCase()
        .padStart(8, '0');
    expect(recoveryWindow.lastRecoverableWal).toBe(before);
    // One continuous span: from the end of the oldest DONE backup to the segment before the gap.
    const oldest = catalog.backups.find(b => b.status === 'DONE')!;
    expect(
      recoveryWindow.ranges.map(r => ({
        timeline: r.timeline,
        from: r.from,
        fromWal: r.fromWal,
        toWal: r.toWal,
      })),
    ).toEqual([
      {
        timeline: 1,
        from: recoveryWindow.firstRecoverabilityPoint,
        fromWal: oldest.beginWal,
        toWal: before,
      },
    ]);
  });

  it('says "not empty" exactly when barman-cloud-check-wal-archive fails with "Expected empty archive"', async () => {
    const { serverName, emptyServerName, destination } = archive.manifest;
    const check = await archive.barman.checkWalArchive(serverName);
    expect(check.exitCode).toBe(1);
    expect(check.stderr + check.stdout).toContain('Expected empty archive');
    await expect(
      scanner.isServerNameEmpty({ destination, serverName }),
    ).resolves.toMatchObject({ empty: false });

    const emptyCheck = await archive.barman.checkWalArchive(emptyServerName);
    expect({
      exitCode: emptyCheck.exitCode,
      stderr: emptyCheck.stderr.trim(),
    }).toEqual({ exitCode: 0, stderr: '' });
    await expect(
      scanner.isServerNameEmpty({ destination, serverName: emptyServerName }),
    ).resolves.toEqual({
      empty: true,
      walObjects: 0,
    });
  });

  it('prints the same catalog from the CLI (`cnpg-backups inspect --format json`), exiting 1 for the gap', async () => {
    const { destination, serverName } = archive.manifest;
    const run = await runCli(
      [
        'inspect',
        '--destination',
        destination,
        '--server-name',
        serverName,
        '--endpoint',
        archive.s3.endpoint,
        '--format',
        'json',
      ],
      {
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      },
    );
    timings.cliMs = run.durationMs;
    // Exit 1: the wal-gap diagnosis has severity error.
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({
      exitCode: 1,
      stderr: '',
    });
    const printed = JSON.parse(run.stdout) as BarmanCatalog;
    expect(printed.schemaVersion).toBe(1);
    expect({
      destination: printed.destination,
      serverName: printed.serverName,
      backups: printed.backups,
      wal: printed.wal,
      recoveryWindow: printed.recoveryWindow,
      diagnoses: printed.diagnoses,
      complete: printed.scan.complete,
    }).toEqual({
      destination,
      serverName,
      backups: catalog.backups,
      wal: catalog.wal,
      recoveryWindow: catalog.recoveryWindow,
      diagnoses: catalog.diagnoses,
      complete: true,
    });
  });

  it('refreshes incrementally: same catalog when nothing changed, and picks up a newly archived segment', async () => {
    const again = await scanner.scan({
      destination: archive.manifest.destination,
      serverName: archive.manifest.serverName,
      previous: state,
    });
    expect(again.catalog.scan.incremental).toBe(true);
    expect({ backups: again.catalog.backups, wal: again.catalog.wal }).toEqual({
      backups: catalog.backups,
      wal: catalog.wal,
    });

    // Archive one more timeline-3 segment (a copy of the last one under the next name, as barman names it).
    const tl3 = catalog.wal.timelines.find(t => t.timeline === 3)!;
    const next =
      tl3.lastSegment!.slice(0, 16) +
      (parseInt(tl3.lastSegment!.slice(16), 16) + 1)
        .toString(16)
        .toUpperCase()
        .padStart(8, '0');
    const { prefix, serverName, bucket } = archive.manifest;
    await archive.client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${prefix}/${serverName}/wals/${next.slice(0, 16)}/${next}.gz`,
        Body: 'a new segment',
      }),
    );
    const before = counter.commands;
    const refreshed = await scanner.scan({
      destination: archive.manifest.destination,
      serverName: archive.manifest.serverName,
      previous: again.state,
    });
    const t3 = refreshed.catalog.wal.timelines.find(t => t.timeline === 3)!;
    expect({
      lastSegment: t3.lastSegment,
      segmentCount: t3.segmentCount,
      gaps: t3.gaps,
    }).toEqual({
      lastSegment: next,
      segmentCount: tl3.segmentCount + 1,
      gaps: [],
    });
    expect(refreshed.catalog.scan.walObjects).toBe(catalog.scan.walObjects + 1);
    // Incremental: a handful of requests, not a full relisting plus every backup.info.
    expect(counter.commands - before).toBeLessThanOrEqual(4);
  });
});
