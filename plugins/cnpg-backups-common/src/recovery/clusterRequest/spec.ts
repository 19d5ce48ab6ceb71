/*
 * Recovery-only Cluster rules, phase 2: the spec allow-list and bootstrap (recovery from an external
 * cluster's archive and nothing else).
 */
import {
  ALLOWED_RECOVERY_FIELDS,
  ALLOWED_RECOVERY_TARGET_FIELDS,
  ALLOWED_SPEC_FIELDS,
  isObject,
  type Json,
  ViolationList,
} from './common';

/** Checks that spec is an object carrying only allowed fields; returns it (else the check stops). */
export function checkSpecFields(
  manifest: Json,
  list: ViolationList,
): Json | undefined {
  if (!isObject(manifest.spec)) {
    list.add({
      code: 'NotARecoveryCluster',
      path: 'spec',
      message: 'spec is required (with bootstrap.recovery)',
    });
    return undefined;
  }
  const spec = manifest.spec;
  for (const key of Object.keys(spec)) {
    if (!ALLOWED_SPEC_FIELDS.has(key)) {
      list.forbid(`spec.${key}`, 'the recovery manifest never sets it');
    }
  }
  return spec;
}

function checkRecoveryFields(recovery: Json, list: ViolationList): void {
  for (const key of Object.keys(recovery)) {
    if (!ALLOWED_RECOVERY_FIELDS.has(key)) {
      list.forbid(
        `spec.bootstrap.recovery.${key}`,
        `only ${[...ALLOWED_RECOVERY_FIELDS].join(
          ', ',
        )} (a restore from an external cluster's archive)`,
      );
    }
  }
  if (recovery.recoveryTarget !== undefined) {
    if (!isObject(recovery.recoveryTarget)) {
      list.forbid(
        'spec.bootstrap.recovery.recoveryTarget',
        'must be an object',
      );
    } else {
      for (const key of Object.keys(recovery.recoveryTarget)) {
        if (!ALLOWED_RECOVERY_TARGET_FIELDS.has(key)) {
          list.forbid(
            `spec.bootstrap.recovery.recoveryTarget.${key}`,
            'not a CNPG recovery target field',
          );
        }
      }
    }
  }
  if (isObject(recovery.secret)) {
    for (const key of Object.keys(recovery.secret)) {
      if (key !== 'name')
        list.forbid(
          `spec.bootstrap.recovery.secret.${key}`,
          'only secret.name',
        );
    }
  }
  if (typeof recovery.source !== 'string' || recovery.source === '') {
    list.add({
      code: 'NotARecoveryCluster',
      path: 'spec.bootstrap.recovery.source',
      message:
        'spec.bootstrap.recovery.source must name the externalClusters entry holding the archive (restores from a Backup object or volume snapshots are not offered)',
    });
  }
}

/** Checks bootstrap: recovery and nothing else. Returns bootstrap.recovery when it is an object. */
export function checkBootstrap(
  spec: Json,
  list: ViolationList,
): Json | undefined {
  const bootstrap = spec.bootstrap;
  if (!isObject(bootstrap)) {
    list.add({
      code: 'NotARecoveryCluster',
      path: 'spec.bootstrap',
      message:
        'spec.bootstrap.recovery is required: this route only creates recovery Clusters',
    });
    return undefined;
  }
  for (const key of Object.keys(bootstrap)) {
    if (key !== 'recovery') {
      list.add({
        code: 'NotARecoveryCluster',
        path: `spec.bootstrap.${key}`,
        message: `spec.bootstrap.${key} is not allowed: only bootstrap.recovery (no initdb, no pg_basebackup, no SQL run as superuser)`,
      });
    }
  }
  if (!isObject(bootstrap.recovery)) {
    list.add({
      code: 'NotARecoveryCluster',
      path: 'spec.bootstrap.recovery',
      message: 'spec.bootstrap.recovery is required',
    });
    return undefined;
  }
  checkRecoveryFields(bootstrap.recovery, list);
  return bootstrap.recovery;
}
