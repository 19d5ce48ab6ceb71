/*
 * Shared helpers of the bench scripts: percentiles, medians, the printed table, the summary line and the
 * JSON copy under test-output/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(__dirname, '..', '..');

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Median (mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `12.3 ms`, `1.23 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

/** `123.4 MB` from bytes. */
export function formatMB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Prints rows as an aligned `a | b | c` table with a header rule. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((_, i) =>
    Math.max(...[header, ...rows].map(r => (r[i] ?? '').length)),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map(w => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
}

/** Collects named PASS/FAIL verdicts for the last `SUMMARY:` line. */
export class Verdicts {
  readonly list: Array<{ name: string; pass: boolean }> = [];

  /** Records a verdict and returns 'PASS' or 'FAIL' for a table cell. */
  add(name: string, pass: boolean): 'PASS' | 'FAIL' {
    this.list.push({ name, pass });
    return pass ? 'PASS' : 'FAIL';
  }

  get allPass(): boolean {
    return this.list.every(v => v.pass);
  }

  /** `SUMMARY: a PASS, b FAIL` (the format bench/run-all.ts parses). */
  line(): string {
    return `SUMMARY: ${this.list
      .map(v => `${v.name} ${v.pass ? 'PASS' : 'FAIL'}`)
      .join(', ')}`;
  }
}

/** Writes `test-output/bench-<name>.json` and returns its path. */
export function writeBenchJson(name: string, value: unknown): string {
  const dir = join(ROOT, 'test-output');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${name}.json`);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}
