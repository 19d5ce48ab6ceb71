// Prints the totals of the Jest and Playwright JSON reports and of the hygiene checks (hygiene.json); the last line is
// "tests: N passed, N failed[, N skipped]" so CI can read the counts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [outDir, seconds] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];

const jestFile = join(outDir, 'jest.json');
if (existsSync(jestFile)) {
  const jest = JSON.parse(readFileSync(jestFile, 'utf8'));
  passed += jest.numPassedTests;
  failed += jest.numFailedTests;
  skipped += jest.numPendingTests + (jest.numTodoTests ?? 0);
  // A suite that fails to load has no failed tests but must count as a failure.
  failed += jest.numRuntimeErrorTestSuites ?? 0;
  rows.push(
    `jest: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${jest.numPendingTests} skipped in ${jest.numTotalTestSuites} suites`,
  );
} else {
  failed += 1;
  rows.push('jest: no report (the run did not complete)');
}

const e2eFile = join(outDir, 'e2e.json');
if (existsSync(e2eFile)) {
  const e2e = JSON.parse(readFileSync(e2eFile, 'utf8'));
  const s = e2e.stats ?? {};
  const ok = (s.expected ?? 0) + (s.flaky ?? 0);
  passed += ok;
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  rows.push(
    `e2e: ${ok} passed, ${s.unexpected ?? 0} failed, ${s.skipped ?? 0} skipped`,
  );
}

// Hygiene checks (prettier, repo fix, API reports, unused dependencies): one pass or fail each.
const hygieneFile = join(outDir, 'hygiene.json');
if (existsSync(hygieneFile)) {
  const checks = JSON.parse(readFileSync(hygieneFile, 'utf8'));
  const bad = checks.filter(check => !check.passed);
  passed += checks.length - bad.length;
  failed += bad.length;
  rows.push(
    `hygiene: ${checks.length - bad.length} passed, ${bad.length} failed${
      bad.length ? ` (${bad.map(check => check.name).join('; ')})` : ''
    }`,
  );
}

console.log('');
for (const row of rows) console.log(row);
console.log(`total time: ${seconds}s`);
console.log(
  `tests: ${passed} passed, ${failed} failed${
    skipped ? `, ${skipped} skipped` : ''
  }`,
);
