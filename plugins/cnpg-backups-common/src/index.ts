/**
 * Isomorphic types, annotations, permissions and the pure domain core of CNPG Backups.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './catalog/types';
export * from './status/types';
