/* DEV/TEST ONLY: Kubernetes API stand-in (see KubernetesStandin.ts). */
export { KubernetesStandin } from './KubernetesStandin';
export type {
  KubernetesStandinOptions,
  StandinDenyRule,
  StandinFault,
} from './KubernetesStandin';
export { StandinStore, kubeTime } from './StandinStore';
export type {
  KubeObject,
  StandinChange,
  FieldValidation,
} from './StandinStore';
export { StandinApiError } from './status';
export type { KubeStatus } from './status';
export {
  parseLabelSelector,
  matchesLabelSelector,
  InvalidLabelSelectorError,
} from './labelSelector';
export type { StandinResourceType } from './resources';
