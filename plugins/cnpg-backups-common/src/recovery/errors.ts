/*
 * Named errors of the recovery planner and manifest builder. Every refusal says what was
 * wrong and why, so the scaffolder and the CLI can show it verbatim.
 */

/**
 * Base class of every refusal from the recovery planner and manifest builder.
 * @public
 */
export class RecoveryPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecoveryPlanError';
  }
}

/**
 * A name or value that cannot be put into a manifest (not a DNS name, not a safe path
 * segment, contains newlines or YAML/shell metacharacters...).
 * @public
 */
export class InvalidRecoveryInputError extends RecoveryPlanError {
  /** The input field at fault, e.g. `newClusterName`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`Invalid ${field}: ${message}`);
    this.name = 'InvalidRecoveryInputError';
    this.field = field;
  }
}

/**
 * A recovery target that CNPG would reject or misread.
 * @public
 */
export class InvalidRecoveryTargetError extends RecoveryPlanError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRecoveryTargetError';
  }
}

/**
 * A target time without an explicit zone. CNPG reads such values as UTC, which silently
 * shifts the target by the operator's UTC offset; we refuse instead of guessing.
 * @public
 */
export class RecoveryTimeWithoutZoneError extends InvalidRecoveryTargetError {
  constructor(value: string) {
    super(
      `targetTime "${value}" has no time zone; give an explicit zone such as "2025-06-01T09:15:00Z" or "2025-06-01T11:15:00+02:00"`,
    );
    this.name = 'RecoveryTimeWithoutZoneError';
  }
}

/**
 * A target before the first recoverability point (the end of the oldest usable base backup).
 * @public
 */
export class RecoveryTargetBeforeWindowError extends InvalidRecoveryTargetError {
  constructor(message: string) {
    super(message);
    this.name = 'RecoveryTargetBeforeWindowError';
  }
}

/**
 * A target after the last recoverable point (the newest WAL reachable without a gap).
 * @public
 */
export class RecoveryTargetAfterWindowError extends InvalidRecoveryTargetError {
  constructor(message: string) {
    super(message);
    this.name = 'RecoveryTargetAfterWindowError';
  }
}

/**
 * A target that can only be reached by replaying WAL across a gap in the archive.
 * @public
 */
export class RecoveryTargetInWalGapError extends InvalidRecoveryTargetError {
  constructor(message: string) {
    super(message);
    this.name = 'RecoveryTargetInWalGapError';
  }
}

/**
 * No DONE, restorable base backup can serve the target.
 * @public
 */
export class NoBaseBackupError extends RecoveryPlanError {
  constructor(message: string) {
    super(message);
    this.name = 'NoBaseBackupError';
  }
}

/**
 * The archive serverName for the new cluster collides with the source, a recovery source or
 * a non-empty serverName (CNPG would fail with "Expected empty archive").
 * @public
 */
export class ServerNameConflictError extends RecoveryPlanError {
  constructor(message: string) {
    super(message);
    this.name = 'ServerNameConflictError';
  }
}

/**
 * The source Cluster has no Barman Cloud archive configuration (neither the plugin nor the
 * legacy `spec.backup.barmanObjectStore`), so there is nothing to recover from.
 * @public
 */
export class UnsupportedSourceClusterError extends RecoveryPlanError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedSourceClusterError';
  }
}

/**
 * A produced manifest broke a CNPG admission-webhook rule. Raised by the builder itself, so
 * a manifest that CNPG would reject is never handed out.
 * @public
 */
export class RecoveryManifestInvalidError extends RecoveryPlanError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`The generated manifest breaks CNPG rules: ${problems.join('; ')}`);
    this.name = 'RecoveryManifestInvalidError';
    this.problems = problems;
  }
}
