export { BackUpNowButton, findCreatedBackup } from './BackUpNowButton';
export type { BackUpNowButtonProps, BackupProgress } from './BackUpNowButton';
