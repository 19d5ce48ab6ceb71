/*
 * Issue 13: decides, from the stored previous snapshot and the new one of a database, whether its
 * owner is told anything. Pure: no clock, no I/O.
 *
 * Rules (rank ok 0 < warning 1 < error 2; `unknown` = the database could not be read):
 *  - current `unknown`: nothing (a read failure says nothing about the backups; the refresh that reads
 *    it again decides);
 *  - no previous snapshot (first sight) counts as `ok`, so a database first seen broken is reported;
 *  - previous `unknown` (the last read failed): a bad current level is reported as `worsened` (the level
 *    before the failed read is not known, so this may repeat a report; the notification scope keeps it
 *    one entry per user), a good one is not reported as `recovered`;
 *  - rank up → `worsened`;
 *  - same or lower rank, but an error-severity diagnosis id that the previous snapshot did not have →
 *    `new-error-diagnosis`;
 *  - current `ok` after `warning`/`error` → `recovered`;
 *  - anything else (same level, error → warning, diagnoses disappearing but still not ok): nothing.
 */
import type {
  DatabaseSnapshot,
  FleetDiagnosis,
  FleetHealthLevel,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** What changed, from the owner's point of view. */
export type SnapshotChangeKind =
  | 'worsened'
  | 'new-error-diagnosis'
  | 'recovered';

export interface SnapshotChange {
  kind: SnapshotChangeKind;
  /** Previous level (`ok` when there was no previous snapshot). */
  from: FleetHealthLevel;
  to: FleetHealthLevel;
  /** Error/warning diagnoses of the current snapshot that the previous one did not have, most severe first. */
  newDiagnoses: FleetDiagnosis[];
}

const RANK: Record<Exclude<FleetHealthLevel, 'unknown'>, number> = {
  ok: 0,
  warning: 1,
  error: 2,
};

type Levelled = Pick<DatabaseSnapshot, 'health' | 'diagnoses'>;

export function classifySnapshotChange(
  previous: Levelled | undefined,
  current: Levelled,
): SnapshotChange | undefined {
  if (current.health === 'unknown') return undefined;
  const from: FleetHealthLevel = previous?.health ?? 'ok';
  const before = new Set((previous?.diagnoses ?? []).map(d => d.id));
  const newDiagnoses = current.diagnoses.filter(
    d => d.severity !== 'info' && !before.has(d.id),
  );
  const to = current.health;
  const change = (kind: SnapshotChangeKind): SnapshotChange => ({
    kind,
    from,
    to,
    newDiagnoses,
  });

  if (from === 'unknown') {
    return RANK[to] > 0 ? change('worsened') : undefined;
  }
  if (RANK[to] > RANK[from]) return change('worsened');
  if (previous && newDiagnoses.some(d => d.severity === 'error')) {
    return change('new-error-diagnosis');
  }
  if (to === 'ok' && RANK[from] > 0) return change('recovered');
  return undefined;
}
