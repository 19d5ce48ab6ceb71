/*
 * `yarn bench`: runs every benchmark one after another and prints one table plus a last summary line.
 *
 *   yarn bench                           # catalog, backend, fleet, frontend
 *   yarn bench --only backend,frontend   # a subset
 *   yarn bench --skip catalog
 *   CNPG_BENCH_CATALOG_ARGS="--parts rss --runs 1" yarn bench --only catalog   # extra args for one bench
 *
 * Each bench is a script of its own (bench/<name>.ts) that prints a table, writes
 * `test-output/bench-<name>.json` and ends with `SUMMARY: <target> PASS|FAIL, ...`. This script streams their
 * output as it comes, then collects the SUMMARY line (the verdicts) and a few key figures from the JSON file
 * (only if written during this run). A bench whose script file is absent is reported as SKIPPED; a bench that
 * exits non-zero without a SUMMARY line is reported as CRASHED. Exit code: 0 only if every verdict is PASS.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatMs, printTable, ROOT } from './lib/stats';

interface Bench {
  name: string;
  /** The script file that must exist for the bench to run. */
  file: string;
  /** Key figures from its JSON output (defensive: the JSON belongs to that bench's owner). */
  figures(json: any): string[];
}

const num = (v: unknown, digits = 1): string | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : undefined;
const present = (parts: Array<string | false | undefined>) =>
  parts.filter((p): p is string => typeof p === 'string' && p.length > 0);

const BENCHES: Bench[] = [
  {
    name: 'catalog',
    file: 'bench/catalog.ts',
    figures: j =>
      present([
        num(j?.latencyRatio, 2) &&
          `latency-model ratio ${num(j.latencyRatio, 2)} (target 0.25)`,
        num(j?.clientCpuPer1kKeysMs, 1) &&
          `client CPU ${num(j.clientCpuPer1kKeysMs, 1)} ms/1k keys`,
        num(j?.ratio, 2) &&
          `s3rver time ratio ${num(j.ratio, 2)} (informational)`,
        typeof j?.requests === 'number' &&
          `requests ${j.requests}${
            typeof (j?.bound?.flat ?? j?.bound?.perPrefix) === 'number'
              ? ` (lower bound ${j.bound.flat ?? j.bound.perPrefix})`
              : ''
          }`,
        typeof j?.incremental?.requests === 'number' &&
          `incremental ${j.incremental.requests} requests`,
        num(j?.rss?.peakMaxRssMB ?? j?.rss?.peakMB, 0) &&
          `1M-key peak RSS ${num(j.rss.peakMaxRssMB ?? j.rss.peakMB, 0)} MB`,
      ]),
  },
  {
    name: 'backend',
    file: 'bench/backend.ts',
    figures: j => {
      const m = j?.medians ?? {};
      return present([
        num(m.warmP95Ms) &&
          `warm p50/p95/p99 ${formatMs(m.warmP50Ms)}/${formatMs(
            m.warmP95Ms,
          )}/${formatMs(m.warmP99Ms)}`,
        num(m.warmRps, 0) && `${num(m.warmRps, 0)} req/s`,
        typeof m.coldSameScans === 'number' &&
          `${j.settings?.COLD_CONCURRENT ?? '?'} cold → ${
            m.coldSameScans
          } scan(s)`,
        typeof m.soakErrors === 'number' && `soak errors ${m.soakErrors}`,
        num(m.soakRssDeltaMB) &&
          `soak RSS ${num(m.soakRssBeforeMB, 0)} → ${num(
            m.soakRssAfterMB,
            0,
          )} MB`,
      ]);
    },
  },
  {
    name: 'fleet',
    file: 'bench/fleet.ts',
    figures: j =>
      present([
        num(j?.full?.durationMs, 0) &&
          `${j.settings?.DATABASES ?? '?'} databases refreshed in ${formatMs(
            j.full.durationMs,
          )}`,
        num(j?.incremental?.perDatabase, 2) &&
          `incremental ${num(j.incremental.perDatabase, 2)} S3 req/db`,
        num(j?.page?.p95Ms, 0) && `GET /fleet p95 ${formatMs(j.page.p95Ms)}`,
        num(j?.peakRssMB, 0) && `peak RSS ${num(j.peakRssMB, 0)} MB`,
        typeof j?.storage?.rowsPerDay?.history === 'number' &&
          `${j.storage.rowsPerDay.history} history rows/day`,
      ]),
  },
  {
    name: 'frontend',
    file: 'bench/frontend.ts',
    // Unknown shape until that bench settles: show scalar entries of a `summary`/`figures`/`medians` object.
    figures: j => {
      const source = j?.summary ?? j?.figures ?? j?.medians;
      if (!source || typeof source !== 'object') return [];
      return Object.entries(source)
        .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
        .slice(0, 6)
        .map(([k, v]) => `${k} ${typeof v === 'number' ? num(v, 1) : v}`);
    },
  },
];

