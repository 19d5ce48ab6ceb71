/*
 * The synthetic Barman archive of the catalog benchmark (bench/catalog.ts), and an in-memory fake S3
 * that serves a million-key version of it without holding anything per key. Kept apart from
 * catalog.ts so that the peak-RSS child (bench/catalogRssChild.ts) can be bundled without the test
 * harness (s3rver, PostgreSQL tooling).
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';

export const PREFIX = 'catalog';
export const BUCKET = 'bench';
export const DESTINATION = `s3://${BUCKET}/${PREFIX}`;
export const SEGMENTS_PER_LOG = 256; // 16 MiB segments
export const BACKUPS = 100;
export const EPOCH = Date.UTC(2026, 0, 1);

// TLI 1 segments 1..N (256 per hash directory, as with 16 MiB segments) and 100 DONE backups spread
// over it, one WAL per minute from 2026-01-01T00:00Z.
export const hex8 = (n: number) =>
  n.toString(16).toUpperCase().padStart(8, '0');
export const segmentName = (index: number) =>
  `00000001${hex8(Math.floor(index / SEGMENTS_PER_LOG))}${hex8(
    index % SEGMENTS_PER_LOG,
  )}`;
export const hashDirOf = (index: number) =>
  `00000001${hex8(Math.floor(index / SEGMENTS_PER_LOG))}`;
export const walKey = (serverName: string, index: number) =>
  `${PREFIX}/${serverName}/wals/${hashDirOf(index)}/${segmentName(index)}.gz`;
const lsnOf = (index: number, offset: number) =>
  `${Math.floor(index / SEGMENTS_PER_LOG)
    .toString(16)
    .toUpperCase()}/${((index % SEGMENTS_PER_LOG) * 0x1000000 + offset)
    .toString(16)
    .toUpperCase()}`;
const timeOfSegment = (index: number) => new Date(EPOCH + index * 60_000);
const pyTime = (d: Date) =>
  `${d.toISOString().replace('T', ' ').replace('Z', '')}000+00:00`;
const backupIdOf = (d: Date) =>
  d.toISOString().replace(/[-:]/g, '').slice(0, 15);

export interface SyntheticBackup {
  id: string;
  beginIndex: number;
  endIndex: number;
  info: string;
}

export function syntheticBackups(walCount: number): SyntheticBackup[] {
  const out: SyntheticBackup[] = [];
  for (let k = 0; k < BACKUPS; k++) {
    const beginIndex = 1 + Math.floor((k * walCount) / BACKUPS);
    const endIndex = Math.min(walCount, beginIndex + 1);
    const begin = timeOfSegment(beginIndex);
    const end = new Date(begin.getTime() + 42_000);
    const id = backupIdOf(begin);
    const info = [
      `backup_label='START WAL LOCATION: ${lsnOf(
        beginIndex,
        0x28,
      )} (file ${segmentName(beginIndex)})\\nSTART TIMELINE: 1\\n'`,
      `backup_name=backup-${id.replace('T', '')}`,
      `begin_offset=40`,
      `begin_time=${pyTime(begin)}`,
      `begin_wal=${segmentName(beginIndex)}`,
      `begin_xlog=${lsnOf(beginIndex, 0x28)}`,
      `compression=None`,
      `config_file=/var/lib/postgresql/data/pgdata/postgresql.conf`,
      `copy_stats={'total_time': 41.5, 'number_of_workers': 2}`,
      `deduplicated_size=None`,
      `end_offset=256`,
      `end_time=${pyTime(end)}`,
      `end_wal=${segmentName(endIndex)}`,
      `end_xlog=${lsnOf(endIndex, 0x100)}`,
      `error=None`,
      `hba_file=/var/lib/postgresql/data/pgdata/pg_hba.conf`,
      `ident_file=/var/lib/postgresql/data/pgdata/pg_ident.conf`,
      `included_files=None`,
      `mode=None`,
      `pgdata=/var/lib/postgresql/data/pgdata`,
      `server_name=cloud`,
      `size=None`,
      `status=DONE`,
      `systemid=7381234567890123456`,
      `tablespaces=None`,
      `timeline=1`,
      `version=150018`,
      `xlog_segment_size=16777216`,
      '',
    ].join('\n');
    out.push({ id, beginIndex, endIndex, info });
  }
  return out;
}

/**
 * An in-memory S3 serving `walCount` WAL keys of one serverName plus its backups. Keys are computed
 * from indexes on demand (WAL keys sort like their indexes), so the fake holds nothing per key.
 * It answers flat and delimiter listings of `wals/`, hash-directory listings, `base/` and GETs of
 * backup.info, honouring Prefix, StartAfter, ContinuationToken and MaxKeys.
 */
