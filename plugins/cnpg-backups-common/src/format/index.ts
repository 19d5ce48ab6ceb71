export { formatBytes } from './bytes';
