export * from './types';
export * from './errors';
export { HttpCnpgKubernetesClient } from './HttpCnpgKubernetesClient';
export type { HttpCnpgKubernetesClientOptions } from './HttpCnpgKubernetesClient';
export {
  readKubernetesClusters,
  KubernetesConfigError,
} from './KubernetesClusterConfig';
export type { KubernetesClusterConnection } from './KubernetesClusterConfig';
