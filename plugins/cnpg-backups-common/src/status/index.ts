/*
 * The status of a database: the REST types, and the pure assembly from everything gathered
 * (reconciliation, diagnoses, health decided once).
 */
export * from './types';
export * from './freshness';
export * from './backups';
export * from './summarize';
export * from './recoveryWindow';
export * from './reconcileBackups';
export * from './health';
export * from './clusterSpec';
export * from './errors';
export * from './lineage';
export * from './sharedWriters';
export * from './shellStatus';
export * from './assembleDatabaseStatus';
