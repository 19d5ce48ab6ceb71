#!/usr/bin/env node
// Unused-dependency check of every workspace package (plugins/* and packages/*):
//   - a `dependencies` entry that no file of the package imports (unused);
//   - a `dependencies` entry imported only by test code (it belongs in devDependencies);
//   - a `devDependencies` entry that no file of the package imports, not even a test (unused).
// "Imports" = static `import … from`, `export … from`, `import 'x'`, `import('x')`, `require('x')`,
// `jest.mock('x')`, `/// <reference types="x" />`, in .ts/.tsx/.js/.jsx/.mjs/.cjs files under src/, bin/,
// dev/, e2e-tests/ and the package's config.d.ts, plus binaries named in its package.json scripts.
// Test code = *.test.* files, setupTests, __testUtils__/, __fixtures__/, __mocks__/, testing/, testUtils/,
// testUtils.ts, dev/, e2e-tests/ and diagnoses/testContext.ts.
//
//   node scripts/check-unused-deps.mjs          print the findings; exit 1 if any
//   node scripts/check-unused-deps.mjs --json   the same as JSON ({ problems: [{ package, kind, dependency }] })
//   node scripts/check-unused-deps.mjs --root <dir>   check another checkout (used by this script's test)
//
// Dependencies that are needed without being imported are listed in ALLOWED below, each with its reason.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Needed although never imported: [package name or '*', dependency, reason]. '*' = any package.
 * Keep this list short; every entry says why.
 */
const ALLOWED = [
  [
    '*',
    '@backstage/cli',
    'runs the package scripts (backstage-cli package build/test/lint)',
  ],
  [
    '*',
    /^@types\//,
    'type declarations, used by the compiler without an import',
  ],
  [
    '*',
    'react-dom',
    'peer dependency of react and of @testing-library/react in tests',
  ],
  ['*', '@testing-library/dom', 'peer dependency of @testing-library/react'],
  ['*', 'playwright-core', 'peer dependency of @axe-core/playwright'],
  [
    '*',
    'react',
    'JSX runtime: the compiler inserts the react/jsx-runtime import (jsx: react-jsx)',
  ],
  ['app', 'react-router', 'peer dependency of react-router-dom'],
  [
    'backend',
    'app',
    'the frontend bundle that @backstage/plugin-app-backend serves',
  ],
  [
    'backend',
    'better-sqlite3',
    'database driver knex loads from backend.database.client',
  ],
  ['backend', 'pg', 'database driver knex loads from backend.database.client'],
  [
    'backend',
    'node-gyp',
    'builds better-sqlite3 for the Node that runs the backend',
  ],
];

// In an app (role "frontend") with `app.packages: all`, every frontend plugin or module among its
// dependencies is discovered and installed without an import.
const DISCOVERED_ROLES = new Set(['frontend-plugin', 'frontend-plugin-module']);

const SOURCE_DIRS = ['src', 'bin', 'dev', 'e2e-tests', 'migrations'];
const SOURCE_FILE = /\.(ts|tsx|js|jsx|mjs|cjs)$/;
const TEST_FILE =
  /(\.test\.[jt]sx?$|(^|\/)setupTests\.[jt]s$|\/(__testUtils__|__fixtures__|__mocks__|testing|testUtils)\/|(^|\/)testUtils\.ts$|^(dev|e2e-tests)\/|diagnoses\/testContext\.ts$)/;
const IMPORT =
  /(?:\bfrom\s*|\bimport\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bjest\.(?:mock|requireActual)\s*\(\s*|<reference\s+types\s*=\s*)['"]((?:@[^/'"\s]+\/)?[^/'"\s]+)/g;

function listFiles(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(path, out);
    else if (SOURCE_FILE.test(entry.name)) out.push(path);
  }
  return out;
}

function isAllowed(pkgName, dep) {
  return ALLOWED.some(
    ([pkg, name]) =>
      (pkg === '*' || pkg === pkgName) &&
      (name instanceof RegExp ? name.test(dep) : name === dep),
  );
}

function readDependencyManifest(pkgDir, dep) {
  for (const base of [pkgDir, join(pkgDir, '..', '..')]) {
    const file = join(base, 'node_modules', dep, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  }
  return undefined;
}

/** Binaries that package.json scripts run, mapped to the dependency that provides them. */
function scriptDependencies(pkgDir, pkg) {
  const used = new Set();
  const scripts = Object.values(pkg.scripts ?? {}).join('\n');
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  for (const dep of Object.keys(deps)) {
    const { bin } = readDependencyManifest(pkgDir, dep) ?? {};
    const bins =
      typeof bin === 'string'
        ? [dep.replace(/^@[^/]+\//, '')]
        : Object.keys(bin ?? {});
    if (
      bins.some(name =>
        new RegExp(`(^|[\\s;&|])${name}(\\s|$)`, 'm').test(scripts),
      )
    ) {
      used.add(dep);
    }
  }
  return used;
}

export function checkPackage(pkgDir) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const used = { prod: new Set(), test: new Set() };
  const files = SOURCE_DIRS.flatMap(dir => listFiles(join(pkgDir, dir)));
  if (existsSync(join(pkgDir, 'config.d.ts')))
    files.push(join(pkgDir, 'config.d.ts'));
  for (const file of files) {
    const kind = TEST_FILE.test(relative(pkgDir, file)) ? 'test' : 'prod';
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      used[kind].add(match[1]);
    }
  }
  for (const dep of scriptDependencies(pkgDir, pkg)) used.prod.add(dep);
  if (pkg.backstage?.role === 'frontend') {
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const role = readDependencyManifest(pkgDir, dep)?.backstage?.role;
      if (DISCOVERED_ROLES.has(role)) used.prod.add(dep);
    }
  }

  const problems = [];
  const add = (kind, dependency) =>
    isAllowed(pkg.name, dependency) ||
    problems.push({ package: pkg.name, kind, dependency });
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (used.prod.has(dep)) continue;
    add(used.test.has(dep) ? 'only-used-by-tests' : 'unused-dependency', dep);
  }
  for (const dep of Object.keys(pkg.devDependencies ?? {})) {
    if (!used.prod.has(dep) && !used.test.has(dep))
      add('unused-devDependency', dep);
  }
  return problems;
}

export function checkRepo(root) {
  const dirs = ['plugins', 'packages'].flatMap(parent =>
    existsSync(join(root, parent))
      ? readdirSync(join(root, parent), { withFileTypes: true })
          .filter(entry => entry.isDirectory())
          .map(entry => join(root, parent, entry.name))
          .filter(dir => existsSync(join(dir, 'package.json')))
      : [],
  );
  return dirs.sort().flatMap(checkPackage);
}

const EXPLAIN = {
  'unused-dependency': 'in dependencies, imported nowhere: remove it',
  'only-used-by-tests':
    'in dependencies, imported only by tests: move it to devDependencies',
  'unused-devDependency': 'in devDependencies, imported nowhere: remove it',
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rootArg = process.argv.indexOf('--root');
  const root =
    rootArg !== -1
      ? process.argv[rootArg + 1]
      : join(dirname(fileURLToPath(import.meta.url)), '..');
  const problems = checkRepo(root);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ problems }, null, 2));
  } else if (problems.length === 0) {
    console.log('Unused dependencies: none');
  } else {
    for (const p of problems) {
      console.log(`${p.package}: ${p.dependency} (${EXPLAIN[p.kind]})`);
    }
    console.log(`Unused dependencies: ${problems.length} problem(s)`);
  }
  process.exit(problems.length === 0 ? 0 : 1);
}
