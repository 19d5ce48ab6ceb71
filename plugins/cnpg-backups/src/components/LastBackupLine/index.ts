export { LastBackupLine } from './LastBackupLine';
export type { LastBackupLineProps } from './LastBackupLine';
