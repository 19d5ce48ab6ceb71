/**
 * Isomorphic types, annotations, permissions and the pure domain core of CNPG Backups.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './catalog';
export * from './status';
export * from './kubernetes';
export * from './recovery';
export * from './schedule';
export * from './diagnoses';
export * from './archive';
export * from './format';
export * from './fleet';
export * from './status/ids';
export * from './client';
