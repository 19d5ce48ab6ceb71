export { NoClusterFound, isEmptyStatus } from './NoClusterFound';
