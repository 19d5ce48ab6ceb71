/*
 * Byte sizes for people, in IEC units (KiB, MiB…, powers of 1024) like barman and PostgreSQL's
 * 16 MiB WAL segments. One home for the CLI and the card.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * `1536` → `"1.5 KiB"`, `512` → `"512 B"`; one decimal above bytes.
 * @throws RangeError for a negative or non-finite count
 * @public
 */
export function formatBytes(bytes: number): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
    throw new RangeError(
      `formatBytes: ${String(bytes)} is not a non-negative finite byte count`,
    );
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}
