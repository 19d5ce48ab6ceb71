/*
 * Every fixSnippet of every database diagnosis rule, over fuzzed contexts (cluster names incl.
 * ones ending in -vN, namespaces, destinations, plugin vs legacy, failing archiving messages,
 * recovery sources, schedules, missing CRDs): parses as YAML, and every manifest in it (a
 * document with apiVersion + kind) passes the real CRD schema + webhook validation. The
 * "Expected empty archive" advice uses the planner's next-serverName function. Lives in -node
 * because CRD validation is here (-common must not depend on -node).
 */
import {
  chooseNextServerName,
  checkClusterWebhookRules,
  databaseDiagnosisRules,
  type DatabaseDiagnosisContext,
  type Diagnosis,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { validateCnpgResource } from '../crds';

const NOW = '2025-06-10T12:00:00.000Z';

const label = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9]{0,12}$/),
    fc.constantFrom(
      '',
      '-db',
      '-v1',
      '-v2',
      '-v9',
      '-v10',
      '-restore-v3',
      '-2',
    ),
  )
  .map(([stem, suffix]) => `${stem}${suffix}`);

const archiveMessages = [
  'Expected empty archive',
  'unexpected failure invoking barman-cloud-wal-archive: exit status 1 Expected empty archive',
  'An error occurred (XAmzContentSHA256Mismatch) when calling the PutObject operation: x-amz-content-sha256',
  'continuous archiving is failing',
];

const contextArb: fc.Arbitrary<DatabaseDiagnosisContext> = fc
  .record({
    name: label,
    namespace: label,
    serverName: fc.option(label, { nil: undefined }),
    legacy: fc.boolean(),
    hasArchive: fc.boolean(),
    archiving: fc.option(fc.constantFrom(...archiveMessages), {
      nil: undefined,
    }),
    bucket: fc.stringMatching(/^[a-z][a-z0-9-]{2,20}[a-z0-9]$/),
    prefix: fc.constantFrom('', 'cnpg', 'cnpg/immich', 'a/b/c'),
    endpoint: fc.constantFrom(
      undefined,
      'http://minio.minio.svc:9000',
      'https://fsn1.your-objectstorage.com',
    ),
    iam: fc.boolean(),
    storageSize: fc.option(fc.constantFrom('1Gi', '20Gi', '500Mi'), {
      nil: undefined,
    }),
    database: fc.option(fc.constantFrom('app', 'immich', 'awx'), {
      nil: undefined,
    }),
    recoverySource: fc.boolean(),
    sourceTakesNext: fc.boolean(),
    walSegments: fc.nat({ max: 40 }),
    pluginNotArchiver: fc.boolean(),
    missingCrds: fc.subarray([
      'objectstores.barmancloud.cnpg.io',
      'clusters.postgresql.cnpg.io',
      'backups.postgresql.cnpg.io',
    ]),
    schedule: fc.constantFrom('0 0 2 * * *', '0 2 * * *', 'bad cron', '@daily'),
    suspended: fc.boolean(),
    overdue: fc.boolean(),
    noSchedules: fc.boolean(),
    retention: fc.constantFrom(undefined, '7d', '30d'),
  })
  .map(r => {
    const serverName = r.serverName ?? r.name;
    const destinationPath = `s3://${r.bucket}${r.prefix ? `/${r.prefix}` : ''}`;
    const archive = r.hasArchive
      ? {
          form: r.legacy ? ('legacy' as const) : ('plugin' as const),
          ...(r.legacy ? {} : { objectStoreName: `${r.name}-store` }),
          destinationPath,
          bucket: r.bucket,
          prefix: r.prefix,
          ...(r.endpoint ? { endpointURL: r.endpoint } : {}),
          provider: 'generic' as const,
          serverName,
          isWALArchiver: !r.pluginNotArchiver,
          retentionPolicy: r.retention,
          credentials: r.iam
            ? { inheritFromIAMRole: true }
            : {
                accessKeyId: { name: 's3-creds', key: 'ACCESS_KEY_ID' },
                secretAccessKey: { name: 's3-creds', key: 'ACCESS_SECRET_KEY' },
              },
          sidecarEnv: [],
        }
      : undefined;
    const recoverySources = r.recoverySource
      ? [
          {
            name: 'origin',
            form: archive?.form ?? 'plugin',
            serverName,
            destinationPath,
            objectStoreName: archive?.objectStoreName,
          },
          ...(r.sourceTakesNext
            ? [
                {
                  name: 'older',
                  form: 'plugin',
                  serverName: chooseNextServerName({
                    sourceServerName: serverName,
                    taken: [],
                  }),
                },
              ]
            : []),
        ]
      : [];
    const context = {
      now: NOW,
      cluster: {
        kubernetesCluster: 'prod',
        namespace: r.namespace,
        name: r.name,
        creationTimestamp: '2025-06-01T00:00:00Z',
        phase: 'Cluster in healthy state',
        conditions: [
          r.archiving
            ? {
                type: 'ContinuousArchiving',
                status: 'False' as const,
                reason: 'ContinuousArchivingFailing',
                message: r.archiving,
              }
            : {
                type: 'ContinuousArchiving',
                status: 'True' as const,
                reason: 'ContinuousArchivingSuccess',
              },
        ],
        envNames: [],
        ...(r.storageSize ? { storageSize: r.storageSize } : {}),
        ...(r.database ? { database: r.database, owner: r.database } : {}),
      },
      archive,
      pluginEntry:
        archive && !r.legacy
          ? {
              enabled: true,
              isWALArchiver: !r.pluginNotArchiver,
              objectStoreName: `${r.name}-store`,
              serverName,
            }
          : undefined,
      legacyArchive: r.legacy,
      recoverySources,
      schedules: r.noSchedules
        ? []
        : [
            {
              name: `${r.name}-daily`,
              schedule: r.schedule,
              fieldCount: r.schedule.split(' ').length,
              description: 'x',
              suspended: r.suspended,
              overdue: r.overdue,
              immediate: false,
              method: r.legacy ? 'barmanObjectStore' : 'plugin',
              ...(r.schedule === 'bad cron'
                ? { error: 'invalid cron expression' }
                : {}),
            },
          ],
      catalog: undefined,
      missingCrds: r.missingCrds,
      objectStoreCrdHasSidecarEnv: false,
      sharedArchiveWriters: [],
      failedBackupErrors: [],
    } as unknown as DatabaseDiagnosisContext;
    if (r.walSegments > 0 && archive) {
      (context as any).catalog = {
        schemaVersion: 1,
        destination: destinationPath,
        serverName,
        backups: [],
        wal: {
          timelines: [
            {
              timeline: 1,
              firstSegment: '000000010000000000000001',
              lastSegment: '000000010000000000000001',
              segmentCount: r.walSegments,
              gaps: [],
              historyFile: true,
              partialSegments: [],
              lastModified: '2025-01-01T00:00:00.000Z',
            },
          ],
          compressions: ['gzip'],
          segmentSize: 16777216,
        },
        recoveryWindow: { ranges: [] },
        diagnoses: [],
        scan: {
          complete: true,
          errors: [],
          requests: 1,
          durationMs: 1,
          scannedAt: NOW,
          walObjects: r.walSegments,
          incremental: false,
        },
      };
    }
    return context;
  });

