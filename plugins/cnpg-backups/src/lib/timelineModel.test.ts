import {
  cnpgMainStatus,
  FIXTURE_NOW,
  immichStatus,
  obotStatus,
  platformStatus,
} from '../__fixtures__/statuses';
import { buildTimelineModel, interpolate } from './timelineModel';

describe('interpolate', () => {
  const anchors = [
    { position: 10, t: 1000 },
    { position: 20, t: 2000 },
  ];
  it('interpolates linearly between anchors and clamps outside', () => {
    expect(interpolate(anchors, 15)).toBe(1500);
    expect(interpolate(anchors, 5)).toBe(1000);
    expect(interpolate(anchors, 25)).toBe(2000);
    expect(interpolate([], 25)).toBeUndefined();
  });
});

describe('buildTimelineModel', () => {
  it('splits WAL coverage around a gap and highlights the gap', () => {
    const model = buildTimelineModel(cnpgMainStatus, FIXTURE_NOW);
    expect(model.rows.map(r => r.label)).toEqual([
      'Base backups',
      'WAL timeline 1',
    ]);
    expect(model.gaps).toHaveLength(1);
    expect(model.gaps[0].label).toContain('3 segments missing');
    expect(model.walBands).toHaveLength(2);
    const [before, after] = model.walBands;
    expect(before.to).toBeLessThanOrEqual(model.gaps[0].from);
    expect(after.from).toBeGreaterThanOrEqual(model.gaps[0].to - 1);
    // The gap lies between the two backups.
    const [first, second] = model.backups;
    expect(model.gaps[0].from).toBeGreaterThan(first.t);
    expect(model.gaps[0].to).toBeLessThan(second.t);
    expect(model.ranges).toHaveLength(2);
  });

  it('marks failed backups and CR-only backups', () => {
    const model = buildTimelineModel(obotStatus, FIXTURE_NOW);
    expect(model.backups.map(b => [b.status, b.failed])).toEqual([
      ['DONE', false],
      ['FAILED', true],
      ['CR', true],
    ]);
    expect(model.backups[2].label).toContain('cr-only');
  });

  it('puts each timeline on its own row and includes the next scheduled run', () => {
    const model = buildTimelineModel(platformStatus, FIXTURE_NOW);
    expect(model.nextRun?.label).toBe('Next: platform-postgres-daily');
    expect(model.domain[1]).toBeGreaterThan(model.nextRun!.t);
    expect(model.recoveryWindow).toBeUndefined();
  });

  it('skips suspended schedules for the next run', () => {
    const model = buildTimelineModel(immichStatus, FIXTURE_NOW);
    expect(model.nextRun).toBeUndefined();
    expect(model.rows[1].label).toBe('WAL timeline 2');
    expect(model.recoveryWindow?.to).toBeGreaterThan(
      model.recoveryWindow!.from,
    );
  });

  it('keeps a domain around now for an empty status', () => {
    const model = buildTimelineModel(
      { ...platformStatus, catalog: undefined, schedules: [], backups: [] },
      FIXTURE_NOW,
    );
    expect(model.domain[0]).toBeLessThan(FIXTURE_NOW);
    expect(model.domain[1]).toBeGreaterThan(FIXTURE_NOW);
    expect(model.walBands).toEqual([]);
  });
});
