/*
 * The recovery-only rules for creating a Cluster (one shared, pure function). Used by the
 * backend route `POST /databases/:k8s/:ns/clusters` (with live facts: the entity's databases,
 * the serverNames every existing Cluster archives to, in-flight creations, the bucket) and by
 * the scaffolder action `cnpg:cluster:create` (structural rules only, for fast feedback).
 *
 * Allow-list: exactly what buildRecoveryManifests produces for a recovery Cluster:
 *   apiVersion, kind,
 *   metadata.{name, namespace, annotations[cnpg-backups.io/recovered-from, cnpg-backups.io/recovery-target]},
 *   spec.{the source spec fields the backend returns as clusterSpec (RECOVERY_COPIED_SPEC_FIELDS)},
 *   spec.bootstrap.recovery.{source, recoveryTarget, database, owner, secret},
 *   spec.externalClusters[one entry: name + plugin{name, parameters{barmanObjectName, serverName}}
 *                           or barmanObjectStore].
 * Why: everything else is a way to run code or reach data that a restore does not need —
 * initdb/postInitSQL (superuser SQL), managed.roles (new login roles), projected/ephemeral
 * volumes and sidecar-ish fields, labels (a `backstage.io/kubernetes-id` label attaches the
 * cluster to another team's entity), annotations such as cnpg.io/skipEmptyWalArchiveCheck.
 * Fields copied from the source that change what runs (image, PostgreSQL configuration incl.
 * pg_hba, superuser access, extra plugins) must equal the source's when the source is known.
 */
import { ViolationList } from './clusterRequest/common';
import { checkEnvelope, checkMetadata } from './clusterRequest/metadata';
import { checkBootstrap, checkSpecFields } from './clusterRequest/spec';
import { checkExternalClusters } from './clusterRequest/externalClusters';
import { checkTargetArchive } from './clusterRequest/archive';
import { checkFacts } from './clusterRequest/facts';
import type {
  CheckRecoveryClusterRequestOptions,
  RecoveryRequestCheck,
  RecoveryRequestViolation,
} from './clusterRequest/types';

export type {
  ArchiveFolderRef,
  CheckRecoveryClusterRequestOptions,
  OwnedRecoverySource,
  RecoveryRequestCheck,
  RecoveryRequestFacts,
  RecoveryRequestViolation,
  RecoveryRequestViolationCode,
} from './clusterRequest/types';
export { RECOVERY_COPIED_SPEC_FIELDS } from './clusterRequest/common';

/**
 * Checks a Cluster a caller wants to create against the recovery-only rules. Pure: no I/O.
 * Returns every violation found (empty = allowed); map them with
 * {@link recoveryViolationStatus}.
 * @public
 */
export function checkRecoveryClusterRequest(
  options: CheckRecoveryClusterRequestOptions,
): RecoveryRequestCheck {
  const list = new ViolationList();
  const { violations } = list;
  const { namespace, facts = {} } = options;

  const manifest = checkEnvelope(options.manifest, list);
  if (!manifest) return { violations };
  checkMetadata(manifest, namespace, list);
  const spec = checkSpecFields(manifest, list);
  if (!spec) return { violations };
  const recovery = checkBootstrap(spec, list);
  const sourceArchive = checkExternalClusters(spec, recovery, list);
  const targetArchive = checkTargetArchive(
    spec,
    sourceArchive,
    facts.objectStoreDestinations,
    list,
  );
  checkFacts(spec, facts, { sourceArchive, targetArchive }, list);
  return { violations, targetArchive, sourceArchive };
}

/**
 * The HTTP status for a set of violations: 400 for a bad manifest, else 403 when the source is
 * not owned, else 409 when the serverName is taken; undefined when there is none.
 * @public
 */
export function recoveryViolationStatus(
  violations: RecoveryRequestViolation[],
): 400 | 403 | 409 | undefined {
  if (violations.length === 0) return undefined;
  if (violations.some(v => v.code === 'RecoverySourceNotOwned')) {
    // A bad manifest still says 400 first, so a caller fixes it before learning about ownership.
    return violations.every(
      v => v.code === 'RecoverySourceNotOwned' || v.code === 'ServerNameTaken',
    )
      ? 403
      : 400;
  }
  if (violations.every(v => v.code === 'ServerNameTaken')) return 409;
  return 400;
}

/** One line naming every violation: `ForbiddenField spec.managed: …; ServerNameTaken: …`. @public */
export function describeRecoveryViolations(
  violations: RecoveryRequestViolation[],
): string {
  return violations
    .map(v => `${v.code}${v.path ? ` ${v.path}` : ''}: ${v.message}`)
    .join('; ');
}
