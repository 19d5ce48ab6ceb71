/**
 * DEMO ONLY (private package): the CNPG Backups demo environment as a backend module.
 *
 * @packageDocumentation
 */
export { cnpgBackupsModuleDemo as default } from './module';
