// Tests of the hygiene scripts run by scripts/test.sh: `node --test scripts/__tests__/*.test.mjs`.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const scripts = join(dirname(fileURLToPath(import.meta.url)), '..');

function write(file, content) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    typeof content === 'string' ? content : JSON.stringify(content),
  );
}

test('check-unused-deps names unused, test-only and unused dev dependencies, and nothing else', () => {
  const root = mkdtempSync(join(tmpdir(), 'unused-deps-'));
  const pkg = join(root, 'plugins', 'p');
  write(join(pkg, 'package.json'), {
    name: '@x/p',
    dependencies: {
      used: '1',
      'type-only': '1',
      unused: '1',
      'test-only': '1',
      '@types/node': '1',
    },
    devDependencies: {
      'used-in-test': '1',
      'unused-dev': '1',
      '@backstage/cli': '1',
    },
  });
  write(
    join(pkg, 'src', 'index.ts'),
    "import { a } from 'used/sub';\nimport type { T } from 'type-only';\n",
  );
  write(
    join(pkg, 'src', 'index.test.ts'),
    "import 'test-only';\njest.mock('used-in-test');\n",
  );
  // An app discovers its frontend plugins (app.packages: all) without importing them.
  const app = join(root, 'packages', 'app');
  write(join(app, 'package.json'), {
    name: 'app',
    backstage: { role: 'frontend' },
    dependencies: { 'some-plugin': '1', 'some-lib': '1' },
  });
  write(join(app, 'node_modules', 'some-plugin', 'package.json'), {
    backstage: { role: 'frontend-plugin' },
  });
  write(join(app, 'node_modules', 'some-lib', 'package.json'), {});
  write(join(app, 'src', 'App.tsx'), 'export const x = 1;\n');

  const run = spawnSync('node', [
    join(scripts, 'check-unused-deps.mjs'),
    '--root',
    root,
    '--json',
  ]);
  assert.equal(run.status, 1);
  assert.deepEqual(JSON.parse(run.stdout.toString()).problems, [
    { package: 'app', kind: 'unused-dependency', dependency: 'some-lib' },
    { package: '@x/p', kind: 'unused-dependency', dependency: 'unused' },
    { package: '@x/p', kind: 'only-used-by-tests', dependency: 'test-only' },
    { package: '@x/p', kind: 'unused-devDependency', dependency: 'unused-dev' },
  ]);
});

test('check-unused-deps passes (exit 0) on a package whose dependencies are all used', () => {
  const root = mkdtempSync(join(tmpdir(), 'unused-deps-'));
  write(join(root, 'plugins', 'p', 'package.json'), {
    name: 'p',
    dependencies: { used: '1' },
  });
  write(
    join(root, 'plugins', 'p', 'src', 'index.ts'),
    "export * from 'used';\n",
  );
  const run = spawnSync('node', [
    join(scripts, 'check-unused-deps.mjs'),
    '--root',
    root,
  ]);
  assert.equal(run.status, 0, run.stdout.toString());
});

test('summarize-tests counts each hygiene check as one passed or failed test', () => {
  const out = mkdtempSync(join(tmpdir(), 'summary-'));
  write(join(out, 'jest.json'), {
    numPassedTests: 3,
    numFailedTests: 0,
    numPendingTests: 0,
    numTotalTestSuites: 1,
  });
  for (const [name, rc] of [
    ['Formatting (prettier --check)', '1'],
    ['Unused dependencies', '0'],
  ]) {
    execFileSync('node', [
      join(scripts, 'record-hygiene.mjs'),
      join(out, 'hygiene.json'),
      name,
      rc,
    ]);
  }
  const lines = execFileSync('node', [
    join(scripts, 'summarize-tests.mjs'),
    out,
    '1',
  ])
    .toString()
    .trim()
    .split('\n');
  assert.equal(lines.at(-1), 'tests: 4 passed, 1 failed');
  assert.ok(
    lines.includes(
      'hygiene: 1 passed, 1 failed (Formatting (prettier --check))',
    ),
    lines.join('\n'),
  );
});

test('record-hygiene rejects a missing or non-numeric exit code', () => {
  const out = mkdtempSync(join(tmpdir(), 'summary-'));
  const run = spawnSync('node', [
    join(scripts, 'record-hygiene.mjs'),
    join(out, 'h.json'),
    'x',
    'oops',
  ]);
  assert.equal(run.status, 2);
});
