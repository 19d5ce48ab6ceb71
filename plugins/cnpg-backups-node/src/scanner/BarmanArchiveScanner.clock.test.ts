/*
 * The scanner's injected clock: scannedAt, the catalog's 6-hour grace for a backup folder
 * without backup.info ("probably still running" → "never finished") and the age of a
 * previous state all follow `now`, never the machine's clock. s3rver stamps objects with the
 * real time, so the pinned instants are taken relative to the LastModified it reports.
 */
import { createS3Client } from '../s3/createS3Client';
import {
  startS3rver,
  S3rverHarness,
  S3RVER_CREDENTIALS,
} from '../s3/__testUtils__/s3rverHarness';
import {
  BarmanArchiveScanner,
  InvalidScannerClockError,
} from './BarmanArchiveScanner';

const BUCKET = 'clock';
const DESTINATION = `s3://${BUCKET}/cnpg`;
const SERVER = 'pg-clock';
const GRACE_MS = 6 * 3600 * 1000;
const BACKUP_ID = '20250601T020002';

describe('BarmanArchiveScanner with an injected clock', () => {
  let harness: S3rverHarness;
  /** Newest LastModified of the unfinished backup, as S3 reports it. */
  let lastModifiedMs: number;

  const scannerAt = (nowMs: number, extra: { fullScanAfterMs?: number } = {}) =>
    BarmanArchiveScanner.create({
      client: createS3Client({
        endpoint: harness.endpoint,
        credentials: S3RVER_CREDENTIALS,
      }),
      now: () => new Date(nowMs),
      ...extra,
    });

  beforeAll(async () => {
    harness = await startS3rver({ buckets: [BUCKET] });
    // A backup folder with data but no backup.info, and one WAL segment.
    await harness.put(
      BUCKET,
      `cnpg/${SERVER}/base/${BACKUP_ID}/data.tar.gz`,
      'data',
    );
    await harness.put(
      BUCKET,
      `cnpg/${SERVER}/wals/0000000100000000/000000010000000000000001.gz`,
      'wal',
    );
    // Any pinned instant will do to learn the folder's LastModified.
    const probe = await scannerAt(Date.parse('2000-01-01T00:00:00Z')).scan({
      destination: DESTINATION,
      serverName: SERVER,
    });
    lastModifiedMs = Date.parse(probe.catalog.backups[0].lastModified!);
    if (Number.isNaN(lastModifiedMs)) {
      throw new Error('s3rver reported no LastModified for the backup folder');
    }
  }, 60_000);
  afterAll(async () => harness.close());

  const incompleteAt = async (nowMs: number) => {
    const { catalog } = await scannerAt(nowMs).scan({
      destination: DESTINATION,
      serverName: SERVER,
    });
    expect(catalog.scan.scannedAt).toBe(new Date(nowMs).toISOString());
    return catalog.diagnoses.find(d => d.id === 'backup-incomplete')!;
  };

  it('the grace period for a backup without backup.info flips exactly at 6 hours of the pinned now', async () => {
    // Swept around the boundary: before it the newest unfinished backup is probably running
    // (info); from it on, it never finished (warning, with the fix snippet).
    const offsets = [
      -GRACE_MS,
      0,
      GRACE_MS / 2,
      GRACE_MS - 1000,
      GRACE_MS - 1,
      GRACE_MS,
      GRACE_MS + 1,
      3 * GRACE_MS,
      400 * 24 * 3600 * 1000,
    ];
    for (const offset of offsets) {
      const diagnosis = await incompleteAt(lastModifiedMs + offset);
      expect({ offset, severity: diagnosis.severity }).toEqual({
        offset,
        severity: offset < GRACE_MS ? 'info' : 'warning',
      });
      expect(Boolean(diagnosis.fixSnippet)).toBe(offset >= GRACE_MS);
    }
  });

  it('decides whether a previous state is too old for an incremental scan with the pinned now', async () => {
    const t0 = Date.parse('2031-03-04T05:06:07.000Z');
    const first = await scannerAt(t0, { fullScanAfterMs: 60_000 }).scan({
      destination: DESTINATION,
      serverName: SERVER,
    });
    expect(first.state.scannedAt).toBe('2031-03-04T05:06:07.000Z');
    const rescanAt = async (nowMs: number) =>
      (
        await scannerAt(nowMs, { fullScanAfterMs: 60_000 }).scan({
          destination: DESTINATION,
          serverName: SERVER,
          previous: first.state,
        })
      ).catalog.scan.incremental;
    expect(await rescanAt(t0 + 60_000)).toBe(true);
    expect(await rescanAt(t0 + 60_001)).toBe(false);
    // A previous state from the future (clock moved back) is not trusted either.
    expect(await rescanAt(t0 - 1)).toBe(false);
  });

  it('defaults to the real clock', async () => {
    const before = Date.now();
    const { catalog } = await BarmanArchiveScanner.create({
      client: createS3Client({
        endpoint: harness.endpoint,
        credentials: S3RVER_CREDENTIALS,
      }),
    }).scan({ destination: DESTINATION, serverName: SERVER });
    const scannedAt = Date.parse(catalog.scan.scannedAt);
    expect(scannedAt).toBeGreaterThanOrEqual(before);
    expect(scannedAt).toBeLessThanOrEqual(Date.now());
  });

  it('rejects a clock that is not a function, or that returns no valid Date, with named errors', async () => {
    const client = createS3Client({
      endpoint: harness.endpoint,
      credentials: S3RVER_CREDENTIALS,
    });
    expect(() =>
      BarmanArchiveScanner.create({ client, now: '2025-01-01' as any }),
    ).toThrow('BarmanArchiveScanner: now must be a function returning a Date');
    for (const bad of [new Date('nope'), '2025-01-01T00:00:00Z', undefined]) {
      const scanner = BarmanArchiveScanner.create({
        client,
        now: () => bad as any,
      });
      await expect(
        scanner.scan({ destination: DESTINATION, serverName: SERVER }),
      ).rejects.toThrow(InvalidScannerClockError);
    }
  });
});
