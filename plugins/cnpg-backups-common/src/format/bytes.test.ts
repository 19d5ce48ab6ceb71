import { formatBytes } from './bytes';

describe('formatBytes (IEC)', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [16 * 1024 * 1024, '16.0 MiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
    [1024 ** 6, '1024.0 PiB'],
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([-1, NaN, Infinity])('rejects %p with a named RangeError', bytes => {
    expect(() => formatBytes(bytes)).toThrow(RangeError);
  });
});
