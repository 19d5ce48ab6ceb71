/**
 * Scaffolder actions for CNPG recovery.
 *
 * @packageDocumentation
 */
export { scaffolderModuleCnpgBackups as default } from './module';
