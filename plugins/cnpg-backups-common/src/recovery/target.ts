/*
 * Turns the operator's raw target request into a checked {@link RecoveryTarget} and maps it
 * to CNPG's `recoveryTarget` block.
 */
import { InvalidRecoveryTargetError } from './errors';
import type {
  CnpgRecoveryTarget,
  RecoveryTarget,
  RecoveryTargetRequest,
} from './types';
import {
  assertBackupId,
  assertTargetName,
  assertTargetXid,
  normalizeTargetLsn,
  parseTargetTime,
} from './validation';

const KINDS = ['latest', 'time', 'lsn', 'backup', 'name', 'xid'] as const;

function optionalBackupId(request: RecoveryTargetRequest): string | undefined {
  return request.backupId === undefined || request.backupId === ''
    ? undefined
    : assertBackupId(request.backupId);
}

function requiredBackupId(request: RecoveryTargetRequest, why: string): string {
  if (request.backupId === undefined || request.backupId === '') {
    throw new InvalidRecoveryTargetError(
      `backupId is required for a ${request.kind} target: ${why}`,
    );
  }
  return assertBackupId(request.backupId);
}

/**
 * Checks a raw target request.
 * @throws InvalidRecoveryTargetError (or RecoveryTimeWithoutZoneError) with the reason.
 * @public
 */
export function validateRecoveryTarget(
  request: RecoveryTargetRequest,
): RecoveryTarget {
  if (!request || !KINDS.includes(request.kind as (typeof KINDS)[number])) {
    throw new InvalidRecoveryTargetError(
      `Unknown target kind ${JSON.stringify(
        request?.kind,
      )}; expected one of ${KINDS.join(', ')}`,
    );
  }
  const exclusive = request.exclusive === true ? { exclusive: true } : {};
  const backupId = optionalBackupId(request);
  const pinned = backupId ? { backupId } : {};
  switch (request.kind) {
    case 'latest':
      return { kind: 'latest', ...pinned };
    case 'time':
      if (!request.targetTime) {
        throw new InvalidRecoveryTargetError(
          'targetTime is required for a time target',
        );
      }
      return {
        kind: 'time',
        targetTime: parseTargetTime(request.targetTime).rfc3339,
        ...pinned,
        ...exclusive,
      };
    case 'lsn':
      if (!request.targetLSN) {
        throw new InvalidRecoveryTargetError(
          'targetLSN is required for an lsn target',
        );
      }
      return {
        kind: 'lsn',
        targetLSN: normalizeTargetLsn(request.targetLSN),
        ...pinned,
        ...exclusive,
      };
    case 'backup':
      return {
        kind: 'backup',
        backupId: requiredBackupId(
          request,
          'it names the base backup to restore',
        ),
      };
    case 'name':
      if (!request.targetName) {
        throw new InvalidRecoveryTargetError(
          'targetName is required for a name target',
        );
      }
      return {
        kind: 'name',
        targetName: assertTargetName(request.targetName),
        backupId: requiredBackupId(
          request,
          'CNPG cannot choose a base backup for a restore point by itself',
        ),
      };
    case 'xid':
      if (!request.targetXID) {
        throw new InvalidRecoveryTargetError(
          'targetXID is required for an xid target',
        );
      }
      return {
        kind: 'xid',
        targetXID: assertTargetXid(request.targetXID),
        backupId: requiredBackupId(
          request,
          'CNPG cannot choose a base backup for a transaction id by itself',
        ),
        ...exclusive,
      };
    default:
      throw new InvalidRecoveryTargetError('Unknown target kind');
  }
}

/**
 * CNPG's `recoveryTarget` for a checked target. `backup` becomes `targetImmediate` so the
 * restore stops at the end of that backup instead of replaying all WAL after it.
 * @public
 */
export function toCnpgRecoveryTarget(
  target: RecoveryTarget,
): CnpgRecoveryTarget | undefined {
  switch (target.kind) {
    case 'latest':
      return target.backupId ? { backupID: target.backupId } : undefined;
    case 'time':
      return {
        ...(target.backupId ? { backupID: target.backupId } : {}),
        targetTime: target.targetTime,
        ...(target.exclusive ? { exclusive: true } : {}),
      };
    case 'lsn':
      return {
        ...(target.backupId ? { backupID: target.backupId } : {}),
        targetLSN: target.targetLSN,
        ...(target.exclusive ? { exclusive: true } : {}),
      };
    case 'backup':
      return { backupID: target.backupId, targetImmediate: true };
    case 'name':
      return { backupID: target.backupId, targetName: target.targetName };
    case 'xid':
      return {
        backupID: target.backupId,
        targetXID: target.targetXID,
        ...(target.exclusive ? { exclusive: true } : {}),
      };
    default:
      return undefined;
  }
}

/** One line describing a target, for plans and logs. @public */
export function describeRecoveryTarget(target: RecoveryTarget): string {
  switch (target.kind) {
    case 'latest':
      return target.backupId
        ? `latest (end of the archived WAL) from backup ${target.backupId}`
        : 'latest (end of the archived WAL)';
    case 'time':
      return `time ${target.targetTime}`;
    case 'lsn':
      return `LSN ${target.targetLSN}`;
    case 'backup':
      return `end of backup ${target.backupId}`;
    case 'name':
      return `restore point "${target.targetName}" from backup ${target.backupId}`;
    case 'xid':
      return `transaction ${target.targetXID} from backup ${target.backupId}`;
    default:
      return 'unknown';
  }
}
