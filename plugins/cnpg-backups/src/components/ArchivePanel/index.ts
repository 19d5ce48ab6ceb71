export { ArchivePanel } from './ArchivePanel';
export type { ArchivePanelProps } from './ArchivePanel';
