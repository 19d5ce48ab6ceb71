/*
 * The one rule for a Barman serverName: it becomes ONE path segment under the destination
 * prefix, so letters, digits, ".", "_" and "-", starting with a letter or digit, no "..",
 * at most 200 characters. Used by the recovery planner, the scanner, the CLI and the router.
 */
import { InvalidRecoveryInputError } from '../recovery/errors';

const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The longest serverName accepted. @public */
export const SERVER_NAME_MAX_LENGTH = 200;

/** True when `value` is a safe serverName (see the module comment). @public */
export function isServerName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= SERVER_NAME_MAX_LENGTH &&
    SERVER_NAME.test(value) &&
    !value.includes('..')
  );
}

/**
 * Checks a Barman serverName.
 * @throws InvalidRecoveryInputError naming `field` when it is not a safe serverName
 * @public
 */
export function assertServerName(value: unknown, field = 'serverName'): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidRecoveryInputError(
      field,
      'a non-empty string is required',
    );
  }
  if (!isServerName(value)) {
    throw new InvalidRecoveryInputError(
      field,
      `${JSON.stringify(
        value,
      )} is not a safe serverName (one path segment: letters, digits, ".", "_" and "-", no "..", no "/", no spaces)`,
    );
  }
  return value;
}
