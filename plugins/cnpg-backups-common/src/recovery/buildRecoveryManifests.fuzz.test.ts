/*
 * Hostile-input fuzzing of the builder and the planner: whatever the strings, the result is
 * either a named RecoveryPlanError or manifests that pass the webhook rules and parse back to
 * exactly the objects (one YAML document each: no injected keys or documents).
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { RecoveryPlanError } from './errors';
import { buildRecoveryManifests } from './buildRecoveryManifests';
import { planRecovery } from './planRecovery';
import { validateRecoveryTarget } from './target';
import type { RecoveryTargetKind } from './types';
import { checkClusterWebhookRules } from './webhookRules';
import {
  legacySource,
  pluginSource,
  statusFor,
} from './__fixtures__/recoveryFixtures';

const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'db\nkind: Secret',
    'db: x',
    'db #x',
    '../../etc',
    'a/b',
    '---',
    '{a: 1}',
    '"quoted"',
    "it's",
    '2025-06-01T09:00:00',
    'x'.repeat(60),
  ),
);

/** Mostly a valid value, sometimes hostile: both paths get exercised. */
function mostly(valid: string) {
  return fc.oneof(
    { arbitrary: hostile, weight: 1 },
    { arbitrary: fc.constant(valid), weight: 3 },
  );
}

const VALID_TARGET_VALUE: Record<RecoveryTargetKind, string> = {
  latest: '',
  time: '2025-06-02T08:00:00+02:00',
  lsn: '0/C000000',
  backup: '',
  name: 'barman_20250602T020000',
  xid: '1234',
};

/** The single YAML document of `text`, or undefined when there are several or errors. */
function singleDocument(text: string): unknown {
  const docs = parseAllDocuments(text);
  if (docs.length !== 1 || (docs[0] as any).errors.length > 0) return undefined;
  return (docs[0] as any).toJS();
}

type Outcome<T> = { value: T } | { error: unknown };

function attempt<T>(fn: () => T): Outcome<T> {
  try {
    return { value: fn() };
  } catch (error) {
    return { error };
  }
}

function isNamedRefusal(error: unknown): boolean {
  return (
    error instanceof RecoveryPlanError &&
    error.name !== 'Error' &&
    /Error$/.test(error.name)
  );
}

const kinds = fc.constantFrom<RecoveryTargetKind>(
  'latest',
  'time',
  'lsn',
  'backup',
  'name',
  'xid',
);

describe('recovery fuzzing', () => {
  it('builder: named error or valid, injection-free manifests', () => {
    let built = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(pluginSource, legacySource),
        mostly('orders-db-restore'),
        mostly('orders-db-v2'),
        mostly('../../base'),
        kinds.chain(kind =>
          fc.tuple(fc.constant(kind), mostly(VALID_TARGET_VALUE[kind])),
        ),
        (
          source,
          newClusterName,
          targetServerName,
          kustomizeBase,
          [kind, value],
        ) => {
          const outcome = attempt(() =>
            buildRecoveryManifests({
              source,
              newClusterName,
              target: validateRecoveryTarget({
                kind,
                targetTime: value,
                targetLSN: value,
                targetName: value,
                targetXID: value,
                backupId: ['name', 'xid', 'backup'].includes(kind)
                  ? '20250601T020000'
                  : undefined,
              }),
              sourceServerName: 'src-server',
              targetServerName,
              kustomizeBase,
            }),
          );
          if ('error' in outcome) return isNamedRefusal(outcome.error);
          const result = outcome.value;
          built++;
          return (
            isDeepStrictEqual(
              singleDocument(result.files.recovery.content),
              result.recoveryCluster,
            ) &&
            isDeepStrictEqual(
              singleDocument(result.files.afterRecovery.content),
              result.afterRecoveryCluster,
            ) &&
            isDeepStrictEqual(
              singleDocument(result.files.kustomization.content),
              result.kustomization,
            ) &&
            checkClusterWebhookRules(result.recoveryCluster, {
              requireRecovery: true,
            }).length === 0 &&
            checkClusterWebhookRules(result.afterRecoveryCluster, {
              forbidBootstrap: true,
            }).length === 0
          );
        },
      ),
      { numRuns: 2000 },
    );
    // The accepting path must be exercised too, not only refusals.
    expect(built).toBeGreaterThan(200);
  });

  it('planner: named error or a plan whose serverName is fresh', () => {
    let planned = 0;
    fc.assert(
      fc.property(
        kinds,
        fc.oneof(
          hostile,
          fc
            .date({
              min: new Date('2025-05-31T00:00:00Z'),
              max: new Date('2025-06-03T00:00:00Z'),
              noInvalidDate: true,
            })
            .map(d => d.toISOString()),
        ),
        fc.option(mostly('orders-db-copy'), { nil: undefined }),
        fc.array(mostly('orders-db-v2'), { maxLength: 3 }),
        (kind, value, newClusterName, taken) => {
          const outcome = attempt(() =>
            planRecovery({
              status: statusFor(),
              target: {
                kind,
                targetTime: value,
                targetLSN: value,
                targetName: value,
                targetXID: value,
                backupId: ['latest', 'time', 'lsn'].includes(kind)
                  ? undefined
                  : '20250602T020000',
              },
              newClusterName,
              takenServerNames: taken,
            }),
          );
          if ('error' in outcome) return isNamedRefusal(outcome.error);
          const plan = outcome.value;
          planned++;
          return (
            plan.targetServerName !== plan.sourceServerName &&
            !taken.includes(plan.targetServerName) &&
            plan.newClusterName.length <= 50
          );
        },
      ),
      { numRuns: 2000 },
    );
    expect(planned).toBeGreaterThan(200);
  });
});
