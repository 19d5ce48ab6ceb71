/*
 * DEMO / TEST ONLY: the Kubernetes API stand-in and the self-contained demo environment (stand-in + s3rver with
 * Barman archives + a simulated operator). Never used against real clusters.
 */
export { startDemoEnvironment } from './startDemoEnvironment';
export type { DemoEnvironment, DemoEnvironmentOptions } from './startDemoEnvironment';
export { BOTO3_CHECKSUM_ERROR, DEMO_SECRET_MARKER } from './scenarios';
export { DEMO_NOW_ENV, InvalidDemoNowError, offsetClock, parseDemoNow } from './clock';
export type { DemoClock } from './clock';
export * from './standin';