function diagnosesOf(context: DatabaseDiagnosisContext): Diagnosis[] {
  return databaseDiagnosisRules.flatMap(rule => rule(context));
}

function problemsOf(snippet: string): string[] {
  const docs = parseAllDocuments(snippet);
  const problems: string[] = [];
  for (const doc of docs) {
    for (const error of doc.errors) problems.push(`YAML: ${error.message}`);
    const value = doc.toJS();
    if (
      value &&
      typeof value === 'object' &&
      'apiVersion' in value &&
      'kind' in value
    ) {
      problems.push(
        ...validateCnpgResource(value).errors.map(e => `CRD/webhook: ${e}`),
      );
      if (value.kind === 'Cluster' && value.spec?.bootstrap?.recovery) {
        problems.push(
          ...checkClusterWebhookRules(value, { requireRecovery: true }).map(
            e => `webhook: ${e}`,
          ),
        );
      }
    }
  }
  return problems;
}

describe('every fixSnippet of every diagnosis rule (fuzzed contexts)', () => {
  it('parses as YAML and every manifest in it passes the CRD + webhook validation', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(contextArb, context => {
        for (const diagnosis of diagnosesOf(context)) {
          if (!diagnosis.fixSnippet) continue;
          seen.add(diagnosis.id);
          const problems = problemsOf(diagnosis.fixSnippet);
          if (problems.length > 0) {
            throw new Error(
              `${diagnosis.id}: ${problems.join('; ')}\n--- snippet ---\n${
                diagnosis.fixSnippet
              }`,
            );
          }
        }
      }),
      { numRuns: 400, seed: 20250610 },
    );
    // The fuzzing reached the rules that carry manifests.
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'expected-empty-archive',
        'archive-is-recovery-source',
      ]),
    );
  });

  it('"Expected empty archive" option 2 is a complete recovery Cluster using the planner\'s next serverName', () => {
    fc.assert(
      fc.property(contextArb, context => {
        const ctx = {
          ...context,
          cluster: {
            ...context.cluster,
            conditions: [
              {
                type: 'ContinuousArchiving',
                status: 'False' as const,
                message: 'Expected empty archive',
              },
            ],
          },
        };
        const diagnosis = diagnosesOf(ctx).find(
          d => d.id === 'expected-empty-archive',
        )!;
        expect(diagnosis).toBeDefined();
        const serverName =
          ctx.archive?.serverName ??
          ctx.pluginEntry?.serverName ??
          ctx.cluster.name;
        const expected = chooseNextServerName({
          sourceServerName: serverName,
          taken: ctx.recoverySources.map(s => s.serverName),
        });
        expect(expected).not.toMatch(/-v\d+-v2$/);
        const docs = parseAllDocuments(diagnosis.fixSnippet!).map(d =>
          d.toJS(),
        );
        expect(docs).toHaveLength(2);
        const cluster = docs[1];
        expect(cluster.kind).toBe('Cluster');
        expect(cluster.spec.storage.size).toBe(
          ctx.cluster.storageSize ?? '10Gi',
        );
        expect(cluster.spec.plugins ?? []).not.toHaveLength(2);
        const archivesTo =
          cluster.spec.backup?.barmanObjectStore?.serverName ??
          cluster.spec.plugins[0].parameters.serverName;
        expect(archivesTo).toBe(expected);
        const readsFrom =
          cluster.spec.externalClusters[0].barmanObjectStore?.serverName ??
          cluster.spec.externalClusters[0].plugin.parameters.serverName;
        expect(readsFrom).toBe(serverName);
        // Without a known database, CNPG's own default (app) applies: nothing written.
        expect(cluster.spec.bootstrap.recovery.database).toBe(
          ctx.cluster.database,
        );
        expect(diagnosis.fix).toContain(`"${expected}"`);
      }),
      { numRuns: 200, seed: 4242 },
    );
  });
});
