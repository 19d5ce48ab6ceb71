/*
 * TEST ONLY: harnesses other packages' tests (and bench/) use, through
 * `@cnpg-backups/plugin-cnpg-backups-node/testUtils`: the real-tools harness (PostgreSQL 15, barman-cli-cloud,
 * an in-process s3rver), the S3 fault proxy and the s3rver harness of the reliability suites. Nothing here is
 * imported by the package's own entry point. s3rver is NOT a dependency of this package: the functions that
 * start it load it lazily, so a test using them must have `s3rver` installed (a devDependency).
 */
export * from './testing';
// The entry point that exposes the package's test harnesses (its only purpose).
// eslint-disable-next-line no-restricted-imports
export {
  startFaultProxy,
  type FaultAction,
  type FaultProxy,
  type FaultRule,
  type ProxiedRequest,
} from './s3/__testUtils__/faultProxy';
// eslint-disable-next-line no-restricted-imports
export {
  startS3rver as startS3rverHarness,
  type S3rverHarness,
} from './s3/__testUtils__/s3rverHarness';
