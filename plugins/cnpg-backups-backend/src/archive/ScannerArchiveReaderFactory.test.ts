/*
 * The real archive reader factory hands its clock to the scanner: a scan's scannedAt and the
 * catalog's 6-hour grace for a backup folder without backup.info follow the injected `now`
 * (the plugin passes the clock extension point's), not the machine's clock.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  startS3rver,
  type RunningS3rver,
} from '@cnpg-backups/plugin-cnpg-backups-node/testUtils';
import type { BarmanCatalog } from '@cnpg-backups/plugin-cnpg-backups-common';
import { ScannerArchiveReaderFactory } from './ScannerArchiveReaderFactory';

const GRACE_MS = 6 * 3600 * 1000;

describe('ScannerArchiveReaderFactory', () => {
  let s3: RunningS3rver;

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['clock'] });
    await s3.createClient().send(
      new PutObjectCommand({
        Bucket: 'clock',
        Key: 'cnpg/pg-a/base/20250601T020002/data.tar.gz',
        Body: 'data',
      }),
    );
  }, 30_000);
  afterAll(async () => s3?.close());

  const scanAt = async (now: (() => Date) | undefined) => {
    const reader = ScannerArchiveReaderFactory.create({
      requestTimeoutMs: 5_000,
      ...(now ? { now } : {}),
    }).create({
      endpoint: s3.endpoint,
      provider: 'generic',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const result = await reader.scan({
      destination: 's3://clock/cnpg',
      serverName: 'pg-a',
    });
    return result.catalog as BarmanCatalog;
  };

  it('scans with the clock it is given, and the grace period flips at 6 hours of it', async () => {
    const probe = await scanAt(() => new Date('2001-02-03T04:05:06.000Z'));
    expect(probe.scan.scannedAt).toBe('2001-02-03T04:05:06.000Z');
    const modified = Date.parse(probe.backups[0].lastModified!);
    const severityAt = async (ms: number) =>
      (await scanAt(() => new Date(ms))).diagnoses.find(
        d => d.id === 'backup-incomplete',
      )?.severity;
    expect(await severityAt(modified + GRACE_MS - 1)).toBe('info');
    expect(await severityAt(modified + GRACE_MS)).toBe('warning');
  });

  it('uses the real clock by default', async () => {
    const before = Date.now();
    const catalog = await scanAt(undefined);
    expect(Date.parse(catalog.scan.scannedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(catalog.scan.scannedAt)).toBeLessThanOrEqual(Date.now());
  });
});
