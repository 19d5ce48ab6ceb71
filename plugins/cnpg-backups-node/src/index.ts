/**
 * S3 access to Barman Cloud archives, the catalog scanner and the cnpg-backups CLI.
 *
 * @packageDocumentation
 */
export * from './s3';
export * from './scanner';
export * from './cli';
export * from './crds';
