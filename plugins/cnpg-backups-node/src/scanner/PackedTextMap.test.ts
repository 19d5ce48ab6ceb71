import { openTextMap, PackedTextMap } from './PackedTextMap';
import { openScanState, packScanState } from './scanStatePacking';
import { CompactObjectList } from './CompactObjectList';
import type { CachedObjectText, ScanState } from './types';

const info = (i: number) =>
  `backup_label='START WAL LOCATION: 0/${i}000028'\nbegin_wal=00000001000000000000000${i}\nstatus=DONE\nsystemid=7381234567890123456\n`;

describe('PackedTextMap', () => {
  it('keeps keys, sizes, times and texts exactly, undecodable ones included', () => {
    const map = new Map<string, CachedObjectText>([
      [
        '20260101T000000',
        { size: 900, lastModifiedMs: 1_700_000_000_000, text: info(1) },
      ],
      ['20260102T000000', { size: 2 ** 60, lastModifiedMs: NaN, text: '' }],
      ['00000002.history.bz2', { size: 12, lastModifiedMs: -0 }],
      [
        'ünïcødé ✓',
        { size: 1.5, lastModifiedMs: 123, text: 'ü\u0000\uFFFD日本' },
      ],
    ]);
    const packed = PackedTextMap.pack(map);
    expect(packed.size).toBe(4);
    const back = packed.unpack();
    expect([...back.keys()]).toEqual([...map.keys()]);
    for (const [key, value] of map) {
      const got = back.get(key)!;
      expect(Object.is(got.size, value.size)).toBe(true);
      expect(Object.is(got.lastModifiedMs, value.lastModifiedMs)).toBe(true);
      expect(got.text).toBe(value.text);
      expect('text' in got).toBe(value.text !== undefined);
    }
    // The ReadonlyMap reads decode too.
    expect(packed.get('20260101T000000')?.text).toBe(info(1));
    expect(packed.has('nope')).toBe(false);
    expect([...packed].length).toBe(4);
    expect([...packed.keys()]).toEqual([...map.keys()]);
    expect(openTextMap(packed)).toEqual(back);
    expect(openTextMap(map)).toBe(map);
    expect(PackedTextMap.pack(new Map()).unpack().size).toBe(0);
  });

  it('holds 100 backup.info texts in a fraction of their size', () => {
    const map = new Map<string, CachedObjectText>();
    for (let i = 0; i < 100; i++)
      map.set(`202601${String(i).padStart(4, '0')}`, {
        size: 800 + i,
        lastModifiedMs: Date.UTC(2026, 0, 1) + i * 86_400_000,
        text: info(i).repeat(8),
      });
    const packed = PackedTextMap.pack(map);
    const plain = [...map.values()].reduce((n, v) => n + v.text!.length, 0);
    expect(packed.packedBytes).toBeLessThan(plain / 10);
  });
});

describe('packScanState / openScanState', () => {
  function state(): ScanState {
    const list = new CompactObjectList('wals/0000000100000000/');
    list.push('000000010000000000000001.gz', 5, 1000);
    return {
      version: 2,
      destination: 's3://b/p',
      serverName: 's',
      scannedAt: '2026-01-01T00:00:00.000Z',
      hashDirs: new Map([['0000000100000000', { list, complete: true }]]),
      walTop: new CompactObjectList('wals/'),
      lastWalName: '0000000100000000/000000010000000000000001.gz',
      walComplete: true,
      backupIds: new Set(['20260101T000000']),
      backupInfos: new Map([
        ['20260101T000000', { size: 10, lastModifiedMs: 5, text: info(1) }],
      ]),
      keepAnnotations: new Map(),
      historyFiles: new Map(),
      maxTimeline: 1,
    };
  }

  it('packs lists and texts, opens them equal, and reuses unchanged packed texts', () => {
    const packed = packScanState(state(), undefined);
    expect(packed.hashDirs.get('0000000100000000')!.list.packed).toBe(true);
    expect(packed.backupInfos).toBeInstanceOf(PackedTextMap);
    const opened = openScanState(packed);
    expect(opened.backupInfos).toBeInstanceOf(Map);
    expect(opened.backupInfos.get('20260101T000000')!.text).toBe(info(1));
    // A next state holding the very entries it opened keeps the same packed block...
    const next = packScanState(
      { ...opened, backupInfos: new Map(opened.backupInfos) },
      opened,
    );
    expect(next.backupInfos).toBe(packed.backupInfos);
    // ...and one with a changed entry packs anew.
    const changed = new Map(opened.backupInfos);
    changed.set('20260102T000000', { size: 1, lastModifiedMs: 1, text: 'x' });
    const after = packScanState({ ...opened, backupInfos: changed }, opened);
    expect(after.backupInfos).not.toBe(packed.backupInfos);
    expect(after.backupInfos.size).toBe(2);
    // The packed state read after all that is unchanged.
    expect(openScanState(packed).backupInfos.size).toBe(1);
    expect(packed.hashDirs.get('0000000100000000')!.list.name(0)).toBe(
      '000000010000000000000001.gz',
    );
  });
});
