import { ownString, ownStrings } from './ownStrings';

describe('ownStrings', () => {
  it('keeps every string equal and the tree the same', () => {
    const text = `systemid=7381234567890123456\nbegin_wal=000000010000000000000001\n`;
    const tree = {
      a: text.slice(9, 28),
      b: [
        text.slice(39, 63),
        'short',
        42,
        null,
        { c: `${text.slice(39, 63)}.gz` },
      ],
      d: undefined,
      e: true,
    };
    const same = ownStrings(tree);
    expect(same).toBe(tree);
    expect(tree).toEqual({
      a: '7381234567890123456',
      b: [
        '000000010000000000000001',
        'short',
        42,
        null,
        { c: '000000010000000000000001.gz' },
      ],
      d: undefined,
      e: true,
    });
    expect(Object.keys(tree)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('leaves frozen nodes alone', () => {
    const frozen = Object.freeze({ s: 'x'.repeat(20) });
    expect(() => ownStrings({ frozen })).not.toThrow();
    expect(ownString('y'.repeat(40))).toBe('y'.repeat(40));
    expect(ownString('')).toBe('');
  });
});
