/*
 * The Cluster named by the fixes of a scanned catalog: the one passed as `clusterName`, else
 * `<cluster>`; never the serverName (a Cluster `orders` may archive to `orders-v2`).
 */
import {
  applyCatalogClusterName,
  InvalidCatalogInputError,
  type BarmanCatalog,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { createS3Client } from '../s3/createS3Client';
import {
  startS3rver,
  S3rverHarness,
  S3RVER_CREDENTIALS,
} from '../s3/__testUtils__/s3rverHarness';
import { BarmanArchiveScanner } from './BarmanArchiveScanner';

const BUCKET = 'renamed';
const DESTINATION = `s3://${BUCKET}/cnpg`;
const NOW = new Date('2025-06-10T12:00:00Z');

const noDoneBackup = (catalog: BarmanCatalog) =>
  catalog.diagnoses.find(d => d.id === 'no-done-backup')!;

describe('BarmanArchiveScanner: the Cluster the fixes name', () => {
  let harness: S3rverHarness;
  let requests = 0;
  let scanner: BarmanArchiveScanner;

  beforeAll(async () => {
    harness = await startS3rver({ buckets: [BUCKET] });
    // serverName orders-v2 (written by the Cluster orders): WAL, no base backup.
    await harness.put(
      BUCKET,
      'cnpg/orders-v2/wals/0000000100000000/000000010000000000000001.gz',
      'wal',
    );
    const client = createS3Client({
      endpoint: harness.endpoint,
      credentials: S3RVER_CREDENTIALS,
    });
    client.middlewareStack.add(
      next => async args => {
        requests += 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    scanner = BarmanArchiveScanner.create({ client, now: () => NOW });
  });
  afterAll(async () => harness.close());

  it('names the clusterName given, else says <cluster>; never orders-v2', async () => {
    const named = await scanner.scan({
      destination: DESTINATION,
      serverName: 'orders-v2',
      clusterName: 'orders',
    });
    expect(noDoneBackup(named.catalog).fix).toContain(
      'kubectl cnpg backup orders --method=plugin',
    );
    expect(noDoneBackup(named.catalog).fixSnippet).toContain(
      '\n    name: orders\n',
    );
    const bucketOnly = await scanner.scan({
      destination: DESTINATION,
      serverName: 'orders-v2',
    });
    const fix = noDoneBackup(bucketOnly.catalog);
    expect(fix.fix).toContain('kubectl cnpg backup <cluster> --method=plugin');
    expect(`${fix.fix}${fix.fixSnippet}`).not.toContain('orders-v2');
    // Naming it afterwards gives what a scan with the clusterName gives.
    expect(
      applyCatalogClusterName(bucketOnly.catalog, { clusterName: 'orders' }),
    ).toEqual({
      ...named.catalog,
      scan: bucketOnly.catalog.scan,
    });
  });

  it('refuses a clusterName that is not a non-empty string before any request', async () => {
    const before = requests;
    expect(before).toBeGreaterThan(0); // the counter sees the scans' requests
    for (const clusterName of ['', 42, null]) {
      await expect(
        scanner.scan({
          destination: DESTINATION,
          serverName: 'orders-v2',
          clusterName: clusterName as unknown as string,
        }),
      ).rejects.toThrow(InvalidCatalogInputError);
    }
    expect(requests).toBe(before);
  });
});
