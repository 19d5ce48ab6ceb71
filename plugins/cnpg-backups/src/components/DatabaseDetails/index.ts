export { DatabaseDetails } from './DatabaseDetails';
export type { DatabaseDetailsProps } from './DatabaseDetails';
