/*
 * PostgreSQL timeline history files (`0000000N.history`): one line per ancestor,
 * `parentTLI<TAB>switchLSN<TAB>reason`, oldest first. Comments (`#`) and blank lines are
 * allowed, as in PostgreSQL's own reader.
 */
import { InvalidHistoryFileError } from './errors';
import { isLsn, normalizeLsn, parseLsn } from './lsn';

/** Largest history file accepted (PostgreSQL's are a few hundred bytes). @public */
export const MAX_HISTORY_FILE_LENGTH = 1024 * 1024;

/** One line of a history file: `timeline` ended at `switchLsn` and the next one began. @public */
export interface TimelineHistoryEntry {
  /** The ancestor timeline this line is about. */
  parentTimeline: number;
  /** Normalised LSN where that timeline was left (`0/12000000`). */
  switchLsn: string;
  /** Free text PostgreSQL writes (e.g. `no recovery target specified`). */
  reason: string;
}

/** A parsed history file. @public */
export interface TimelineHistory {
  /** The timeline the file belongs to, when known. */
  timeline?: number;
  /** Ancestors, oldest first. */
  entries: TimelineHistoryEntry[];
  /** The direct parent: the last entry, if any. */
  parentTimeline?: number;
  /** Where the direct parent was left: the last entry's LSN. */
  switchLsn?: string;
}

/**
 * Parses the text of a timeline history file. `timeline` (the N of `0000000N.history`),
 * when given, must be greater than every parent listed.
 * Throws `InvalidHistoryFileError` for non-numeric or zero timelines, bad LSNs, parents
 * that do not strictly increase, switch points that go backwards, or junk lines.
 * @public
 */
export function parseHistoryFile(
  text: string,
  timeline?: number,
): TimelineHistory {
  if (typeof text !== 'string')
    throw new InvalidHistoryFileError('content is not text');
  if (text.length > MAX_HISTORY_FILE_LENGTH) {
    throw new InvalidHistoryFileError(
      `file is ${text.length} characters, over the ${MAX_HISTORY_FILE_LENGTH} limit`,
    );
  }
  if (
    timeline !== undefined &&
    (!Number.isInteger(timeline) || timeline < 1 || timeline > 0xffffffff)
  ) {
    throw new InvalidHistoryFileError(
      `timeline ${String(timeline)} is not a valid timeline`,
    );
  }
  const entries: TimelineHistoryEntry[] = [];
  let previousLsn: bigint | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/.test(line)) {
      throw new InvalidHistoryFileError('binary content', lineNo);
    }
    const fields = line.split(/\s+/);
    const tliText = fields[0];
    const lsnText: string | undefined = fields[1];
    if (!/^\d{1,10}$/.test(tliText)) {
      throw new InvalidHistoryFileError(
        `expected a parent timeline number, got ${JSON.stringify(
          tliText.slice(0, 40),
        )}`,
        lineNo,
      );
    }
    const parentTimeline = Number(tliText);
    if (parentTimeline < 1 || parentTimeline > 0xffffffff) {
      throw new InvalidHistoryFileError(
        `timeline ${parentTimeline} is out of range`,
        lineNo,
      );
    }
    if (lsnText === undefined || !isLsn(lsnText)) {
      throw new InvalidHistoryFileError(
        `expected a switch LSN like 0/12000000, got ${JSON.stringify(
          String(lsnText ?? '').slice(0, 40),
        )}`,
        lineNo,
      );
    }
    const previous = entries[entries.length - 1];
    if (previous && parentTimeline <= previous.parentTimeline) {
      throw new InvalidHistoryFileError(
        `timeline ${parentTimeline} does not follow timeline ${previous.parentTimeline}`,
        lineNo,
      );
    }
    if (timeline !== undefined && parentTimeline >= timeline) {
      throw new InvalidHistoryFileError(
        `parent timeline ${parentTimeline} is not older than timeline ${timeline}`,
        lineNo,
      );
    }
    const lsnValue = parseLsn(lsnText);
    if (previousLsn !== undefined && lsnValue < previousLsn) {
      throw new InvalidHistoryFileError(
        `switch point ${lsnText} goes backwards`,
        lineNo,
      );
    }
    previousLsn = lsnValue;
    // The reason is the rest of the line after the LSN, tabs and all.
    const afterLsn = line.indexOf(lsnText, tliText.length) + lsnText.length;
    entries.push({
      parentTimeline,
      switchLsn: normalizeLsn(lsnText),
      reason: line.slice(afterLsn).trim(),
    });
  }
  if (timeline !== undefined && timeline > 1 && entries.length === 0) {
    throw new InvalidHistoryFileError(
      `no entries: the history of timeline ${timeline} must list at least its parent`,
    );
  }
  const last = entries[entries.length - 1];
  const result: TimelineHistory = { entries };
  if (timeline !== undefined) result.timeline = timeline;
  if (last) {
    result.parentTimeline = last.parentTimeline;
    result.switchLsn = last.switchLsn;
  }
  return result;
}
