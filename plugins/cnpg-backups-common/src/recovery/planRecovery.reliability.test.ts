/*
 * Reliability (issue 7) for the recovery planner.
 *  1. Inputs fuzzing, 10,000 runs: random bucket states (catalog backups, lineage, recovery
 *     sources, non-empty serverNames) and hostile targets/names → a plan or a NAMED refusal.
 *     (buildRecoveryManifests.fuzz.test.ts fuzzes the builder and one fixed status, 2,000 runs.)
 *  2. Data safety: whatever the bucket holds, no plan + manifest archives into a non-empty
 *     serverName, a recovery source, any serverName of the lineage, or the source's serverName,
 *     and the manifest always recovers from the source's serverName.
 */
import fc from 'fast-check';
import type { BarmanCatalog } from '../catalog/types';
import type { LineageEntry, RecoverySource } from '../status/types';
import { buildRecoveryManifests } from './buildRecoveryManifests';
import { RecoveryPlanError, ServerNameConflictError } from './errors';
import { planRecovery, type RecoveryPlanStatus } from './planRecovery';
import { validateRecoveryTarget } from './target';
import type { RecoveryTargetKind, RecoveryTargetRequest } from './types';
import {
  backup,
  catalogWithGap,
  legacySource,
  pluginSource,
  statusFor,
} from './__fixtures__/recoveryFixtures';

const RUNS = 10_000;
const BUILT_IN_ERROR_NAMES = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
]);

/** Several name families with generations (`app`, `app-v2`, ... `app-v12`). */
const base = fc.constantFrom('app', 'orders-db', 'pg', 'immich-database');
const generation = fc.integer({ min: 0, max: 12 });
/** Generation 0 is the bare name (`app`), then `app-v1`, `app-v2`... */
const withGeneration = (b: string, g: number) => (g === 0 ? b : `${b}-v${g}`);

interface BucketState {
  family: string;
  sourceServerName: string;
  /** serverNames holding WAL (non-empty folders). */
  nonEmpty: string[];
  /** serverNames known to the lineage (listed in the bucket). */
  lineage: string[];
  recoverySources: string[];
  form: 'plugin' | 'legacy';
}

const bucketState: fc.Arbitrary<BucketState> = fc
  .record({
    family: base,
    source: generation,
    nonEmpty: fc.uniqueArray(generation, { maxLength: 8 }),
    lineage: fc.uniqueArray(generation, { maxLength: 8 }),
    sources: fc.uniqueArray(generation, { maxLength: 3 }),
    strangers: fc.uniqueArray(
      fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
      { maxLength: 3 },
    ),
    form: fc.constantFrom<'plugin' | 'legacy'>('plugin', 'legacy'),
  })
  .map(r => ({
    family: r.family,
    sourceServerName: withGeneration(r.family, r.source),
    nonEmpty: [
      ...r.nonEmpty.map(g => withGeneration(r.family, g)),
      ...r.strangers,
    ],
    lineage: r.lineage.map(g => withGeneration(r.family, g)),
    recoverySources: r.sources.map(g => withGeneration(r.family, g)),
    form: r.form,
  }));

function statusOf(
  state: BucketState,
  catalog: BarmanCatalog | undefined,
): RecoveryPlanStatus {
  const status = statusFor(
    catalog ? { ...catalog, serverName: state.sourceServerName } : undefined,
  );
  const lineage: LineageEntry[] = [
    {
      serverName: state.sourceServerName,
      current: true,
      recoverySource: false,
    },
    ...state.lineage.map(serverName => ({
      serverName,
      current: false,
      recoverySource: state.recoverySources.includes(serverName),
    })),
  ];
  const recoverySources: RecoverySource[] = state.recoverySources.map(
    (serverName, i) => ({
      name: `origin-${i}`,
      form: state.form,
      serverName,
    }),
  );
  return {
    ...status,
    catalog: catalog
      ? { ...catalog, serverName: state.sourceServerName }
      : undefined,
    archive: {
      ...status.archive!,
      form: state.form,
      serverName: state.sourceServerName,
    },
    lineage,
    recoverySources,
  };
}

/** A catalog derived from the two-range fixture: backups dropped, failed, or garbled. */
const catalogArb: fc.Arbitrary<BarmanCatalog | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(catalogWithGap()) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        keep: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        status: fc.constantFrom(
          'DONE',
          'FAILED',
          'STARTED',
          'WAITING_FOR_WALS',
          'garbage',
        ),
        extra: fc.option(
          fc.record({
            id: fc.oneof(
              fc.string(),
              fc.constantFrom('20250601T120000', '99999999T999999'),
            ),
            endTime: fc.oneof(
              fc.string(),
              fc.date({ noInvalidDate: true }).map(d => d.toISOString()),
            ),
            beginWal: fc.oneof(
              fc.string(),
              fc.constant('000000010000000000000003'),
            ),
          }),
          { nil: undefined },
        ),
        complete: fc.boolean(),
      })
      .map(r => {
        const c = catalogWithGap();
        const backups = c.backups.filter((_, i) => r.keep[i]);
        if (backups[0]) backups[0] = { ...backups[0], status: r.status as any };
        if (r.extra)
          backups.push(
            backup(r.extra.id, {
              beginTime: r.extra.endTime,
              endTime: r.extra.endTime,
              beginWal: r.extra.beginWal,
              endWal: r.extra.beginWal,
            }),
          );
        return { ...c, backups, scan: { ...c.scan, complete: r.complete } };
      }),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'db\nkind: Secret',
    '../x',
    '---',
    'A_B',
    'x'.repeat(70),
    '2025-06-01T09:00:00',
  ),
);
const kinds = fc.constantFrom<RecoveryTargetKind>(
  'latest',
  'time',
  'lsn',
  'backup',
  'name',
  'xid',
);
const VALID: Record<RecoveryTargetKind, fc.Arbitrary<string>> = {
  latest: fc.constant(''),
  time: fc
    .date({
      min: new Date('2025-05-31T00:00:00Z'),
      max: new Date('2025-06-03T00:00:00Z'),
      noInvalidDate: true,
    })
    .map(d => d.toISOString()),
  lsn: fc.constantFrom('0/C000000', '0/3000000', '0/8800000', '0/F000000'),
  backup: fc.constant(''),
  name: fc.constant('before-migration'),
  xid: fc.constant('1234'),
};
const target: fc.Arbitrary<RecoveryTargetRequest> = kinds.chain(kind =>
  fc
    .record({
      value: fc.oneof(
        { weight: 4, arbitrary: VALID[kind] },
        { weight: 1, arbitrary: hostile },
      ),
      backupId: fc.option(
        fc.constantFrom(
          '20250601T020000',
          '20250602T020000',
          '20250601T030000',
          'nope',
        ),
        {
          nil: undefined,
        },
      ),
    })
    .map(({ value, backupId }) => ({
      kind,
      targetTime: value,
      targetLSN: value,
      targetName: value,
      targetXID: value,
      backupId,
    })),
);

