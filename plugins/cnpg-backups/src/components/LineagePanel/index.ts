export { LineagePanel } from './LineagePanel';
export type { LineagePanelProps } from './LineagePanel';
