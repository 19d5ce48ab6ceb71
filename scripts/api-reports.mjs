#!/usr/bin/env node
// API reports (report*.api.md, API Extractor via @backstage/repo-tools) of the PUBLISHED packages: every
// plugins/* package that is not "private": true. Private packages (the demo module, packages/app,
// packages/backend) have no public API to report.
//
//   node scripts/api-reports.mjs        regenerate the reports (yarn build:api-reports runs `yarn tsc` first)
//   node scripts/api-reports.mjs --ci   check: fails when a report is missing or differs from the code, or
//                                       when a package has an API Extractor warning it is not allowed to have
//
// Reads the declarations `yarn tsc` emits into dist-types/: run `yarn tsc` before this script.
// The reports are generated from a FULL type-check, as CI's fresh clone does: an incremental `tsc` can create
// literal types in another order and print a union such as 'kubectl' | 'kustomize' | 'pull-request' in a
// different order. If --ci flags only a reordered union locally, delete dist-types/ and run `yarn tsc` again.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Messages left out of every report:
// - ae-wrong-input-file-type: the reports are built from dist-types (.d.ts), as in Backstage's own repo;
// - ae-undocumented: a warning per undocumented interface member, which Backstage's own repo also omits
//   (exports without a doc comment are still listed as "(undocumented)" in the report).
const OMITTED_MESSAGES = ['ae-wrong-input-file-type', 'ae-undocumented'];

// Packages allowed to keep API Extractor warnings, each with its reason (`'plugins/<id>': 'why'`). The warning
// stays visible in the package's report.api.md, and `--ci` still fails on any change to that report. None
// today: every published package reports without a warning.
const ALLOWED_WARNINGS = {};

function publishedPackageDirs() {
  const pluginsDir = join(root, 'plugins');
  return readdirSync(pluginsDir, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => join(pluginsDir, entry.name))
    .filter(dir => existsSync(join(dir, 'package.json')))
    .filter(
      dir =>
        !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private,
    )
    .map(dir => relative(root, dir))
    .sort();
}

const ci = process.argv.includes('--ci');
const dirs = publishedPackageDirs();
const allowed = Object.keys(ALLOWED_WARNINGS).filter(dir => dirs.includes(dir));
const args = [
  'backstage-repo-tools',
  'api-reports',
  ...(ci ? ['--ci'] : []),
  '--validate-release-tags',
  '-o',
  OMITTED_MESSAGES.join(','),
  // Regenerating writes every package's report, warnings included (visible in the diff); the check fails on
  // any warning outside ALLOWED_WARNINGS.
  ...(ci
    ? allowed.length > 0
      ? ['-a', allowed.join(',')]
      : []
    : ['--allow-all-warnings']),
  ...dirs,
];
console.log(`API reports (${ci ? 'check' : 'regenerate'}): ${dirs.join(', ')}`);
const run = spawnSync('yarn', args, { cwd: root, stdio: 'inherit' });
if (run.error) throw run.error;
process.exit(run.status ?? 1);
