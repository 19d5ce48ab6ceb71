/*
 * The pure Barman catalog core: WAL arithmetic, backup.info and history-file parsers,
 * and the catalog builder.
 */
export * from './types';
export * from './errors';
export {
  DEFAULT_WAL_SEGMENT_SIZE,
  classifyArchiveFile,
  compareLsn,
  formatLsn,
  formatWalName,
  historyFileName,
  isLsn,
  isValidSegmentSize,
  isWalName,
  nextWalName,
  normalizeLsn,
  normalizeWalName,
  parseLsn,
  parseWalName,
  prevWalName,
  segmentIndexOfLsn,
  segmentLsnRange,
  segmentsPerLog,
  walDistance,
  walNameForLsn,
  walNameFromPosition,
  walPosition,
  walSegmentPosition,
  walStartLsn,
} from './wal';
export type {
  ArchiveFileKind,
  ClassifiedArchiveFile,
  WalPosition,
  WalSegmentParts,
} from './wal';
export { parsePythonLiteral } from './pythonLiteral';
export type { PythonValue } from './pythonLiteral';
export { MAX_BACKUP_INFO_LENGTH, parseBackupInfo } from './backupInfo';
export type {
  BackupInfo,
  BackupInfoStatus,
  BackupInfoTablespace,
} from './backupInfo';
export { MAX_HISTORY_FILE_LENGTH, parseHistoryFile } from './history';
export type { TimelineHistory, TimelineHistoryEntry } from './history';
export { buildCatalog } from './buildCatalog';
export { ownString } from './ownStrings';
export { applyCatalogClusterName } from './diagnoses';
export type { ArchiveObject, BuildCatalogInput } from './buildCatalog';
export {
  backupIdTime,
  doneBackups,
  isBarmanBackupId,
  isUsableBaseBackup,
  newestDoneBackup,
  oldestDoneBackup,
} from './backups';
