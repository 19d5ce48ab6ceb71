/*
 * The Cluster named by the bucket diagnoses' fixes: never the serverName by guess (a Cluster
 * `orders` may archive to serverName `orders-v2`), `<cluster>` when the catalog is built from
 * the bucket alone, and the real Cluster once `applyCatalogClusterName` fills it in.
 */
import { buildCatalog } from './buildCatalog';
import { applyCatalogClusterName } from './diagnoses';
import { InvalidCatalogInputError } from './errors';
import { ArchiveBuilder } from './__testUtils__/archive';
import type { BarmanCatalog } from './types';

/** Every fix text and snippet of the catalog, joined. */
const fixesOf = (catalog: BarmanCatalog) =>
  catalog.diagnoses.map(d => `${d.fix}\n${d.fixSnippet ?? ''}`).join('\n');

/** A Cluster `orders` archiving to serverName `orders-v2`, with WAL but no base backup. */
const noBaseBackup = () =>
  new ArchiveBuilder().segments(1, 1, 3).input({ serverName: 'orders-v2' });

/** One archive that triggers every bucket diagnosis whose fix names the Cluster. */
function everyClusterFix(): ArchiveBuilder {
  const a = new ArchiveBuilder()
    .segments(1, 1, 12, [5, 10])
    .backup('20260101T020000', { begin: 4, end: 6 }) // not restorable (5 missing)
    .backup('20260101T030000', { begin: 8, end: 8 }) // newest DONE: gap 10 after it
    .backup('20260101T040000', { status: 'FAILED', error: 'AccessDenied' })
    .backup('20260101T050000', {
      status: 'none',
      lastModified: '2025-01-01T00:00:00Z',
    });
  a.backupInfos['20260101T060000'] = 'status=DONE\nthis is not = a backup.info';
  a.objects.push({
    key: 'base/20260101T060000/backup.info',
    size: 10,
    lastModified: '2026-01-01T06:00:00Z',
  });
  // Timeline 2 archived without its history file.
  a.segments(2, 13, 14);
  return a;
}

describe('the Cluster named by the bucket diagnoses', () => {
  it('a Cluster orders writing serverName orders-v2 with no base backup: the fix names orders, never orders-v2', () => {
    const neutral = buildCatalog(noBaseBackup());
    const noDone = neutral.diagnoses.find(d => d.id === 'no-done-backup')!;
    expect(noDone.fix).toContain(
      'kubectl cnpg backup <cluster> --method=plugin',
    );
    expect(noDone.fixSnippet).toContain('Replace <cluster>');
    expect(fixesOf(neutral)).not.toContain('backup orders-v2');
    expect(fixesOf(neutral)).not.toContain('name: orders-v2');

    const named = applyCatalogClusterName(neutral, { clusterName: 'orders' });
    const fix = named.diagnoses.find(d => d.id === 'no-done-backup')!;
    expect(fix.fix).toContain('kubectl cnpg backup orders --method=plugin');
    expect(fix.fixSnippet).toContain(
      '# kubectl cnpg backup orders --method=plugin',
    );
    expect(fix.fixSnippet).toContain('  name: orders-manual');
    expect(fix.fixSnippet).toContain('    name: orders\n');
    expect(fixesOf(named)).not.toContain('orders-v2 --method');
    expect(fixesOf(named)).not.toContain('<cluster>');
    // The serverName still names the archive in the message and evidence.
    expect(fix.message).toContain('"orders-v2"');
    expect(named).toEqual(
      buildCatalog({ ...noBaseBackup(), clusterName: 'orders' }),
    );
  });

  it('fills in every fix exactly as buildCatalog with the cluster would, without touching the cached catalog', () => {
    const neutral = buildCatalog(
      everyClusterFix().input({ serverName: 'orders-v2' }),
    );
    expect(neutral.diagnoses.map(d => d.id)).toEqual(
      expect.arrayContaining([
        'backup-failed',
        'backup-incomplete',
        'backup-not-restorable',
        'invalid-backup-info',
        'missing-history-file',
        'wal-gap',
      ]),
    );
    const frozen = JSON.stringify(neutral);
    for (const clusterName of ['orders', 'PG_Demo', '0', 'a<cluster>b', '$&']) {
      const direct = buildCatalog(
        everyClusterFix().input({ serverName: 'orders-v2', clusterName }),
      );
      expect(applyCatalogClusterName(neutral, { clusterName })).toEqual(direct);
    }
    expect(JSON.stringify(neutral)).toBe(frozen);
    // The generic advice that mentions <cluster> as an example is not a command to fill in.
    const mixed = buildCatalog(
      new ArchiveBuilder()
        .segments(1, 1, 3)
        .backup('20260101T020000', {
          begin: 1,
          end: 1,
          segmentSize: 16 * 1024 * 1024,
        })
        .backup('20260101T030000', {
          begin: 2,
          end: 2,
          segmentSize: 64 * 1024 * 1024,
        })
        .input(),
    );
    const sizes = mixed.diagnoses.find(d => d.id === 'segment-size-mismatch')!;
    expect(sizes.fix).toContain('<cluster>-v2');
    expect(
      applyCatalogClusterName(mixed, { clusterName: 'orders' }).diagnoses.find(
        d => d.id === 'segment-size-mismatch',
      ),
    ).toBe(sizes);
  });

  it('leaves a catalog built for a cluster as it is, and names a bad clusterName', () => {
    const built = buildCatalog({ ...noBaseBackup(), clusterName: 'billing' });
    expect(applyCatalogClusterName(built, { clusterName: 'orders' })).toEqual(
      built,
    );
    expect(() => applyCatalogClusterName(built, { clusterName: '' })).toThrow(
      'clusterName must be a non-empty string',
    );
    expect(() =>
      buildCatalog({ ...noBaseBackup(), clusterName: 42 as unknown as string }),
    ).toThrow(InvalidCatalogInputError);
  });
});
