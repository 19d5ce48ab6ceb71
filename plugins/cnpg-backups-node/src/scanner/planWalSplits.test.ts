import { planWalSplits, spreadOrder } from './BarmanArchiveScanner';

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
const wal = (tli: number, log: number, seg: number) =>
  hex8(tli) + hex8(log) + hex8(seg);

describe('planWalSplits', () => {
  it('splits nothing without backups', () => {
    expect(planWalSplits({ beginWals: [], parts: 8 })).toEqual([]);
    expect(planWalSplits({ beginWals: ['not a wal'], parts: 8 })).toEqual([]);
  });

  it('uses every distinct begin directory when there are few', () => {
    expect(
      planWalSplits({
        beginWals: [wal(1, 5, 3), wal(1, 5, 9), wal(1, 2, 0)],
        parts: 8,
      }),
    ).toEqual([wal(1, 2, 0).slice(0, 16), wal(1, 5, 0).slice(0, 16)]);
  });

  it('chooses at most `parts` directories spread evenly over the WAL span', () => {
    // 100 backups, one every 4 directories.
    const beginWals = Array.from({ length: 100 }, (_, k) => wal(1, 4 * k, 1));
    const splits = planWalSplits({ beginWals, parts: 4 });
    expect(splits).toEqual(
      [0, 100, 200, 300].map(log => wal(1, log, 0).slice(0, 16)),
    );
  });

  it('keeps splits sorted and distinct across timelines', () => {
    const beginWals = [
      wal(1, 0, 1),
      wal(1, 1, 1),
      wal(2, 1, 5),
      wal(2, 9, 1),
      wal(3, 9, 1),
    ];
    const splits = planWalSplits({ beginWals, parts: 3 });
    expect(splits.length).toBeLessThanOrEqual(3);
    expect([...splits].sort()).toEqual(splits);
    expect(new Set(splits).size).toBe(splits.length);
    expect(splits[0]).toBe(wal(1, 0, 0).slice(0, 16));
  });
});

describe('spreadOrder', () => {
  it('visits every item once, middle first, then the middles of the halves', () => {
    const items = Array.from({ length: 15 }, (_, i) => i);
    const order = spreadOrder(items);
    expect([...order].sort((a, b) => a - b)).toEqual(items);
    expect(order.slice(0, 3)).toEqual([7, 3, 11]);
    expect(spreadOrder([])).toEqual([]);
    expect(spreadOrder(['a'])).toEqual(['a']);
  });
});
