export { useEntityBackupStatus } from './useEntityBackupStatus';
export type { EntityBackupStatusState } from './useEntityBackupStatus';
