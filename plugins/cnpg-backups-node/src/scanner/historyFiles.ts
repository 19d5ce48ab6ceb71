/*
 * Scan phase "history": reads the `wals/<TLI>.history` files (few and small; unchanged ones
 * come from the cache). They give the timelines' parentage, which the catalog needs to
 * follow a recovery across a promotion.
 */
import {
  classifyArchiveFile,
  MAX_HISTORY_FILE_LENGTH,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { ArchiveSession } from './ArchiveSession';
import type { CompactObjectList } from './CompactObjectList';
import {
  decompressHistory,
  DECODED_HISTORY_COMPRESSIONS,
} from './decompressHistory';
import type { CachedObjectText, ScanState } from './types';

/** File name directly under `wals/` → history file, for the history files of `walTop`. */
export async function readHistoryFiles(options: {
  session: ArchiveSession;
  walTop: CompactObjectList;
  /** The previous state of the same archive, for its cached texts. */
  sameArchive: ScanState | undefined;
}): Promise<Map<string, CachedObjectText>> {
  const { session, walTop, sameArchive } = options;
  const ctx = session.ctx;
  const walPrefix = `${ctx.root}wals/`;
  const historyFiles = new Map<string, CachedObjectText>();
  const historyTasks: Promise<void>[] = [];
  for (let i = 0; i < walTop.length; i++) {
    const name = walTop.name(i);
    // Only `wals/<TLI>.history` is read; a path holds a misplaced file barman cannot use.
    if (name.includes('/')) continue;
    const file = classifyArchiveFile(name);
    if (file.kind !== 'history') continue;
    const key = `${walPrefix}${name}`;
    historyTasks.push(
      session
        .readSmall({
          key,
          size: walTop.size(i),
          lastModifiedMs: walTop.lastModifiedMs(i),
          cached: sameArchive?.historyFiles.get(name),
          maxLength: MAX_HISTORY_FILE_LENGTH,
          tooLargeName: 'HistoryFileTooLarge',
          decode: buffer => decompressHistory(buffer, file.compression),
        })
        .then(result => {
          if (result === 'vanished' || !result) return;
          historyFiles.set(name, result);
          if (result.text === undefined) {
            // Not an incompleteness of the listing: the file exists, only its content is
            // unreadable here, so the timeline's parentage comes from other history files.
            ctx.errors.push({
              name: 'HistoryContentUnavailable',
              message: `History file ${name} is ${file.compression}-compressed; its content cannot be read here (only ${DECODED_HISTORY_COMPRESSIONS}). The file is counted as present.`,
              key,
            });
          }
        }),
    );
  }
  await Promise.all(historyTasks);
  return historyFiles;
}