interface Outcome {
  name: string;
  status: 'PASS' | 'FAIL' | 'CRASHED' | 'SKIPPED';
  exitCode?: number | null;
  ms?: number;
  verdicts: Array<{ name: string; pass: boolean }>;
  figures: string[];
  note?: string;
}

function argList(flag: string): string[] | undefined {
  const i = process.argv.indexOf(flag);
  if (i < 0) return undefined;
  return (process.argv[i + 1] ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

/**
 * How to run a bench: its `bench:<name>` package script when there is one, else the TS file directly;
 * extra arguments from `CNPG_BENCH_<NAME>_ARGS` (split on spaces), e.g.
 * `CNPG_BENCH_CATALOG_ARGS="--parts rss --runs 1"`.
 */
function commandFor(bench: Bench): { cmd: string; args: string[] } {
  const extra = (
    process.env[`CNPG_BENCH_${bench.name.toUpperCase()}_ARGS`] ?? ''
  )
    .split(' ')
    .filter(Boolean);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  if (pkg.scripts?.[`bench:${bench.name}`])
    return { cmd: 'yarn', args: [`bench:${bench.name}`, ...extra] };
  return {
    cmd: process.execPath,
    args: [
      '-r',
      '@backstage/cli/config/nodeTransform.cjs',
      bench.file,
      ...extra,
    ],
  };
}

function runBench(bench: Bench): Promise<Outcome> {
  const { cmd, args } = commandFor(bench);
  const jsonFile = join(ROOT, 'test-output', `bench-${bench.name}.json`);
  const started = Date.now();
  console.log(`\n=== ${bench.name}: ${[cmd, ...args].join(' ')}`);
  return new Promise(resolvePromise => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let stdout = '';
    child.stdout.on('data', chunk => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    const finish = (exitCode: number | null, error?: Error) => {
      const ms = Date.now() - started;
      const summary = stdout
        .split('\n')
        .map(l => l.trim())
        .filter(l => l.startsWith('SUMMARY:'))
        .pop();
      const verdicts = summary
        ? [
            ...summary
              .slice('SUMMARY:'.length)
              .matchAll(/([^,]+?)\s+(PASS|FAIL)\b/g),
          ].map(m => ({ name: m[1].trim(), pass: m[2] === 'PASS' }))
        : [];
      let figures: string[] = [];
      try {
        // Only a JSON file written by this run counts (an old one would report stale figures).
        if (existsSync(jsonFile) && statSync(jsonFile).mtimeMs >= started)
          figures = bench.figures(JSON.parse(readFileSync(jsonFile, 'utf8')));
      } catch (e) {
        figures = [`(unreadable ${jsonFile}: ${e})`];
      }
      let status: Outcome['status'];
      if (!summary || verdicts.length === 0) status = 'CRASHED';
      else status = verdicts.every(v => v.pass) ? 'PASS' : 'FAIL';
      resolvePromise({
        name: bench.name,
        status,
        exitCode,
        ms,
        verdicts,
        figures,
        note:
          error?.message ??
          (status === 'CRASHED'
            ? `exit code ${exitCode}, no SUMMARY line`
            : undefined),
      });
    };
    child.on('error', error => finish(null, error));
    child.on('close', code => finish(code));
  });
}

async function main() {
  const only = argList('--only');
  const skip = argList('--skip') ?? [];
  const outcomes: Outcome[] = [];
  for (const bench of BENCHES) {
    if ((only && !only.includes(bench.name)) || skip.includes(bench.name)) {
      outcomes.push({
        name: bench.name,
        status: 'SKIPPED',
        verdicts: [],
        figures: [],
        note: 'not selected',
      });
      continue;
    }
    if (!existsSync(join(ROOT, bench.file))) {
      outcomes.push({
        name: bench.name,
        status: 'SKIPPED',
        verdicts: [],
        figures: [],
        note: `${bench.file} absent`,
      });
      continue;
    }
    outcomes.push(await runBench(bench));
  }

  console.log('\n=== All benchmarks');
  printTable(
    ['bench', 'result', 'time', 'verdicts', 'key figures'],
    outcomes.map(o => [
      o.name,
      o.status,
      o.ms === undefined ? '-' : formatMs(o.ms),
      o.verdicts.length
        ? o.verdicts
            .map(v => `${v.name} ${v.pass ? 'PASS' : 'FAIL'}`)
            .join(', ')
        : o.note ?? '-',
      o.figures.join('; ') || '-',
    ]),
  );
  const parts = outcomes.map(o =>
    o.status === 'SKIPPED' || o.status === 'CRASHED'
      ? `${o.name} ${o.status}${o.note ? ` (${o.note})` : ''}`
      : `${o.name} ${o.status} (${o.verdicts
          .map(v => `${v.name} ${v.pass ? 'PASS' : 'FAIL'}`)
          .join(', ')})`,
  );
  const ok = outcomes.every(o => o.status === 'PASS' || o.status === 'SKIPPED');
  console.log(`SUMMARY: ${ok ? 'PASS' : 'FAIL'} — ${parts.join('; ')}`);
  if (!ok) process.exitCode = 1;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
