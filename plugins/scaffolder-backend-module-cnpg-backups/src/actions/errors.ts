/*
 * Maps the pure core's named errors to the scaffolder's error vocabulary.
 */
import { InputError, isError } from '@backstage/errors';
import { RecoveryPlanError } from '@cnpg-backups/plugin-cnpg-backups-common';

/**
 * Re-throws a planner/builder refusal as an InputError that keeps the original name in the
 * message (`RecoveryTargetAfterWindowError: ...`); other errors pass through unchanged.
 * @public
 */
export function rethrowAsInputError(error: unknown): never {
  if (error instanceof RecoveryPlanError) {
    throw new InputError(`${error.name}: ${error.message}`, error);
  }
  if (isError(error)) {
    throw error;
  }
  throw new Error(String(error));
}
