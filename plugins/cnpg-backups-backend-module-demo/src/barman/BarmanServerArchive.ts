/*
 * DEMO ONLY: writes a Barman Cloud archive layout for one serverName (what barman-cloud-wal-archive and
 * barman-cloud-backup leave in a bucket): `<prefix>/<serverName>/wals/<TLI><LOG>/<WAL>[.ext]`,
 * `<prefix>/<serverName>/wals/<TLI>.history[.ext]`, `.backup` label files, and
 * `<prefix>/<serverName>/base/<backupId>/{data.tar[.ext],backup.info}`. backup.info follows barman's format
 * (keys sorted, Python literals, `None`), modelled on the real barman 3.4 output in
 * ../shared/fixtures/barman-3.4-sample. Bodies are tiny (a compression magic number), sizes are realistic
 * (sparse padding, see S3rverDiskWriter) and LastModified is the time the object would have been uploaded.
 */
import { gzipSync } from 'node:zlib';
import { findObsoleteBackups } from '@cnpg-backups/plugin-cnpg-backups-common';
import type { ObjectWriter } from '../s3/S3rverDiskWriter';

export type WalCompression =
  | 'none'
  | 'gzip'
  | 'bzip2'
  | 'xz'
  | 'snappy'
  | 'zstd'
  | 'lz4';
export type DataCompression = 'none' | 'gzip' | 'bzip2' | 'snappy' | 'lz4';

const WAL_SUFFIX: Record<WalCompression, string> = {
  none: '',
  gzip: '.gz',
  bzip2: '.bz2',
  xz: '.xz',
  snappy: '.snappy',
  zstd: '.zst',
  lz4: '.lz4',
};
const DATA_SUFFIX: Record<DataCompression, string> = {
  none: '.tar',
  gzip: '.tar.gz',
  bzip2: '.tar.bz2',
  snappy: '.tar.snappy',
  lz4: '.tar.lz4',
};
/** First bytes of each format, so a body "looks like" what its extension says. */
const MAGIC: Record<WalCompression, Buffer> = {
  none: Buffer.from([0x10, 0xd1, 0x05, 0x00]), // XLOG_PAGE_MAGIC of PG 15+ (little endian)
  gzip: Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
  bzip2: Buffer.from('BZh91AY&SY', 'latin1'),
  xz: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
  snappy: Buffer.from([
    0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59,
  ]),
  zstd: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
  lz4: Buffer.from([0x04, 0x22, 0x4d, 0x18]),
};
/** Typical compressed/raw ratio of a busy WAL segment or a PGDATA tarball. */
const RATIO: Record<WalCompression, number> = {
  none: 1,
  gzip: 0.32,
  bzip2: 0.26,
  xz: 0.22,
  snappy: 0.5,
  zstd: 0.28,
  lz4: 0.45,
};

export const WAL_SEGMENT_SIZE = 16 * 1024 * 1024;
const SEGMENTS_PER_LOG = 0x100000000 / WAL_SEGMENT_SIZE; // 256

/** Deterministic PRNG (mulberry32) so a given `now` always produces the same archive. */
export function seededRandom(seedText: string): () => number {
  let seed = 0;
  for (const ch of seedText)
    seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) | 0;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

/** WAL file name for a timeline and a global segment index (16 MiB segments). */
export function walName(timeline: number, segmentIndex: number): string {
  return `${hex8(timeline)}${hex8(
    Math.floor(segmentIndex / SEGMENTS_PER_LOG),
  )}${hex8(segmentIndex % SEGMENTS_PER_LOG)}`;
}

/** LSN `X/X` of a byte offset inside a global segment. */
export function lsnOf(segmentIndex: number, offset: number): string {
  const log = Math.floor(segmentIndex / SEGMENTS_PER_LOG);
  const low = (segmentIndex % SEGMENTS_PER_LOG) * WAL_SEGMENT_SIZE + offset;
  return `${log.toString(16).toUpperCase()}/${low.toString(16).toUpperCase()}`;
}

