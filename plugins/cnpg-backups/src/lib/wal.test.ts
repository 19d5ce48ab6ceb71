import { parseWalSegment } from './wal';

describe('parseWalSegment', () => {
  it('parses timeline and position with 16 MiB segments', () => {
    expect(parseWalSegment('000000010000000000000020')).toEqual({
      timeline: 1,
      position: 0x20,
    });
    expect(parseWalSegment('0000000200000001000000FF')).toEqual({
      timeline: 2,
      position: 256 + 255,
    });
  });

  it('honours other segment sizes', () => {
    expect(
      parseWalSegment('000000010000000100000003', 64 * 1024 * 1024),
    ).toEqual({
      timeline: 1,
      position: 64 + 3,
    });
  });

  it('rejects non-segment names', () => {
    expect(parseWalSegment('00000002.history')).toBeUndefined();
    expect(parseWalSegment(undefined)).toBeUndefined();
    expect(parseWalSegment('0000000100000000000000')).toBeUndefined();
  });
});
