/*
 * Test helpers: the real barman 3.4 sample as a BuildCatalogInput, and a small builder for
 * synthetic archives.
 */
import fs from 'fs';
import path from 'path';
import type { ArchiveObject, BuildCatalogInput } from '../buildCatalog';
import type { ScanInfo } from '../types';

const dir = path.join(__dirname, '..', '__fixtures__', 'barman-3.4');

/** Reads a fixture file as text. */
export function readFixture(name: string): string {
  return fs.readFileSync(path.join(dir, name), 'utf8');
}

/** A complete, clean ScanInfo. */
export function cleanScan(overrides: Partial<ScanInfo> = {}): ScanInfo {
  return {
    complete: true,
    errors: [],
    requests: 1,
    durationMs: 1,
    scannedAt: '2026-11-22T00:00:00.000Z',
    walObjects: 0,
    incremental: false,
    ...overrides,
  };
}

/** The real listing of s3://cnpg-backups/demo/pg-demo, keys relative to the serverName. */
export function barmanSampleInput(): BuildCatalogInput {
  const objects: ArchiveObject[] = readFixture('object-keys.txt')
    .split('\n')
    .filter(line => line.trim() && !line.startsWith('#'))
    .map(line => {
      const [lastModified, size, key] = line.split('\t');
      return {
        lastModified,
        size: Number(size.trim()),
        key: key.replace(/^demo\/pg-demo\//, ''),
      };
    });
  return {
    destination: 's3://cnpg-backups/demo',
    serverName: 'pg-demo',
    objects,
    backupInfos: {
      '20261121T231912': readFixture('20261121T231912.backup.info'),
      '20261121T231929': readFixture('20261121T231929.backup.info'),
    },
    scan: cleanScan({ walObjects: 13 }),
    now: '2026-11-22T00:00:00.000Z',
  };
}

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

/** WAL name of segment `index` on `timeline` for 16 MiB segments. */
export function wal(timeline: number, index: number, perLog = 256): string {
  return (
    hex8(timeline) + hex8(Math.floor(index / perLog)) + hex8(index % perLog)
  );
}

/** Builds listings of synthetic archives: WAL minute by minute, backups with backup.info. */
export class ArchiveBuilder {
  readonly objects: ArchiveObject[] = [];
  readonly backupInfos: Record<string, string> = {};
  readonly historyFiles: Record<number, string> = {};
  private clock = Date.parse('2026-01-01T00:00:00.000Z');

  constructor(
    private readonly perLog = 256,
    private readonly compression = '.gz',
  ) {}

  private tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  /** Archives segments [from..to] of `timeline`, skipping `except`. */
  segments(
    timeline: number,
    from: number,
    to: number,
    except: number[] = [],
  ): this {
    for (let i = from; i <= to; i++) {
      if (except.includes(i)) continue;
      const name = wal(timeline, i, this.perLog);
      this.objects.push({
        key: `wals/${name.slice(0, 16)}/${name}${this.compression}`,
        size: 1000,
        lastModified: this.tick(),
      });
    }
    return this;
  }

  partial(timeline: number, index: number): this {
    const name = wal(timeline, index, this.perLog);
    this.objects.push({
      key: `wals/${name.slice(0, 16)}/${name}.partial${this.compression}`,
      size: 500,
      lastModified: this.tick(),
    });
    return this;
  }

  /** Adds `wals/<TLI>.history` and its text (parent, switch LSN). */
  history(
    timeline: number,
    lines: Array<[number, string]>,
    listed = true,
    readable = true,
  ): this {
    if (listed) {
      this.objects.push({
        key: `wals/${hex8(timeline)}.history${this.compression}`,
        size: 60,
        lastModified: this.tick(),
      });
    }
    if (readable) {
      this.historyFiles[timeline] = lines
        .map(([tli, lsn]) => `${tli}\t${lsn}\tno recovery target specified`)
        .join('\n');
    }
    return this;
  }

  /** Adds a base backup with data.tar.gz and a backup.info (unless status is 'none'). */
  backup(
    id: string,
    opts: {
      status?: 'DONE' | 'FAILED' | 'STARTED' | 'none';
      timeline?: number;
      begin?: number;
      end?: number;
      endTime?: string;
      segmentSize?: number;
      error?: string;
      lastModified?: string;
    } = {},
  ): this {
    const timeline = opts.timeline ?? 1;
    const begin = opts.begin ?? 1;
    const end = opts.end ?? begin;
    const lastModified = opts.lastModified ?? this.tick();
    this.objects.push({
      key: `base/${id}/data.tar.gz`,
      size: 10_000,
      lastModified,
    });
    if (opts.status === 'none') return this;
    this.objects.push({
      key: `base/${id}/backup.info`,
      size: 1000,
      lastModified,
    });
    const endTime =
      opts.endTime ??
      `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)} ${id.slice(
        9,
        11,
      )}:${id.slice(11, 13)}:${id.slice(13, 15)}.250000+00:00`;
    const segSize = opts.segmentSize ?? 2 ** 32 / this.perLog;
    const lsnOf = (index: number) => {
      const bytes = BigInt(index) * BigInt(segSize) + 0x28n;
      return `${(bytes >> 32n).toString(16).toUpperCase()}/${(
        bytes & 0xffffffffn
      )
        .toString(16)
        .toUpperCase()}`;
    };
    this.backupInfos[id] = [
      `backup_name=backup-${id.replace('T', '')}`,
      `begin_time=${endTime}`,
      `begin_wal=${wal(timeline, begin, this.perLog)}`,
      `begin_xlog=${lsnOf(begin)}`,
      'compression=None',
      `end_time=${endTime}`,
      `end_wal=${wal(timeline, end, this.perLog)}`,
      `end_xlog=${lsnOf(end)}`,
      `error=${opts.error ?? 'None'}`,
      'server_name=cloud',
      `status=${opts.status ?? 'DONE'}`,
      `timeline=${timeline}`,
      `xlog_segment_size=${segSize}`,
      '',
    ].join('\n');
    return this;
  }

  input(overrides: Partial<BuildCatalogInput> = {}): BuildCatalogInput {
    return {
      destination: 's3://bucket/prefix',
      serverName: 'orders-db',
      objects: this.objects,
      backupInfos: this.backupInfos,
      historyFiles: this.historyFiles,
      scan: cleanScan(),
      now: new Date(this.clock + 60_000).toISOString(),
      ...overrides,
    };
  }
}
