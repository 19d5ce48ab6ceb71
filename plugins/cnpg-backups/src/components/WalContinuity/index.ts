export { WalContinuity } from './WalContinuity';
export type { WalContinuityProps } from './WalContinuity';
