/**
 * Backend for CNPG Backups.
 *
 * @packageDocumentation
 */
export { cnpgBackupsPlugin as default } from './plugin';
