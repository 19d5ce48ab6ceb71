/**
 * Test utilities that run the REAL tools: PostgreSQL 15, barman-cli-cloud 3.x and an in-process s3rver.
 * Used by the integration tests (catalog proof, PITR proof) and the benchmarks; never by production code.
 * Requires `scripts/ensure-apt.sh postgresql-15 barman-cli-cloud` and Node with `--openssl-legacy-provider`.
 *
 * @packageDocumentation
 */
export * from './errors';
export { runCommand, isRoot, waitFor } from './exec';
export type { CommandResult, RunCommandOptions } from './exec';
export * from './tools';
export * from './s3rverServer';
export * from './s3objects';
export * from './postgres';
export * from './barmanCloud';
export * from './realArchive';
