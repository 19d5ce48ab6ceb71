/*
 * Every fixSnippet of the diagnoses the catalog builder makes from the bucket alone (WAL gaps,
 * failed/unfinished/unrestorable backups, no DONE backup, unreadable backup.info, missing
 * history file, misplaced WAL), over generated listings with hostile prefixes, serverNames,
 * cluster names and misplaced keys: every snippet parses as YAML, every manifest in it passes
 * the real CRD schema + webhook validation, and every `aws s3` line, run by the real bash,
 * passes exactly the intended S3 URLs (a key holding a space, `#`, `;` or a quote must not
 * split or run anything). Lives in -node because CRD validation is here.
 */
import { spawnSync } from 'node:child_process';
import {
  applyCatalogClusterName,
  buildCatalog,
  type ArchiveObject,
  type Diagnosis,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { validateCnpgResource } from '../crds';

const NOW = '2025-06-10T12:00:00.000Z';
const SEGMENT = 16 * 1024 * 1024;
const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
const wal = (tli: number, i: number) => hex8(tli) + hex8(0) + hex8(i);
const walKey = (tli: number, i: number) =>
  `wals/${wal(tli, i).slice(0, 16)}/${wal(tli, i)}.gz`;

function backupInfo(options: {
  status: 'DONE' | 'FAILED';
  begin: number;
  end: number;
  segmentSize?: number;
}): string {
  return [
    'backup_name=backup-fuzz',
    'begin_offset=40',
    'begin_time=2025-06-01 02:00:02+00:00',
    `begin_wal=${wal(1, options.begin)}`,
    'begin_xlog=0/0',
    'end_time=2025-06-01 02:00:09+00:00',
    `end_wal=${wal(1, options.end)}`,
    'end_xlog=0/0',
    options.status === 'FAILED'
      ? "error=failure uploading data (connection reset: '#1')"
      : 'error=None',
    `status=${options.status}`,
    'timeline=1',
    'version=150020',
    `xlog_segment_size=${options.segmentSize ?? SEGMENT}`,
    '',
  ].join('\n');
}

/** Characters S3 keys and prefixes may hold that shells and YAML care about. */
const hostileChar = fc.constantFrom(
  ...'aZ09-_.'.split(''),
  ' ',
  '#',
  ':',
  ': ',
  ' #',
  ';',
  "'",
  '"',
  '$',
  '`',
  '\\',
  '*',
  '&',
  '|',
  '>',
  '{',
  '[',
  '!',
  '%',
  '~',
  'é',
  '日',
  '\u00a0',
);
const hostile = fc
  .array(hostileChar, { minLength: 1, maxLength: 12 })
  .map(a => a.join(''));
/** Kubernetes-style names, and serverNames CNPG accepts that are not Kubernetes names. */
const serverNameArb = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
  fc
    .stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/)
    .filter(s => !s.includes('..')),
);

