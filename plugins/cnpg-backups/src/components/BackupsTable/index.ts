export { BackupsTable, toBackupRows } from './BackupsTable';
export type { BackupsTableProps, BackupRow } from './BackupsTable';