function isNamedRefusal(error: unknown): boolean {
  return (
    error instanceof RecoveryPlanError &&
    !BUILT_IN_ERROR_NAMES.has(error.name) &&
    /^[A-Z][A-Za-z]+Error$/.test(error.name) &&
    error.message.length > 0
  );
}

function archiveServerNameOf(cluster: any): string | undefined {
  const walArchiver = (cluster.spec.plugins ?? []).find(
    (p: any) => p.isWALArchiver,
  );
  return (
    walArchiver?.parameters?.serverName ??
    cluster.spec.backup?.barmanObjectStore?.serverName
  );
}

function recoverySourceServerNameOf(cluster: any): string | undefined {
  const [external] = cluster.spec.externalClusters ?? [];
  return (
    external?.plugin?.parameters?.serverName ??
    external?.barmanObjectStore?.serverName
  );
}

describe('planRecovery reliability', () => {
  it(`inputs fuzzing (${RUNS} runs): a plan or a named refusal`, () => {
    let planned = 0;
    const refusals = new Set<string>();
    fc.assert(
      fc.property(
        bucketState,
        catalogArb,
        target,
        fc.option(fc.oneof(hostile, fc.constant('orders-restore')), {
          nil: undefined,
        }),
        fc.option(fc.oneof(hostile, fc.constant('app-v20')), {
          nil: undefined,
        }),
        (state, catalog, requested, newClusterName, targetServerName) => {
          try {
            const plan = planRecovery({
              status: statusOf(state, catalog),
              target: requested,
              newClusterName,
              takenServerNames: state.nonEmpty,
              targetServerName,
            });
            planned++;
            return (
              // Only a well-formed barman id may be the base backup (never "" or junk).
              /^\d{8}T\d{6}$/.test(plan.baseBackup.id) &&
              typeof plan.targetServerName === 'string' &&
              plan.targetServerName !== plan.sourceServerName &&
              !state.nonEmpty.includes(plan.targetServerName) &&
              catalog!.backups.some(
                b => b.id === plan.baseBackup.id && b.status === 'DONE',
              )
            );
          } catch (error) {
            refusals.add((error as Error).name);
            return isNamedRefusal(error);
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(planned).toBeGreaterThan(500);
    expect(refusals.size).toBeGreaterThanOrEqual(4);
  });

  it(`data safety (${RUNS} runs): never archives into a non-empty, lineage, recovery-source or source serverName`, () => {
    let built = 0;
    let conflicts = 0;
    fc.assert(
      fc.property(
        bucketState,
        target,
        fc.boolean(),
        (state, requested, forceTaken) => {
          const status = statusOf(state, catalogWithGap());
          const forbidden = new Set([
            state.sourceServerName,
            ...state.nonEmpty,
            ...state.lineage,
            ...state.recoverySources,
          ]);
          // Forcing the new archive into a used folder must be refused by name, never obeyed.
          const forced = forceTaken
            ? [...forbidden][state.nonEmpty.length % forbidden.size]
            : undefined;
          let plan;
          try {
            plan = planRecovery({
              status,
              target: requested,
              takenServerNames: state.nonEmpty,
              targetServerName: forced,
            });
          } catch (error) {
            // A bad target may be refused first; a forced used folder is never accepted (below).
            if (error instanceof ServerNameConflictError) conflicts++;
            return isNamedRefusal(error);
          }
          if (forced !== undefined) return false;
          if (forbidden.has(plan.targetServerName)) return false;
          const source = state.form === 'plugin' ? pluginSource : legacySource;
          let manifests;
          try {
            manifests = buildRecoveryManifests({
              source,
              newClusterName: plan.newClusterName,
              target: validateRecoveryTarget(
                plan.target as RecoveryTargetRequest,
              ),
              sourceServerName: plan.sourceServerName,
              targetServerName: plan.targetServerName,
              window: plan.window,
            });
          } catch (error) {
            return isNamedRefusal(error);
          }
          built++;
          for (const cluster of [
            manifests.recoveryCluster,
            manifests.afterRecoveryCluster,
          ]) {
            const archivesTo = archiveServerNameOf(cluster);
            if (archivesTo === undefined || forbidden.has(archivesTo))
              return false;
          }
          return (
            recoverySourceServerNameOf(manifests.recoveryCluster) ===
            state.sourceServerName
          );
        },
      ),
      { numRuns: RUNS },
    );
    expect(built).toBeGreaterThan(1000);
    expect(conflicts).toBeGreaterThan(1000);
  });
});
