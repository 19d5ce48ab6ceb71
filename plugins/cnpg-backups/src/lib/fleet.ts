/*
 * Formatting helpers of the fleet page and the history panel. The frontend decides no severity:
 * these only turn the backend's numbers into text.
 */

/**
 * A 0..1 share as a percentage with one decimal, rounded DOWN so that "100%" only ever means every
 * snapshot was recoverable (0.99996 reads 99.9%, not 100.0%). Undefined or not finite: undefined.
 */
export function formatRatio(ratio: number | undefined): string | undefined {
  if (ratio === undefined || !Number.isFinite(ratio)) {
    return undefined;
  }
  const clamped = Math.min(1, Math.max(0, ratio));
  const tenths = Math.floor(clamped * 1000 + 1e-9);
  return tenths === 1000 ? '100%' : `${(tenths / 10).toFixed(1)}%`;
}
