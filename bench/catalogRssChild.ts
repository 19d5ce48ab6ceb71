/*
 * Peak-RSS child of the catalog benchmark: the scanner + catalog builder over an in-memory fake S3
 * serving N WAL keys (default 1,000,000). Prints one JSON line. bench/catalog.ts runs it twice: as an
 * esbuild bundle (how a production backend runs the code: no TypeScript transpiler in memory) and
 * through the Backstage CLI's transpiler.
 *
 *   node bench/catalogRssChild.bundle.cjs 1000000     (built by bench/catalog.ts)
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { BarmanArchiveScanner } from '@cnpg-backups/plugin-cnpg-backups-node';
import { DESTINATION, FakeS3, syntheticBackups } from './catalogSynthetic';

export async function rssChild(keys: number) {
  const before = process.resourceUsage().maxRSS;
  const fake = new FakeS3('rss', keys, syntheticBackups(keys));
  const scanner = BarmanArchiveScanner.create({
    client: fake as unknown as S3Client,
  });
  const t0 = Date.now();
  const { catalog } = await scanner.scan({
    destination: DESTINATION,
    serverName: 'rss',
  });
  const ms = Date.now() - t0;
  const after = process.resourceUsage().maxRSS;
  process.stdout.write(
    `${JSON.stringify({
      keys,
      walObjects: catalog.scan.walObjects,
      complete: catalog.scan.complete,
      errors: catalog.scan.errors.slice(0, 2),
      backups: catalog.backups.length,
      restorable: catalog.backups.filter(b => b.restorable).length,
      requests: fake.requests,
      ms,
      baselineMaxRssMB: before / 1024,
      peakMaxRssMB: after / 1024,
    })}\n`,
  );
}

if (require.main === module) {
  rssChild(Number(process.argv[2] ?? 1_000_000)).catch(error => {
    console.error(error);
    process.exit(1);
  });
}
