import { formatRatio } from './fleet';

describe('formatRatio', () => {
  it.each([
    [1, '100%'],
    [0, '0.0%'],
    [0.5, '50.0%'],
    [0.9666, '96.6%'],
    // Rounded down: only a full record reads 100%.
    [0.99996, '99.9%'],
    [0.999, '99.9%'],
    // 0.29 * 1000 is 289.99999999999994 in floating point: still 29.0%.
    [0.29, '29.0%'],
  ])('%s → %s', (ratio, text) => {
    expect(formatRatio(ratio)).toBe(text);
  });

  it('has no text for a missing or non-finite ratio, and clamps out-of-range values', () => {
    expect(formatRatio(undefined)).toBeUndefined();
    expect(formatRatio(Number.NaN)).toBeUndefined();
    expect(formatRatio(1.5)).toBe('100%');
    expect(formatRatio(-1)).toBe('0.0%');
  });
});
