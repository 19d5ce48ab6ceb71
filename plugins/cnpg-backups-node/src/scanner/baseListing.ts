/*
 * Scan phase "base/ listing": `base/` is listed in full (backup sizes come from it), then
 * the backup.info and annotations/keep files are read, reusing cached texts whose size and
 * time are unchanged. The first backup.info files read also decide where a full scan splits
 * the WAL listing, which is why both happen in one phase.
 */
import { MAX_BACKUP_INFO_LENGTH } from '@cnpg-backups/plugin-cnpg-backups-common';
import { ArchiveSession, MAX_KEEP_ANNOTATION_LENGTH } from './ArchiveSession';
import { CompactObjectList } from './CompactObjectList';
import type { CachedObjectText, ScanState } from './types';
import {
  beginWalsOf,
  byFirst,
  planWalSplits,
  segmentsPerDirOf,
  spreadOrder,
} from './walRanges';
import type { WalListing } from './walListing';

const BACKUP_ID = /^\d{8}T\d{6}$/;

/** What `base/` holds. */
export interface BaseListing {
  base: CompactObjectList;
  /** Keys S3 listed twice (dropped). */
  duplicates: number;
  backupIds: Set<string>;
  /** Backup id → index of its backup.info in `base`. */
  infoKeys: Map<string, number>;
  /** Backup id → index of its annotations/keep in `base`. */
  keepKeys: Map<string, number>;
}

/** Lists `base/` (everything, for sizes) and finds the backup.info and keep files. */
export async function listBase(session: ArchiveSession): Promise<BaseListing> {
  const base = new CompactObjectList('base/');
  await session.listInto({ prefix: `${session.ctx.root}base/` }, base);
  const duplicates = base.finish();
  const backupIds = new Set<string>();
  const infoKeys = new Map<string, number>();
  const keepKeys = new Map<string, number>();
  for (let i = 0; i < base.length; i++) {
    const name = base.name(i);
    const slash = name.indexOf('/');
    const id = slash > 0 ? name.slice(0, slash) : '';
    if (!BACKUP_ID.test(id)) continue;
    backupIds.add(id);
    const rest = name.slice(slash + 1);
    if (rest === 'backup.info') infoKeys.set(id, i);
    else if (rest === 'annotations/keep') keepKeys.set(id, i);
  }
  return { base, duplicates, backupIds, infoKeys, keepKeys };
}

/** The small files of `base/` that were read. */
export interface BaseFiles {
  backupInfos: Map<string, CachedObjectText>;
  keepAnnotations: Map<string, CachedObjectText>;
  /** `base/<id>/backup.info` keys listed but deleted before they could be read. */
  vanished: Set<string>;
}

/**
 * Reads the backup.info and keep files, and lets a full scan split the rest of wals/ at the
 * backups' first hash directories (unless the first page already held all of it) as soon
 * as a few backup.info files are read: they are read in an order that spreads over the
 * archive (middle one first, then quarters, ...), so the first `concurrency` of them
 * already tell where the WAL is. Resolves once the reads and the split planning are done.
 */
export async function readBaseFiles(options: {
  session: ArchiveSession;
  listing: BaseListing;
  wal: WalListing;
  /** The previous state when the scan is incremental (no splitting then). */
  previous: ScanState | undefined;
  /** The previous state of the same archive, for its cached texts. */
  sameArchive: ScanState | undefined;
  concurrency: number;
}): Promise<BaseFiles> {
  const { session, wal, previous, sameArchive, concurrency } = options;
  const { base, infoKeys, keepKeys } = options.listing;
  const root = session.ctx.root;
  const vanished = new Set<string>();
  const backupInfos = new Map<string, CachedObjectText>();
  const keepAnnotations = new Map<string, CachedObjectText>();
  const tasks: Promise<void>[] = [];
  let splitsPlanned: Promise<void> | undefined;
  const planSplits = () => {
    splitsPlanned ??= (async () => {
      if (previous || !(await wal.moreThanOnePage)) return;
      const infos = [...backupInfos.values()].map(c => c.text);
      wal.segmentsPerDir = segmentsPerDirOf(infos);
      for (const dir of planWalSplits({
        beginWals: beginWalsOf(infos),
        parts: concurrency,
      })) {
        wal.lister.split(`${wal.walPrefix}${dir}`);
      }
    })();
  };
  const planAfter = Math.min(concurrency, infoKeys.size);
  let infosSettled = 0;
  // Once the first `concurrency` backup.info files are in, split the WAL range at their dirs.
  const onInfoSettled = () => {
    if (++infosSettled === planAfter) planSplits();
  };
  for (const [id, i] of spreadOrder([...infoKeys].sort(byFirst))) {
    const key = `${root}base/${base.name(i)}`;
    tasks.push(
      session
        .readSmall({
          key,
          size: base.size(i),
          lastModifiedMs: base.lastModifiedMs(i),
          cached: sameArchive?.backupInfos.get(id),
          maxLength: MAX_BACKUP_INFO_LENGTH,
          tooLargeName: 'BackupInfoTooLarge',
          decode: buffer => buffer.toString('utf8'),
        })
        .then(result => {
          if (result === 'vanished') vanished.add(`base/${base.name(i)}`);
          else if (result) backupInfos.set(id, result);
          onInfoSettled();
        }),
    );
  }
  for (const [id, i] of keepKeys) {
    tasks.push(
      session
        .readSmall({
          key: `${root}base/${base.name(i)}`,
          size: base.size(i),
          lastModifiedMs: base.lastModifiedMs(i),
          cached: sameArchive?.keepAnnotations.get(id),
          maxLength: MAX_KEEP_ANNOTATION_LENGTH,
          tooLargeName: 'KeepAnnotationTooLarge',
          decode: buffer => buffer.toString('utf8'),
        })
        .then(result => {
          if (result && result !== 'vanished') keepAnnotations.set(id, result);
        }),
    );
  }
  await Promise.all(tasks);
  planSplits();
  await splitsPlanned;
  return { backupInfos, keepAnnotations, vanished };
}
