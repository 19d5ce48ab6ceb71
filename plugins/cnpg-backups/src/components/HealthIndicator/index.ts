export { HealthIndicator } from './HealthIndicator';
export type { HealthIndicatorProps } from './HealthIndicator';
