/*
 * Named errors of the pure catalog core. Every strict parser in this folder throws one of
 * these (never a bare Error or a TypeError), so callers can turn bad archive content into
 * data with `isCatalogParseError`.
 */

/** A string is not a 24-hex WAL segment name (TTTTTTTTLLLLLLLLSSSSSSSS). @public */
export class InvalidWalNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWalNameError';
  }
}

/** A string is not a PostgreSQL LSN in `X/X` form. @public */
export class InvalidLsnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidLsnError';
  }
}

/** A WAL segment size is not a power of two between 1 MiB and 1 GiB. @public */
export class InvalidSegmentSizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSegmentSizeError';
  }
}

/** A Python literal (as barman writes with `repr`) could not be read. @public */
export class InvalidPythonLiteralError extends Error {
  /** 0-based character offset of the problem inside the literal text. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at offset ${position}`);
    this.name = 'InvalidPythonLiteralError';
    this.position = position;
  }
}

/** A backup.info file is malformed. Carries the 1-based line number and key when known. @public */
export class InvalidBackupInfoError extends Error {
  readonly line?: number;
  readonly key?: string;
  constructor(message: string, details: { line?: number; key?: string } = {}) {
    const where = [
      details.line !== undefined ? `line ${details.line}` : undefined,
      details.key !== undefined ? `key "${details.key}"` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    super(
      where ? `backup.info ${where}: ${message}` : `backup.info: ${message}`,
    );
    this.name = 'InvalidBackupInfoError';
    this.line = details.line;
    this.key = details.key;
  }
}

/** A PostgreSQL timeline history file is malformed. @public */
export class InvalidHistoryFileError extends Error {
  readonly line?: number;
  constructor(message: string, line?: number) {
    super(
      line !== undefined
        ? `history file line ${line}: ${message}`
        : `history file: ${message}`,
    );
    this.name = 'InvalidHistoryFileError';
    this.line = line;
  }
}

/** The input given to `buildCatalog` is not shaped as documented. @public */
export class InvalidCatalogInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCatalogInputError';
  }
}

/** Names of every error this folder throws. @public */
export const CATALOG_ERROR_NAMES = [
  'InvalidWalNameError',
  'InvalidLsnError',
  'InvalidSegmentSizeError',
  'InvalidPythonLiteralError',
  'InvalidBackupInfoError',
  'InvalidHistoryFileError',
  'InvalidCatalogInputError',
] as const;

/** True when `err` is one of the named errors of the catalog core. @public */
export function isCatalogParseError(
  err: unknown,
): err is
  | InvalidWalNameError
  | InvalidLsnError
  | InvalidSegmentSizeError
  | InvalidPythonLiteralError
  | InvalidBackupInfoError
  | InvalidHistoryFileError
  | InvalidCatalogInputError {
  return (
    err instanceof Error &&
    (CATALOG_ERROR_NAMES as readonly string[]).includes(err.name)
  );
}
