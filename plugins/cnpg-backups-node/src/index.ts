/**
 * S3 access to Barman Cloud archives, the catalog scanner and the cnpg-backups CLI.
 *
 * @packageDocumentation
 */
export {};
export * from './crds';
