/**
 * S3 access to Barman Cloud archives, the catalog scanner, the cnpg-backups CLI, and the extension points
 * (with their types) of the CNPG Backups backend plugin.
 *
 * @packageDocumentation
 */
export * from './s3';
export * from './scanner';
export * from './cli';
export * from './crds';
export * from './kubernetes';
export * from './archive';
export * from './extensions';
