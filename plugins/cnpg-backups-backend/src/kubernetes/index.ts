export * from './types';
export * from './errors';
export { HttpCnpgKubernetesClient } from './HttpCnpgKubernetesClient';
export type { HttpCnpgKubernetesClientOptions } from './HttpCnpgKubernetesClient';
export {
  readKubernetesClusters,
  KubernetesConfigError,
} from './KubernetesClusterConfig';
export type { KubernetesClusterConnection } from './KubernetesClusterConfig';
export { KubernetesClientRegistry } from './KubernetesClientRegistry';
export { KubernetesReadCache } from './KubernetesReadCache';
export type { KubernetesReadCacheOptions } from './KubernetesReadCache';
export { CachingCnpgKubernetesClient } from './CachingCnpgKubernetesClient';
export { createKubernetesRegistry } from './createKubernetesRegistry';