const caseArb = fc.record({
  bucket: fc.stringMatching(/^[a-z0-9][a-z0-9-]{2,20}$/),
  prefix: fc.oneof(
    fc.constant(''),
    fc.constant('cnpg/'),
    hostile,
    fc.tuple(hostile, hostile).map(([a, b]) => `${a}/${b}`),
  ),
  serverName: serverNameArb,
  clusterName: fc.option(fc.oneof(serverNameArb, hostile), {
    nil: undefined,
  }),
  done: fc.boolean(),
  gapAfterBackup: fc.boolean(),
  gapBeforeBackup: fc.boolean(),
  unrestorable: fc.boolean(),
  failed: fc.boolean(),
  unfinished: fc.boolean(),
  invalidInfo: fc.boolean(),
  mixedSegmentSizes: fc.boolean(),
  timeline2: fc.constantFrom('none', 'no-history', 'invalid-history'),
  misplacedFolders: fc.array(hostile, { maxLength: 3 }),
  misplacedAtTop: fc.boolean(),
  scanIncomplete: fc.boolean(),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** S3's key order (code units, for these keys). */
function byCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function inputOf(c: Case) {
  const objects: ArchiveObject[] = [];
  const backupInfos: Record<string, string> = {};
  const historyFiles: Record<number, string> = {};
  const put = (key: string, lastModified = '2025-06-01T02:00:00.000Z') =>
    objects.push({ key, size: 1000, lastModified });
  const except = [
    ...(c.gapBeforeBackup ? [1] : []),
    ...(c.gapAfterBackup ? [6] : []),
  ];
  for (let i = 0; i <= 8; i++) if (!except.includes(i)) put(walKey(1, i));
  const backup = (id: string, info: string | undefined) => {
    put(`base/${id}/data.tar.gz`);
    if (info !== undefined) {
      put(`base/${id}/backup.info`);
      backupInfos[id] = info;
    }
  };
  if (c.done)
    backup('20250601T020002', backupInfo({ status: 'DONE', begin: 3, end: 4 }));
  // Ends past the last archived segment: completed, but cannot be restored.
  if (c.unrestorable)
    backup(
      '20250601T030000',
      backupInfo({ status: 'DONE', begin: 7, end: 12 }),
    );
  if (c.failed)
    backup(
      '20250601T040000',
      backupInfo({ status: 'FAILED', begin: 5, end: 5 }),
    );
  if (c.invalidInfo) backup('20250601T050000', 'this is not a backup.info');
  if (c.mixedSegmentSizes)
    backup(
      '20250601T060000',
      backupInfo({ status: 'DONE', begin: 8, end: 8, segmentSize: 1048576 }),
    );
  // Never finished, long ago (the grace period is over at NOW).
  if (c.unfinished) backup('20200101T000000', undefined);
  if (c.timeline2 !== 'none') {
    put(walKey(2, 9));
    if (c.timeline2 === 'invalid-history') {
      put('wals/00000002.history');
      historyFiles[2] = 'not a history file';
    }
  }
  const misplaced: string[] = [];
  c.misplacedFolders.forEach((folder, i) =>
    misplaced.push(`wals/${folder}/${wal(1, 20 + i)}.gz`),
  );
  if (c.misplacedAtTop) misplaced.push(`wals/${wal(1, 30)}.gz`);
  for (const key of misplaced) put(key);
  misplaced.sort(byCodeUnits);
  objects.sort((a, b) => byCodeUnits(a.key, b.key));
  const destination = `s3://${c.bucket}${c.prefix ? `/${c.prefix}` : ''}`;
  return {
    input: {
      destination,
      serverName: c.serverName,
      objects,
      backupInfos,
      historyFiles,
      ...(c.clusterName !== undefined ? { clusterName: c.clusterName } : {}),
      scan: {
        complete: !c.scanIncomplete,
        errors: c.scanIncomplete
          ? [{ name: 'AccessDenied', message: 'Access Denied: #1', key: 'x y' }]
          : [],
        requests: 1,
        durationMs: 1,
        scannedAt: NOW,
        walObjects: 0,
        incremental: false,
      },
      now: NOW,
    },
    /** `<destination>/<serverName>/` as barman-cloud joins it. */
    root: `${destination.replace(/\/+$/, '')}/${c.serverName}/`,
    misplaced,
  };
}

function yamlProblems(snippet: string): string[] {
  const problems: string[] = [];
  for (const doc of parseAllDocuments(snippet)) {
    for (const error of doc.errors) problems.push(`YAML: ${error.message}`);
    const value = doc.toJS();
    if (value && typeof value === 'object' && 'apiVersion' in value) {
      problems.push(
        ...validateCnpgResource(value).errors.map(e => `CRD/webhook: ${e}`),
      );
    }
  }
  return problems;
}

/** Where barman-cloud-wal-restore reads a file (history files directly under wals/). */
function restoreKeyOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return /^[0-9A-F]{8}\.history/.test(name)
    ? `wals/${name}`
    : `wals/${name.slice(0, 16)}/${name}`;
}

/** Runs `aws s3 …` lines in the real bash with `aws` printing its arguments. */
function bashArgs(lines: string[]): string[][] {
  const script = [
    `aws() { for a in "$@"; do printf '%s\\0' "$a"; done; printf '\\36\\0'; }`,
    ...lines.map(l => l.replace(/ --endpoint-url <[^>]*>$/, '')),
  ].join('\n');
  const run = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const records: string[][] = [];
  let current: string[] = [];
  for (const token of run.stdout.split('\0').slice(0, -1)) {
    if (token === '\x1e') {
      records.push(current);
      current = [];
    } else current.push(token);
  }
  return records;
}

describe('every fixSnippet of the bucket diagnoses (generated listings)', () => {
  it('parses as YAML, every manifest passes the CRD + webhook validation, and every aws line passes the intended URLs', () => {
    const seen = new Set<string>();
    const shellLines: string[] = [];
    const expectedArgs: string[][] = [];
    fc.assert(
      fc.property(caseArb, c => {
        const { input, root, misplaced } = inputOf(c);
        const catalog = buildCatalog(input);
        for (const diagnosis of catalog.diagnoses as Diagnosis[]) {
          if (!diagnosis.fixSnippet) continue;
          seen.add(diagnosis.id);
          const problems = yamlProblems(diagnosis.fixSnippet);
          if (problems.length > 0) {
            throw new Error(
              `${diagnosis.id}: ${problems.join('; ')}\n--- snippet ---\n${
                diagnosis.fixSnippet
              }`,
            );
          }
          for (const line of diagnosis.fixSnippet.split('\n')) {
            if (!line.startsWith('aws ')) continue;
            shellLines.push(line);
          }
          if (diagnosis.id === 'misplaced-wal') {
            for (const key of misplaced)
              expectedArgs.push([
                's3',
                'mv',
                root + key,
                root + restoreKeyOf(key),
              ]);
          }
          if (diagnosis.id === 'missing-history-file') {
            expectedArgs.push([
              's3',
              'cp',
              '00000002.history',
              `${root}wals/00000002.history`,
            ]);
          }
        }
      }),
      { numRuns: 300, seed: 20250610 },
    );
    // The generation reached every bucket diagnosis that carries a snippet.
    expect([...seen].sort()).toEqual(
      [
        'backup-failed',
        'backup-incomplete',
        'backup-not-restorable',
        'invalid-backup-info',
        'misplaced-wal',
        'missing-history-file',
        'no-done-backup',
        'wal-gap',
      ].sort(),
    );
    expect(shellLines.length).toBeGreaterThan(50);
    expect(bashArgs(shellLines)).toEqual(expectedArgs);
  });

  it('a bucket-only catalog named afterwards (applyCatalogClusterName) equals the catalog built with the cluster, and never names the serverName by guess', () => {
    let named = 0;
    fc.assert(
      fc.property(caseArb, serverNameArb, (c, fallbackCluster) => {
        const { input } = inputOf(c);
        const { clusterName = fallbackCluster, ...bucketOnlyInput } =
          input as typeof input & { clusterName?: string };
        const bucketOnly = buildCatalog(bucketOnlyInput);
        for (const d of bucketOnly.diagnoses) {
          expect(`${d.fix}\n${d.fixSnippet ?? ''}`).not.toContain(
            `kubectl cnpg backup ${c.serverName} `,
          );
        }
        const direct = buildCatalog({ ...bucketOnlyInput, clusterName });
        expect(applyCatalogClusterName(bucketOnly, { clusterName })).toEqual(
          direct,
        );
        if (
          direct.diagnoses.some(d => d.fix.includes(`backup ${clusterName} `))
        )
          named += 1;
      }),
      { numRuns: 300, seed: 20250611 },
    );
    expect(named).toBeGreaterThan(50);
  });
});
