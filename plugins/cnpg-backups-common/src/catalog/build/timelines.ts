/*
 * Phases "timeline parentage" and "timelines with gaps": read the history files to learn
 * which timeline forked from which and at what LSN (a timeline's own history file wins over
 * what a descendant's says), then describe each timeline of the WAL inventory with its gaps,
 * measured from the switch segment so a child that starts late shows the hole.
 */
import type { ArchiveObject } from '../buildCatalog';
import type { CatalogTimeline, Diagnosis } from '../types';
import { parseHistoryFile, TimelineHistory } from '../history';
import { InvalidHistoryFileError } from '../errors';
import {
  invalidHistoryFileDiagnosis,
  missingHistoryFileDiagnosis,
  FixContext,
} from '../diagnoses';
import { segmentIndexOfLsn } from '../wal';
import {
  findGaps,
  lastModifiedOf,
  nameOf,
  SortedTimeline,
  TimelineAcc,
} from './walIndex';

export interface Parentage {
  parent: number;
  switchLsn: string;
  switchIdx: number;
  fromOwnHistory: boolean;
}

/** Who forked from whom: child → its parent, parent → its children. */
export interface TimelineTree {
  parentage: Map<number, Parentage>;
  children: Map<number, number[]>;
  /** Timelines whose history file text was given (valid or not). */
  historyRead: Set<number>;
}

/** Parses the history files; invalid ones become diagnoses. */
function readHistories(
  historyFiles: Record<number, string> | undefined,
  fix: FixContext,
  diagnoses: Diagnosis[],
): { histories: Map<number, TimelineHistory>; historyRead: Set<number> } {
  const histories = new Map<number, TimelineHistory>();
  const historyRead = new Set<number>();
  for (const tliKey of Object.keys(historyFiles ?? {})) {
    const tli = Number(tliKey);
    if (!Number.isInteger(tli) || tli < 1 || tli > 0xffffffff) continue;
    historyRead.add(tli);
    const text = (historyFiles as Record<string, string>)[tliKey];
    try {
      histories.set(tli, parseHistoryFile(text, tli));
    } catch (e) {
      if (!(e instanceof InvalidHistoryFileError)) throw e;
      diagnoses.push(invalidHistoryFileDiagnosis(fix, tli, e.message));
    }
  }
  return { histories, historyRead };
}

/** Timeline parentage from history files (own file first, else derived from a descendant's). */
export function buildTimelineTree(options: {
  historyFiles: Record<number, string> | undefined;
  segmentSize: number;
  fix: FixContext;
  diagnoses: Diagnosis[];
}): TimelineTree {
  const { segmentSize } = options;
  const { histories, historyRead } = readHistories(
    options.historyFiles,
    options.fix,
    options.diagnoses,
  );
  const parentage = new Map<number, Parentage>();
  const setParent = (
    child: number,
    parent: number,
    switchLsn: string,
    own: boolean,
  ) => {
    if (parent >= child) return;
    const existing = parentage.get(child);
    if (existing && (existing.fromOwnHistory || !own)) return;
    parentage.set(child, {
      parent,
      switchLsn,
      switchIdx: segmentIndexOfLsn(switchLsn, segmentSize),
      fromOwnHistory: own,
    });
  };
  for (const [tli, history] of [...histories.entries()].sort(
    (a, b) => b[0] - a[0],
  )) {
    const { entries } = history;
    for (let j = 0; j < entries.length; j++) {
      const child =
        j + 1 < entries.length ? entries[j + 1].parentTimeline : tli;
      setParent(
        child,
        entries[j].parentTimeline,
        entries[j].switchLsn,
        child === tli,
      );
    }
  }
  const children = new Map<number, number[]>();
  for (const [child, p] of parentage) {
    const list = children.get(p.parent) ?? [];
    list.push(child);
    children.set(p.parent, list);
  }
  return { parentage, children, historyRead };
}

/** The catalog's timelines, ascending, with gaps; a missing history file is a diagnosis. */
export function describeTimelines(options: {
  sorted: Map<number, SortedTimeline>;
  timelines: Map<number, TimelineAcc>;
  tree: TimelineTree;
  perLog: number;
  objects: ArchiveObject[];
  fix: FixContext;
  diagnoses: Diagnosis[];
}): CatalogTimeline[] {
  const { sorted, timelines, tree, perLog, objects, fix, diagnoses } = options;
  const catalogTimelines: CatalogTimeline[] = [];
  for (const tli of [...sorted.keys()].sort((a, b) => a - b)) {
    const t = sorted.get(tli)!;
    const collected = timelines.get(tli)!;
    const p = tree.parentage.get(tli);
    const gaps = findGaps(t, p?.switchIdx, perLog);
    const timeline: CatalogTimeline = {
      timeline: tli,
      segmentCount: t.idx.length,
      gaps,
      historyFile:
        tli === 1 || collected.hasHistoryObject || tree.historyRead.has(tli),
      partialSegments: t.partialIdx.map(i => nameOf(tli, i, perLog)),
    };
    if (t.idx.length > 0) {
      timeline.firstSegment = nameOf(tli, t.idx[0], perLog);
      timeline.lastSegment = nameOf(tli, t.idx[t.idx.length - 1], perLog);
      const lm = lastModifiedOf(t, t.idx[t.idx.length - 1], objects);
      if (lm !== undefined) timeline.lastModified = lm;
    }
    if (p) {
      timeline.parentTimeline = p.parent;
      timeline.switchLsn = p.switchLsn;
    }
    catalogTimelines.push(timeline);
    if (!timeline.historyFile) {
      diagnoses.push(
        missingHistoryFileDiagnosis(fix, tli, collected.walObjects),
      );
    }
  }
  return catalogTimelines;
}
