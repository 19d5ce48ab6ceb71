/*
 * DEMO / TEST ONLY: the Kubernetes API stand-in, the self-contained demo environment (stand-in + s3rver with
 * Barman archives + a simulated operator), the demo's expectations and the reliability test world. Never used
 * against real clusters; imported by tests of other packages through
 * `@cnpg-backups/plugin-cnpg-backups-backend-module-demo/testUtils`.
 */
export { startDemoEnvironment } from './startDemoEnvironment';
export type {
  DemoEnvironment,
  DemoEnvironmentOptions,
} from './startDemoEnvironment';
export { BOTO3_CHECKSUM_ERROR, DEMO_SECRET_MARKER } from './scenarios';
export {
  DEMO_NOW_ENV,
  InvalidDemoNowError,
  offsetClock,
  parseDemoNow,
} from './clock';
export type { DemoClock } from './clock';
export * from './demoExpectations';
export * from './standin';
export * from './worlds/reliabilityWorld';
