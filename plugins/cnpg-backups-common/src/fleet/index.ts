/*
 * The fleet: stored snapshots of every database and the fleet page REST types.
 */
export * from './types';
