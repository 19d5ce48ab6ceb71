/*
 * Scan phase "WAL listing": `wals/` is listed flat from the last key the previous scan saw
 * (or from the start), in key ranges that a full scan splits as soon as backup.info files
 * tell where the WAL is. After retention deleted backups, the start of `wals/` is listed
 * again, since barman removed that WAL too.
 */
import { toS3AccessError } from '../s3/errors';
import { ArchiveSession, fail } from './ArchiveSession';
import type { ScanState } from './types';
import {
  oldestBeginDir,
  WalPartition,
  WalRangeLister,
  WalSink,
} from './walRanges';

/** The WAL listings of one scan: the fresh one, started at once, and an optional relist. */
export class WalListing {
  /** What the listing from the last known key on (or from the start) finds. */
  readonly fresh = new WalSink();
  /** What the retention relist finds (empty without one). */
  readonly relisted = new WalSink();
  /** End (exclusive key) of the retention relist, when there is one. */
  relistEnd: string | undefined;
  /** False once a range could not be listed. */
  walComplete = true;
  /** Known once enough backup.info files are read (see `planWalRangeSplits`). */
  segmentsPerDir: number | undefined;
  /** Resolves with whether the first page was truncated (more than one page to list). */
  readonly moreThanOnePage: Promise<boolean>;
  readonly lister: WalRangeLister;
  readonly walPrefix: string;
  #relist: Promise<void> | undefined;

  /** Starts listing `wals/` after `lastWalName` (from the start without one). */
  constructor(
    private readonly session: ArchiveSession,
    lastWalName: string | undefined,
  ) {
    this.walPrefix = `${session.ctx.root}wals/`;
    this.lister = new WalRangeLister(p => this.run(p, this.fresh));
    let firstPageTruncated: (truncated: boolean) => void = () => {};
    this.moreThanOnePage = new Promise<boolean>(resolve => {
      firstPageTruncated = resolve;
    });
    this.lister.start({
      startAfter:
        lastWalName !== undefined ? this.walPrefix + lastWalName : undefined,
      active: true,
      onFirstPage: truncated => firstPageTruncated(truncated),
    });
  }

  /** Lists one range into `sink`; a failure marks the WAL listing incomplete. */
  run(p: WalPartition, sink: WalSink): Promise<void> {
    const ctx = this.session.ctx;
    return this.session
      .listWalRange(p, sink, () => this.segmentsPerDir)
      .catch(error => {
        this.walComplete = false;
        fail(
          ctx,
          toS3AccessError(error, {
            bucket: ctx.destination.bucket,
            key: this.walPrefix,
          }).toScanError(),
        );
      });
  }

  /**
   * Retention: a backup gone from base/ means barman also deleted the WAL before the oldest
   * remaining backup. Relists the start of wals/ up to (and with) that backup's hash
   * directory. (Without a last key, the fresh listing starts at the beginning anyway.)
   */
  relistAfterRetention(
    previous: ScanState | undefined,
    backupIds: ReadonlySet<string>,
  ): void {
    if (
      !previous ||
      previous.lastWalName === undefined ||
      ![...previous.backupIds].some(id => !backupIds.has(id))
    ) {
      return;
    }
    const walPrefix = this.walPrefix;
    const oldestDir = oldestBeginDir(
      [...backupIds].map(id => previous.backupInfos.get(id)?.text),
    );
    // Never past the last key seen: the listing above covers what comes after it.
    const knownEnd = `${walPrefix}${previous.lastWalName}\u0000`;
    // `<dir>0` sorts after every `<dir>/…` key and before the next directory. Without a
    // readable backup.info, everything seen so far is listed again.
    const oldestEnd =
      oldestDir !== undefined ? `${walPrefix}${oldestDir}0` : knownEnd;
    this.relistEnd = oldestEnd < knownEnd ? oldestEnd : knownEnd;
    this.#relist = this.run(
      { end: this.relistEnd, active: true },
      this.relisted,
    );
  }

  /** Waits for every range, then for the relist. */
  async done(): Promise<void> {
    await this.lister.done();
    await this.#relist;
  }
}
