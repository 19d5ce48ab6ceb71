/**
 * Barman destination paths (`s3://bucket/prefix`). The parser has one home in -common
 * (`archive/destination.ts`); it is re-exported here (public API of this package).
 */
import {
  InvalidDestinationError,
  isServerName,
} from '@cnpg-backups/plugin-cnpg-backups-common';

export {
  InvalidDestinationError,
  parseDestination,
} from '@cnpg-backups/plugin-cnpg-backups-common';
export type { ArchiveDestination } from '@cnpg-backups/plugin-cnpg-backups-common';

/**
 * Validates a serverName as a single folder name under the destination prefix, with the one
 * serverName rule of -common (`isServerName`).
 *
 * @throws InvalidDestinationError when it is not a safe serverName.
 * @public
 */
export function assertServerName(destination: string, serverName: string) {
  if (typeof serverName !== 'string' || serverName.trim() === '') {
    throw new InvalidDestinationError(destination, 'the serverName is empty');
  }
  if (!isServerName(serverName)) {
    throw new InvalidDestinationError(
      destination,
      `serverName "${serverName}" must be a single folder name (letters, digits, ".", "_" and "-", no "/", no "..", no spaces)`,
    );
  }
}
