export type { ClusterLocator, LocatedCluster, LocatedClusters } from './types';
export { AnnotationClusterLocator } from './AnnotationClusterLocator';
export { assertEntityOwns } from './entityOwnership';
