export { BarmanArchiveScanner, planHashDirs } from './BarmanArchiveScanner';
export type {
  BarmanArchiveScannerOptions,
  CachedObjectText,
  HashDirState,
  HashDirStep,
  ScanResult,
  ScanState,
  ScannerLogger,
  ServerNameEmptiness,
} from './BarmanArchiveScanner';
export { CompactObjectList } from './CompactObjectList';
