// node scripts/record-hygiene.mjs <hygiene.json> <check name> <exit code>
// Appends one hygiene check's result to the JSON list that summarize-tests.mjs counts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [file, name, rc] = process.argv.slice(2);
if (!file || !name || !/^\d+$/.test(rc ?? '')) {
  console.error(
    'usage: record-hygiene.mjs <hygiene.json> <check name> <exit code>',
  );
  process.exit(2);
}
const checks = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
checks.push({ name, passed: Number(rc) === 0, exitCode: Number(rc) });
writeFileSync(file, `${JSON.stringify(checks, null, 2)}\n`);
