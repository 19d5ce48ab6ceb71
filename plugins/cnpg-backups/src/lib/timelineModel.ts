/*
 * Turns one DatabaseStatus into what the timeline chart draws. Pure, so it is tested without
 * a browser. The bucket gives WAL by segment name, not by time: times are placed by linear
 * interpolation between "anchors" whose time is known (backup begin/end WAL, the ends of
 * recoverable ranges, the newest segment's LastModified).
 */
import {
  type CatalogBackupStatus,
  type DatabaseStatus,
  walSegmentPosition,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { toMillis } from './time';

/** One horizontal row of the chart. */
export interface TimelineRow {
  y: number;
  label: string;
}

/** A base backup drawn as a mark. */
export interface BackupMark {
  id: string;
  t: number;
  y: number;
  status: CatalogBackupStatus | 'CR';
  restorable: boolean;
  /** True for failed/incomplete backups and CRs without bucket data: highlighted. */
  failed: boolean;
  label: string;
}

/** A span on a row (WAL coverage or a gap). */
export interface TimeSpan {
  timeline: number;
  y: number;
  from: number;
  to: number;
  label: string;
}

/** Everything the chart draws. */
export interface TimelineChartModel {
  domain: [number, number];
  rows: TimelineRow[];
  backups: BackupMark[];
  walBands: TimeSpan[];
  gaps: TimeSpan[];
  recoveryWindow?: { from: number; to: number };
  /** Recoverable ranges (one per base backup chain), for the shaded window. */
  ranges: Array<{ from: number; to: number }>;
  nextRun?: { t: number; label: string };
  now: number;
}

interface Anchor {
  position: number;
  t: number;
}

/** Interpolates a time for a segment position on one timeline. */
export function interpolate(
  anchors: Anchor[],
  position: number,
): number | undefined {
  if (anchors.length === 0) {
    return undefined;
  }
  if (position <= anchors[0].position) {
    return anchors[0].t;
  }
  const last = anchors[anchors.length - 1];
  if (position >= last.position) {
    return last.t;
  }
  for (let i = 1; i < anchors.length; i++) {
    const right = anchors[i];
    if (position <= right.position) {
      const left = anchors[i - 1];
      const span = right.position - left.position;
      const ratio = span === 0 ? 0 : (position - left.position) / span;
      return left.t + ratio * (right.t - left.t);
    }
  }
  return last.t;
}

function sortAnchors(raw: Anchor[]): Anchor[] {
  const sorted = [...raw].sort((a, b) => a.position - b.position || a.t - b.t);
  // Keep time monotonic along positions: a later segment cannot be older than an earlier one.
  const result: Anchor[] = [];
  for (const anchor of sorted) {
    const previous = result[result.length - 1];
    if (previous && anchor.t < previous.t) {
      continue;
    }
    result.push(anchor);
  }
  return result;
}

type Catalog = NonNullable<DatabaseStatus['catalog']>;
type TimeOfWal = (
  wal: string | undefined,
  offset?: number,
) => number | undefined;

/**
 * Places WAL segment names in time: anchors per timeline (backup begin/end WAL, the ends of
 * recoverable ranges, each timeline's newest segment), linear interpolation between them.
 */
function walClock(
  catalog: Catalog | undefined,
  segmentSize: number,
): TimeOfWal {
  const timelines = catalog?.wal.timelines ?? [];
  const anchors = new Map<number, Anchor[]>();
  const addAnchor = (wal: string | undefined, iso: string | undefined) => {
    const segment = walSegmentPosition(wal, segmentSize);
    const t = toMillis(iso);
    if (!segment || t === undefined) {
      return;
    }
    const list = anchors.get(segment.timeline) ?? [];
    list.push({ position: segment.index, t });
    anchors.set(segment.timeline, list);
  };
  for (const backup of catalog?.backups ?? []) {
    addAnchor(backup.beginWal, backup.beginTime);
    addAnchor(backup.endWal, backup.endTime);
  }
  for (const range of catalog?.recoveryWindow.ranges ?? []) {
    addAnchor(range.toWal, range.to);
  }
  for (const timeline of timelines) {
    addAnchor(timeline.lastSegment, timeline.lastModified);
  }
  const sortedAnchors = new Map<number, Anchor[]>();
  for (const [timeline, list] of anchors) {
    sortedAnchors.set(timeline, sortAnchors(list));
  }
  return (wal, offset = 0) => {
    const segment = walSegmentPosition(wal, segmentSize);
    if (!segment) {
      return undefined;
    }
    return interpolate(
      sortedAnchors.get(segment.timeline) ?? [],
      segment.index + offset,
    );
  };
}

/** Base backups as marks, placed at the backend's time, failed unless its severity is ok. */
function backupMarks(status: DatabaseStatus): BackupMark[] {
  const backups: BackupMark[] = [];
  for (const reconciled of status.backups) {
    const bucket = reconciled.bucket;
    // The backend's display facts: its time chain and severity, nothing decided here.
    const display = reconciled.display;
    const t = toMillis(display?.time);
    if (t === undefined) {
      continue;
    }
    const status_ = bucket?.status ?? 'CR';
    const failed = display?.severity !== 'ok';
    backups.push({
      id: reconciled.id,
      t,
      y: 0,
      status: status_,
      restorable: bucket?.restorable ?? false,
      failed,
      label: `${reconciled.id} (${display?.status ?? 'unknown'}${
        reconciled.presence !== 'both' ? `, ${reconciled.presence}` : ''
      })`,
    });
  }

  return backups;
}

/** WAL coverage bands per timeline, cut by the gaps (each drawn as its own span). */
function walSpans(
  timelines: Catalog['wal']['timelines'],
  rowOfTimeline: Map<number, number>,
  timeOf: TimeOfWal,
): { walBands: TimeSpan[]; gaps: TimeSpan[] } {
  const walBands: TimeSpan[] = [];
  const gaps: TimeSpan[] = [];
  for (const timeline of timelines) {
    const y = rowOfTimeline.get(timeline.timeline)!;
    const start = timeOf(timeline.firstSegment);
    const end = timeOf(timeline.lastSegment);
    if (start === undefined || end === undefined) {
      continue;
    }
    const sortedGaps = [...timeline.gaps].sort(
      (a, b) =>
        (walSegmentPosition(a.firstMissing)?.index ?? 0) -
        (walSegmentPosition(b.firstMissing)?.index ?? 0),
    );
    let cursor = start;
    for (const gap of sortedGaps) {
      const gapFrom = timeOf(gap.firstMissing, -1) ?? cursor;
      const gapTo = timeOf(gap.lastMissing, 1) ?? gapFrom;
      if (gapFrom > cursor) {
        walBands.push({
          timeline: timeline.timeline,
          y,
          from: cursor,
          to: gapFrom,
          label: `WAL timeline ${timeline.timeline}`,
        });
      }
      gaps.push({
        timeline: timeline.timeline,
        y,
        from: gapFrom,
        // A gap between two close anchors could collapse to a point; keep it visible.
        to: Math.max(gapTo, gapFrom + 1),
        label: `Gap: ${gap.count} segment${
          gap.count === 1 ? '' : 's'
        } missing (${gap.firstMissing} … ${gap.lastMissing})`,
      });
      cursor = Math.max(cursor, gapTo);
    }
    if (end > cursor) {
      walBands.push({
        timeline: timeline.timeline,
        y,
        from: cursor,
        to: end,
        label: `WAL timeline ${timeline.timeline}`,
      });
    }
  }

  return { walBands, gaps };
}

/** Builds the chart model; `now` is injectable for tests. */
export function buildTimelineModel(
  status: DatabaseStatus,
  now: number = Date.now(),
): TimelineChartModel {
  const catalog = status.catalog;
  const segmentSize = catalog?.wal.segmentSize ?? 16 * 1024 * 1024;
  const timelines = catalog?.wal.timelines ?? [];

  const rows: TimelineRow[] = [{ y: 0, label: 'Base backups' }];
  const rowOfTimeline = new Map<number, number>();
  for (const timeline of [...timelines].sort(
    (a, b) => a.timeline - b.timeline,
  )) {
    rowOfTimeline.set(timeline.timeline, rows.length);
    rows.push({ y: rows.length, label: `WAL timeline ${timeline.timeline}` });
  }

  const timeOf = walClock(catalog, segmentSize);

  const backups = backupMarks(status);
  const { walBands, gaps } = walSpans(timelines, rowOfTimeline, timeOf);

  const windowFrom = toMillis(status.recoveryWindow.effective.from);
  const windowTo = toMillis(status.recoveryWindow.effective.to);
  const recoveryWindow =
    windowFrom !== undefined && windowTo !== undefined
      ? { from: windowFrom, to: windowTo }
      : undefined;
  const ranges = (catalog?.recoveryWindow.ranges ?? [])
    .map(range => ({ from: toMillis(range.from), to: toMillis(range.to) }))
    .filter(
      (r): r is { from: number; to: number } =>
        r.from !== undefined && r.to !== undefined,
    );

  const nextRuns = status.schedules
    .filter(s => !s.suspended && s.nextRun)
    .map(s => ({ t: toMillis(s.nextRun)!, label: `Next: ${s.name}` }))
    .filter(s => Number.isFinite(s.t))
    .sort((a, b) => a.t - b.t);
  const nextRun = nextRuns[0];

  const times = [
    now,
    ...backups.map(b => b.t),
    ...walBands.flatMap(b => [b.from, b.to]),
    ...gaps.flatMap(g => [g.from, g.to]),
    ...(recoveryWindow ? [recoveryWindow.from, recoveryWindow.to] : []),
    ...(nextRun ? [nextRun.t] : []),
  ];
  let min = Math.min(...times);
  let max = Math.max(...times);
  if (max - min < 3600_000) {
    min -= 3600_000;
    max += 600_000;
  }
  const pad = (max - min) * 0.03;

  return {
    domain: [Math.floor(min - pad), Math.ceil(max + pad)],
    rows,
    backups,
    walBands,
    gaps,
    recoveryWindow,
    ranges,
    nextRun,
    now,
  };
}
