#!/usr/bin/env node
/*
 * Regenerates plugins/cnpg-backups-node/src/crds/crd-schemas.json from the upstream CRDs in
 * <repo>/../shared/crds/*.yaml (CNPG v1.30 Cluster/Backup/ScheduledBackup, plugin-barman-cloud v0.14 ObjectStore).
 *
 * The JSON is committed so the validator works without ../shared at runtime; a unit test
 * (plugins/cnpg-backups-node/src/crds/crdSchemas.test.ts) runs this script with --print and fails when the
 * committed copy is out of sync with the upstream files.
 *
 * Usage:
 *   node scripts/sync-crds.mjs                 write the JSON file
 *   node scripts/sync-crds.mjs --print         print the JSON to stdout, write nothing
 *   node scripts/sync-crds.mjs --check         exit 1 when the committed JSON differs from the upstream CRDs
 *   node scripts/sync-crds.mjs --crds DIR      read the CRDs from DIR instead of ../shared/crds
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outputFile = join(
  repoRoot,
  'plugins/cnpg-backups-node/src/crds/crd-schemas.json',
);

function parseArgs(argv) {
  const args = {
    print: false,
    check: false,
    crdsDir: resolve(repoRoot, '../shared/crds'),
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--print') args.print = true;
    else if (argv[i] === '--check') args.check = true;
    else if (argv[i] === '--crds') args.crdsDir = resolve(argv[++i]);
    else throw new Error(`sync-crds: unknown argument ${argv[i]}`);
  }
  return args;
}

/** Turns every CustomResourceDefinition document in `crdsDir` into one entry per served version. */
export function buildCrdSchemas(crdsDir) {
  if (!existsSync(crdsDir)) {
    throw new Error(
      `sync-crds: CRD directory ${crdsDir} does not exist (expected the upstream CRDs in <repo>/../shared/crds)`,
    );
  }
  const files = readdirSync(crdsDir)
    .filter(f => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const entries = [];
  for (const file of files) {
    const docs = parseAllDocuments(readFileSync(join(crdsDir, file), 'utf8'));
    for (const doc of docs) {
      if (doc.errors.length > 0) {
        throw new Error(`sync-crds: ${file}: ${doc.errors[0].message}`);
      }
      const crd = doc.toJS();
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      const { group, names, scope, versions } = crd.spec;
      for (const version of versions) {
        if (!version.served) continue;
        entries.push({
          group,
          version: version.name,
          kind: names.kind,
          listKind: names.listKind,
          plural: names.plural,
          singular: names.singular,
          shortNames: names.shortNames ?? [],
          categories: names.categories ?? [],
          scope,
          storage: Boolean(version.storage),
          subresources: Object.keys(version.subresources ?? {}).sort(),
          additionalPrinterColumns: version.additionalPrinterColumns ?? [],
          sourceFile: file,
          openAPIV3Schema: version.schema.openAPIV3Schema,
        });
      }
    }
  }
  entries.sort((a, b) =>
    `${a.group}/${a.version}/${a.kind}`.localeCompare(
      `${b.group}/${b.version}/${b.kind}`,
    ),
  );
  return { generatedBy: 'scripts/sync-crds.mjs', crds: entries };
}

export function renderCrdSchemas(crdsDir) {
  return `${JSON.stringify(buildCrdSchemas(crdsDir), null, 1)}\n`;
}

const isMain =
  process.argv[1] &&
  resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = parseArgs(process.argv.slice(2));
  const text = renderCrdSchemas(args.crdsDir);
  if (args.print) {
    process.stdout.write(text);
  } else if (args.check) {
    const committed = existsSync(outputFile)
      ? readFileSync(outputFile, 'utf8')
      : '';
    if (committed !== text) {
      process.stderr.write(
        `sync-crds: ${outputFile} is out of sync with ${args.crdsDir}; run node scripts/sync-crds.mjs\n`,
      );
      process.exit(1);
    }
    process.stderr.write('sync-crds: crd-schemas.json is in sync\n');
  } else {
    writeFileSync(outputFile, text);
    const count = JSON.parse(text).crds.length;
    process.stderr.write(
      `sync-crds: wrote ${count} CRD versions to ${outputFile}\n`,
    );
  }
}
