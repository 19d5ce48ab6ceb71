/*
 * PROOF that a WAL file in the wrong place is not restorable, with the REAL barman-cloud-wal-restore on
 * the real barman-cloud 3.4 archive (PostgreSQL 15, s3rver; see src/testing/realArchive.ts), and that
 * the catalog agrees: the file does not count toward continuity and a misplaced-wal diagnosis names it.
 *
 * Needs `scripts/ensure-apt.sh postgresql-15 barman-cli-cloud` (the suite FAILS without the tools).
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { BarmanArchiveScanner } from '../scanner';
import { createS3Client } from '../s3';
import {
  CommandResult,
  loadRealBarmanArchive,
  RealBarmanArchive,
  runCommand,
  S3RVER_CREDENTIALS,
} from '../testing';

const MINUTES = 60_000;
const SEGMENT_KEY = /\/wals\/([0-9A-F]{16})\/([0-9A-F]{24})\.(gz|bz2)$/;

describe('a WAL file outside its hash folder, against the real barman-cloud-wal-restore', () => {
  let archive: RealBarmanArchive;
  let work: string;

  beforeAll(async () => {
    archive = await loadRealBarmanArchive({
      log: message => process.stderr.write(`[real-barman] ${message}\n`),
    });
    work = mkdtempSync(join(tmpdir(), 'cnpg-wal-restore-'));
  }, 20 * MINUTES);
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await archive?.close();
  });

  async function walRestore(
    name: string,
  ): Promise<CommandResult & { fetched: boolean }> {
    const target = join(work, `${name}-${Date.now()}`);
    const result = await runCommand({
      command: archive.tools.barman.walRestore,
      args: [
        '--endpoint-url',
        archive.s3.endpoint,
        '--cloud-provider',
        'aws-s3',
        archive.manifest.destination,
        archive.manifest.serverName,
        name,
        target,
      ],
      env: archive.barman.env,
      allowFailure: true,
      timeoutMs: 2 * MINUTES,
    });
    return { ...result, fetched: existsSync(target) };
  }

  async function move(from: string, to: string) {
    const { bucket } = archive.manifest;
    await archive.client.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: to,
        CopySource: `${bucket}/${from}`,
      }),
    );
    await archive.client.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: from }),
    );
  }

  async function scan() {
    const client = createS3Client({
      endpoint: archive.s3.endpoint,
      credentials: { ...S3RVER_CREDENTIALS },
    });
    try {
      return (
        await BarmanArchiveScanner.create({ client }).scan({
          destination: archive.manifest.destination,
          serverName: archive.manifest.serverName,
        })
      ).catalog;
    } finally {
      client.destroy();
    }
  }

  it(
    'barman cannot fetch it, the catalog does not count it and names the key; moved back, both agree it is there',
    async () => {
      const { prefix, serverName } = archive.manifest;
      const root = `${prefix}/${serverName}/`;
      // A segment in the middle of the longest timeline: removing it from its place opens a gap.
      const byTimeline = new Map<string, string[]>();
      for (const o of archive.manifest.objects) {
        const m = SEGMENT_KEY.exec(o.key);
        if (m)
          byTimeline.set(m[2].slice(0, 8), [
            ...(byTimeline.get(m[2].slice(0, 8)) ?? []),
            o.key,
          ]);
      }
      const longest = [...byTimeline.values()]
        .sort((a, b) => b.length - a.length)[0]
        .sort();
      const rightKey = longest[Math.floor(longest.length / 2)];
      const [, dir, name, ext] = SEGMENT_KEY.exec(rightKey)!;
      const timeline = parseInt(name.slice(0, 8), 16);

      const before = await scan();
      const tlBefore = before.wal.timelines.find(t => t.timeline === timeline)!;
      expect(
        tlBefore.gaps.some(
          g => g.firstMissing <= name && name <= g.lastMissing,
        ),
      ).toBe(false);

      // Control: the real tool fetches it from the right place.
      const ok = await walRestore(name);
      expect({ exitCode: ok.exitCode, fetched: ok.fetched }).toEqual({
        exitCode: 0,
        fetched: true,
      });

      // 1. In another (valid-looking) hash folder.
      const wrongDir = `${dir.slice(0, 8)}${(parseInt(dir.slice(8), 16) + 7)
        .toString(16)
        .toUpperCase()
        .padStart(8, '0')}`;
      const wrongKey = `${root}wals/${wrongDir}/${name}.${ext}`;
      await move(rightKey, wrongKey);
      const lost = await walRestore(name);
      expect(lost.exitCode).not.toBe(0);
      expect(lost.fetched).toBe(false);

      const misplaced = await scan();
      expect(misplaced.scan.complete).toBe(true);
      const tl = misplaced.wal.timelines.find(t => t.timeline === timeline)!;
      expect(tl.segmentCount).toBe(tlBefore.segmentCount - 1);
      expect(tl.gaps).toContainEqual({
        firstMissing: name,
        lastMissing: name,
        count: 1,
      });
      const diagnosis = misplaced.diagnoses.find(d => d.id === 'misplaced-wal');
      expect(diagnosis).toMatchObject({ severity: 'error' });
      expect(diagnosis!.evidence[0]).toBe(
        `wals/${wrongDir}/${name}.${ext} (barman-cloud-wal-restore reads wals/${dir}/${name}.${ext})`,
      );

      // 2. Directly under wals/.
      const topKey = `${root}wals/${name}.${ext}`;
      await move(wrongKey, topKey);
      const lostTop = await walRestore(name);
      expect(lostTop.exitCode).not.toBe(0);
      expect(lostTop.fetched).toBe(false);
      const top = await scan();
      expect(
        top.wal.timelines.find(t => t.timeline === timeline)!.gaps,
      ).toContainEqual({
        firstMissing: name,
        lastMissing: name,
        count: 1,
      });
      expect(
        top.diagnoses.find(d => d.id === 'misplaced-wal')!.evidence[0],
      ).toContain(`wals/${name}.${ext} `);

      // 3. Back in place: barman fetches it again and the catalog is what it was.
      await move(topKey, rightKey);
      const back = await walRestore(name);
      expect({ exitCode: back.exitCode, fetched: back.fetched }).toEqual({
        exitCode: 0,
        fetched: true,
      });
      const restored = await scan();
      expect(restored.wal).toEqual(before.wal);
      expect(restored.diagnoses.map(d => d.id)).not.toContain('misplaced-wal');
    },
    5 * MINUTES,
  );
});