export class FakeS3 {
  requests = 0;
  constructor(
    private readonly serverName: string,
    private readonly walCount: number,
    private readonly backups: SyntheticBackup[],
    /** Latency added to every request, to model a remote store where a page costs the same whatever its size. */
    private readonly delayMs = 0,
    /**
     * Objects as a real archive has them: each WAL's LastModified one minute after the previous
     * one's plus 0-29 s (whole seconds, as S3 lists them) and a gzip size of 2-11 MB that differs
     * from segment to segment. Without it every object has the same time (EPOCH) and size
     * (16 MiB), which makes anything that compresses the listing look better than it would be.
     */
    private readonly varied = false,
  ) {}

  async send(command: unknown): Promise<unknown> {
    this.requests++;
    if (this.delayMs > 0) await new Promise(r => setTimeout(r, this.delayMs));
    const input = (command as { input: Record<string, any> }).input;
    const root = `${PREFIX}/${this.serverName}/`;
    const lastModified = new Date(EPOCH);
    if (command instanceof GetObjectCommand) {
      const m = /base\/(\d{8}T\d{6})\/backup\.info$/.exec(input.Key);
      const b = m && this.backups.find(x => x.id === m[1]);
      if (!b)
        throw Object.assign(new Error('NoSuchKey'), {
          name: 'NoSuchKey',
          $metadata: { httpStatusCode: 404 },
        });
      const bytes = Buffer.from(b.info);
      return {
        Body: { transformToByteArray: async () => new Uint8Array(bytes) },
      };
    }
    if (!(command instanceof ListObjectsV2Command))
      throw new Error(`FakeS3: unsupported ${String(command)}`);
    const prefix: string = input.Prefix ?? '';
    const after: string = input.ContinuationToken ?? input.StartAfter ?? '';
    const maxKeys = Math.min(1000, input.MaxKeys ?? 1000);
    if (prefix === `${root}base/`) {
      const keys = this.backups.flatMap(b => [
        `${root}base/${b.id}/backup.info`,
        `${root}base/${b.id}/data.tar.gz`,
      ]);
      return this.page(
        keys.filter(k => k > after),
        maxKeys,
        lastModified,
      );
    }
    if (prefix === `${root}wals/` && input.Delimiter === '/') {
      const dirs = Math.floor(this.walCount / SEGMENTS_PER_LOG) + 1;
      const CommonPrefixes = Array.from({ length: dirs }, (_, i) => ({
        Prefix: `${root}wals/00000001${hex8(i)}/`,
      }));
      return { Contents: [], CommonPrefixes, IsTruncated: false, KeyCount: 0 };
    }
    if (prefix === `${root}wals/`) {
      // First index whose key sorts after `after`.
      let lo = 1;
      let hi = this.walCount + 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (walKey(this.serverName, mid) > after) hi = mid;
        else lo = mid + 1;
      }
      const keys: string[] = [];
      for (let i = lo; i <= this.walCount && keys.length <= maxKeys; i++)
        keys.push(walKey(this.serverName, i));
      return this.page(keys, maxKeys, lastModified);
    }
    const m = /wals\/00000001([0-9A-F]{8})\/$/.exec(prefix);
    if (m) {
      const log = parseInt(m[1], 16);
      const keys: string[] = [];
      for (let seg = 0; seg < SEGMENTS_PER_LOG; seg++) {
        const index = log * SEGMENTS_PER_LOG + seg;
        if (index < 1 || index > this.walCount) continue;
        const key = walKey(this.serverName, index);
        if (key > after) keys.push(key);
      }
      return this.page(keys, maxKeys, lastModified);
    }
    return { Contents: [], IsTruncated: false, KeyCount: 0 };
  }

  private page(keys: string[], maxKeys: number, lastModified: Date) {
    const slice = keys.slice(0, maxKeys);
    const truncated = keys.length > maxKeys;
    return {
      Contents: slice.map(Key => {
        if (Key.endsWith('backup.info'))
          return {
            Key,
            Size: this.backupInfoSize(Key),
            LastModified: lastModified,
          };
        const wal = this.varied
          ? /\/([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})\.gz$/.exec(Key)
          : null;
        if (!wal)
          return { Key, Size: 16 * 1024 * 1024, LastModified: lastModified };
        const index =
          parseInt(wal[2], 16) * SEGMENTS_PER_LOG + parseInt(wal[3], 16);
        const hash = Math.imul(index, 2654435761) >>> 0;
        return {
          Key,
          Size: 2_000_000 + (hash % 9_000_000),
          LastModified: new Date(
            EPOCH + index * 60_000 + ((hash >>> 8) % 30) * 1000,
          ),
        };
      }),
      IsTruncated: truncated,
      NextContinuationToken: truncated ? slice[slice.length - 1] : undefined,
      KeyCount: slice.length,
    };
  }

  private backupInfoSize(key: string): number {
    const id = /base\/(\d{8}T\d{6})\//.exec(key)![1];
    return Buffer.byteLength(this.backups.find(b => b.id === id)!.info);
  }

  destroy() {}
}