/** Barman backup id `YYYYMMDDTHHMMSS` (UTC: the sidecar's clock). */
export function backupIdOf(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/[-:]/g, '');
}

/** Python `str(datetime)` with microseconds and a UTC offset, as in backup.info. */
function pythonTime(date: Date, micros: number): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}.${String(
    micros,
  ).padStart(6, '0')}+00:00`;
}

/** A base backup written into the archive. */
export type WrittenBackup = {
  backupId: string;
  backupName?: string;
  status: 'DONE' | 'FAILED';
  timeline: number;
  beginWal: string;
  endWal?: string;
  beginLsn: string;
  endLsn?: string;
  beginTime: Date;
  endTime?: Date;
  dataKey?: string;
  error?: string;
};

export type BarmanServerArchiveOptions = {
  writer: ObjectWriter;
  bucket: string;
  /** Path inside the bucket before the serverName, without leading/trailing slash ('' for none). */
  prefix: string;
  serverName: string;
  timeline: number;
  /** Global index of the next WAL segment to archive (log * 256 + segment). */
  firstSegment: number;
  systemId: string;
  /** PostgreSQL server_version_num, e.g. 170002. */
  pgVersion: number;
  walCompression: WalCompression;
  dataCompression: DataCompression;
  /** Estimated database size in bytes (grows slowly over time). */
  clusterSizeBytes: number;
  /** Value of backup.info `server_name`: barman 3.4 writes "cloud", newer releases the serverName. */
  serverNameField?: string;
  /** Where PGDATA lives in the instance pod. */
  pgdata?: string;
  /** Barman backups taken from a standby (CNPG default target prefer-standby). */
  backupFrom?: 'primary' | 'standby';
  random?: () => number;
};

/** State and writer of one serverName's archive (the demo operator keeps appending to it). */
export class BarmanServerArchive {
  readonly bucket: string;
  readonly prefix: string;
  readonly serverName: string;
  readonly systemId: string;
  readonly walCompression: WalCompression;
  readonly dataCompression: DataCompression;
  readonly backups: WrittenBackup[] = [];
  timeline: number;
  /** Global index of the next segment to archive. */
  segment: number;
  /** LastModified of the newest WAL written. */
  lastWalAt?: Date;
  readonly #writer: ObjectWriter;
  /** WAL objects (segments and .backup labels, not .history) in archive order: what retention may delete. */
  readonly #walObjects: Array<{ name: string; key: string }> = [];
  readonly #options: BarmanServerArchiveOptions;
  readonly #random: () => number;
  #clusterSize: number;

  constructor(options: BarmanServerArchiveOptions) {
    this.#writer = options.writer;
    this.#options = options;
    this.bucket = options.bucket;
    this.prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.serverName = options.serverName;
    this.systemId = options.systemId;
    this.timeline = options.timeline;
    this.segment = options.firstSegment;
    this.walCompression = options.walCompression;
    this.dataCompression = options.dataCompression;
    this.#clusterSize = options.clusterSizeBytes;
    this.#random =
      options.random ?? seededRandom(`${options.bucket}/${options.serverName}`);
    this.#writer.ensureBucket(this.bucket);
  }

  /** `s3://bucket[/prefix]` as in destinationPath. */
  get destinationPath(): string {
    return `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  /** Key prefix `<prefix>/<serverName>/`. */
  get serverPrefix(): string {
    return `${this.prefix ? `${this.prefix}/` : ''}${this.serverName}/`;
  }

  #walKey(name: string): string {
    return `${this.serverPrefix}wals/${name.slice(0, 16)}/${name}${
      WAL_SUFFIX[this.walCompression]
    }`;
  }

  #walSize(): number {
    // Quiet databases switch mostly on archive_timeout: nearly empty segments compress to a few KiB.
    const busy = this.#random() < 0.3;
    const raw = busy
      ? WAL_SEGMENT_SIZE * (0.4 + 0.6 * this.#random())
      : 40_000 + this.#random() * 400_000;
    return Math.max(64, Math.round(raw * RATIO[this.walCompression]));
  }

  /** Archives the next WAL segment at `at`; returns its name. */
  writeWal(at: Date): string {
    const name = walName(this.timeline, this.segment);
    this.#writer.put({
      bucket: this.bucket,
      key: this.#walKey(name),
      body: MAGIC[this.walCompression],
      size: this.#walSize(),
      lastModified: at,
    });
    this.#walObjects.push({ name, key: this.#walKey(name) });
    this.segment += 1;
    this.lastWalAt = at;
    return name;
  }

  /** Skips segments without archiving them (a WAL gap). */
  skipWals(count: number): void {
    this.segment += count;
  }

  /**
   * Promotes to `newTimeline` at the current position (as after a recovery or failover): writes the
   * `<TLI>.history` file (real compressed content: catalog builders read it) directly under wals/.
   */
  switchTimeline(
    newTimeline: number,
    at: Date,
    reason = 'no recovery target specified',
  ): void {
    const switchLsn = lsnOf(this.segment, 0);
    const text = `${this.timeline}\t${switchLsn}\t${reason}\n`;
    const body =
      this.walCompression === 'gzip' ? gzipSync(text) : Buffer.from(text);
    const name = `${hex8(newTimeline)}.history`;
    // Only gzip is written as real compressed bytes; other formats would need their codec, so the history file
    // of those archives is stored uncompressed (barman accepts both).
    const suffix = this.walCompression === 'gzip' ? '.gz' : '';
    this.#writer.put({
      bucket: this.bucket,
      key: `${this.serverPrefix}wals/${name}${suffix}`,
      body,
      lastModified: at,
    });
    this.timeline = newTimeline;
  }

  /**
   * Takes a base backup starting at `startedAt` (the id is that second). The current segment holds the
   * backup start; it is archived with its `.backup` label when the backup stops (pg_backup_stop switches WAL).
   */
  writeBackup(options: {
    startedAt: Date;
    durationSeconds: number;
    status?: 'DONE' | 'FAILED';
    backupName?: string;
    error?: string;
    /** Leave out backup.info (a backup still uploading or killed). */
    withoutBackupInfo?: boolean;
  }): WrittenBackup {
    const status = options.status ?? 'DONE';
    const backupId = backupIdOf(options.startedAt);
    const beginTime = new Date(
      options.startedAt.getTime() + 1000 + Math.floor(this.#random() * 2000),
    );
    const endTime = new Date(
      beginTime.getTime() + options.durationSeconds * 1000,
    );
    const beginSeg = this.segment;
    const beginWal = walName(this.timeline, beginSeg);
    const beginLsn = lsnOf(beginSeg, 0x28);
    const endLsn = lsnOf(beginSeg, 0x100 + Math.floor(this.#random() * 0x400));
    const base = `${this.serverPrefix}base/${backupId}/`;
    this.#clusterSize = Math.round(
      this.#clusterSize * (1 + 0.001 + this.#random() * 0.002),
    );
    const dataKey = `${base}data${DATA_SUFFIX[this.dataCompression]}`;
    const dataSize = Math.round(
      this.#clusterSize * RATIO[this.dataCompression],
    );
    const failed = status === 'FAILED';
    this.#writer.put({
      bucket: this.bucket,
      key: dataKey,
      body: MAGIC[
        this.dataCompression === 'none' ? 'none' : this.dataCompression
      ],
      size: failed ? Math.round(dataSize * this.#random()) : dataSize,
      lastModified: endTime,
    });
    const written: WrittenBackup = {
      backupId,
      backupName: options.backupName,
      status,
      timeline: this.timeline,
      beginWal,
      beginLsn,
      beginTime,
      ...(failed
        ? { error: options.error }
        : { endWal: beginWal, endLsn, endTime, dataKey }),
    };
    if (!options.withoutBackupInfo) {
      this.#writer.put({
        bucket: this.bucket,
        key: `${base}backup.info`,
        body: this.#backupInfo(written, beginTime, endTime),
        lastModified: new Date(endTime.getTime() + 1000),
      });
    }
    if (!failed) {
      const stopAt = new Date(endTime.getTime() + 500);
      const labelKey = `${this.serverPrefix}wals/${beginWal.slice(
        0,
        16,
      )}/${beginWal}.00000028.backup${WAL_SUFFIX[this.walCompression]}`;
      this.#walObjects.push({ name: beginWal, key: labelKey });
      this.#writer.put({
        bucket: this.bucket,
        key: labelKey,
        body: MAGIC[this.walCompression],
        size: 200 + Math.floor(this.#random() * 60),
        lastModified: stopAt,
      });
      this.writeWal(stopAt);
    }
    this.backups.push(written);
    return written;
  }

  /**
   * What the barman-cloud sidecar's retention (barman-cloud-backup-delete --retention-policy, every
   * retentionPolicyIntervalSeconds) leaves at `now`: deletes the DONE backups OBSOLETE under the RECOVERY
   * WINDOW `policy` (the same computation as the backups-older-than-retention rule, from -common), then the
   * WAL older than the oldest remaining DONE backup's begin WAL (history files stay). Returns the deleted
   * backups. A missing or invalid policy deletes nothing.
   */
  applyRetention(policy: string | undefined, now: Date): WrittenBackup[] {
    const obsolete = findObsoleteBackups({
      backups: this.backups.map(b => ({
        status: b.status,
        endTime: b.endTime?.toISOString(),
        written: b,
      })),
      retentionPolicy: policy,
      now: now.getTime(),
    }).map(o => o.backup.written);
    if (obsolete.length === 0) return [];
    for (const b of obsolete) {
      const base = `${this.serverPrefix}base/${b.backupId}/`;
      this.#writer.delete(this.bucket, `${base}backup.info`);
      if (b.dataKey) this.#writer.delete(this.bucket, b.dataKey);
      this.backups.splice(this.backups.indexOf(b), 1);
    }
    const oldest = this.backups
      .filter(b => b.status === 'DONE')
      .sort((a, b) => (a.beginWal < b.beginWal ? -1 : 1))[0];
    if (oldest) {
      let kept = 0;
      for (const wal of this.#walObjects) {
        if (wal.name < oldest.beginWal)
          this.#writer.delete(this.bucket, wal.key);
        else this.#walObjects[kept++] = wal;
      }
      this.#walObjects.length = kept;
    }
    return obsolete;
  }

  #backupInfo(b: WrittenBackup, beginTime: Date, endTime: Date): string {
    const pgdata = this.#options.pgdata ?? '/var/lib/postgresql/data/pgdata';
    const label =
      `START WAL LOCATION: ${b.beginLsn} (file ${
        b.beginWal
      })\\nCHECKPOINT LOCATION: ${lsnOf(this.segment, 0x60)}\\n` +
      `BACKUP METHOD: streamed\\nBACKUP FROM: ${
        this.#options.backupFrom ?? 'standby'
      }\\n` +
      `START TIME: ${beginTime
        .toISOString()
        .slice(0, 19)
        .replace('T', ' ')} UTC\\n` +
      `LABEL: Barman backup cloud ${b.backupId}\\nSTART TIMELINE: ${b.timeline}\\n`;
    const total = ((endTime.getTime() - beginTime.getTime()) / 1000).toFixed(6);
    const copy = (Number(total) * 0.8).toFixed(6);
    const failed = b.status === 'FAILED';
    const fields: Record<string, string> = {
      backup_label: `'${label}'`,
      begin_offset: '40',
      begin_time: pythonTime(beginTime, Math.floor(this.#random() * 1e6)),
      begin_wal: b.beginWal,
      begin_xlog: b.beginLsn,
      children_backup_ids: 'None',
      cluster_size: String(this.#clusterSize),
      compression: 'None',
      config_file: `${pgdata}/postgresql.conf`,
      copy_stats: failed
        ? 'None'
        : `{'total_time': ${total}, 'number_of_workers': 2, 'analysis_time': 0, 'analysis_time_per_item': {'data': 0}, 'copy_time_per_item': {'data': ${copy}}, 'serialized_copy_time_per_item': {'data': ${copy}}, 'copy_time': ${copy}, 'serialized_copy_time': ${copy}}`,
      data_checksums: 'on',
      deduplicated_size: 'None',
      end_offset: failed
        ? 'None'
        : String(parseInt(b.endLsn!.split('/')[1], 16) % WAL_SEGMENT_SIZE),
      end_time: failed
        ? 'None'
        : pythonTime(endTime, Math.floor(this.#random() * 1e6)),
      end_wal: failed ? 'None' : b.endWal!,
      end_xlog: failed ? 'None' : b.endLsn!,
      error: failed
        ? b.error ?? 'failure uploading data (connection reset)'
        : 'None',
      hba_file: `${pgdata}/pg_hba.conf`,
      ident_file: `${pgdata}/pg_ident.conf`,
      included_files: `['${pgdata}/postgresql.auto.conf']`,
      mode: 'None',
      parent_backup_id: 'None',
      pgdata,
      server_name: this.#options.serverNameField ?? this.serverName,
      size: 'None',
      status: b.status,
      summarize_wal: 'off',
      systemid: this.systemId,
      tablespaces: 'None',
      timeline: String(b.timeline),
      version: String(this.#options.pgVersion),
      xlog_segment_size: String(WAL_SEGMENT_SIZE),
    };
    if (b.backupName) fields.backup_name = b.backupName;
    return `${Object.keys(fields)
      .sort()
      .map(k => `${k}=${fields[k]}`)
      .join('\n')}\n`;
  }
}

/**
 * Fills an archive over time: one WAL every `walEveryMinutes` from `from` to `to`, base backups at the given
 * instants, and missing WALs (gaps) inside the given windows.
 */
export function simulateArchive(
  archive: BarmanServerArchive,
  options: {
    from: Date;
    to: Date;
    walEveryMinutes: number;
    backups?: Array<{
      at: Date;
      durationSeconds?: number;
      status?: 'DONE' | 'FAILED';
      error?: string;
      backupName?: string;
      withoutBackupInfo?: boolean;
    }>;
    gaps?: Array<{ from: Date; to: Date }>;
    random?: () => number;
  },
): WrittenBackup[] {
  const random =
    options.random ??
    seededRandom(`${archive.serverName}:${options.from.toISOString()}`);
  const pending = [...(options.backups ?? [])].sort(
    (a, b) => a.at.getTime() - b.at.getTime(),
  );
  const written: WrittenBackup[] = [];
  const step = options.walEveryMinutes * 60_000;
  for (let t = options.from.getTime(); t <= options.to.getTime(); t += step) {
    while (pending.length && pending[0].at.getTime() <= t) {
      const b = pending.shift()!;
      written.push(
        archive.writeBackup({
          startedAt: b.at,
          durationSeconds: b.durationSeconds ?? 20 + Math.floor(random() * 200),
          status: b.status,
          error: b.error,
          backupName:
            b.backupName ?? `backup-${backupIdOf(b.at).replace('T', '')}`,
          withoutBackupInfo: b.withoutBackupInfo,
        }),
      );
    }
    const inGap = options.gaps?.some(
      g => t >= g.from.getTime() && t < g.to.getTime(),
    );
    if (inGap) {
      archive.skipWals(1);
    } else {
      archive.writeWal(new Date(t + Math.floor(random() * 20_000)));
    }
  }
  return written;
}
