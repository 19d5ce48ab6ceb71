export {
  BarmanArchiveScanner,
  InvalidScannerClockError,
  planWalSplits,
} from './BarmanArchiveScanner';
export type {
  BarmanArchiveScannerOptions,
  CachedObjectText,
  HashDirState,
  ScanResult,
  ScanState,
  ScannerLogger,
  ScanProgress,
  ServerNameEmptiness,
} from './BarmanArchiveScanner';
export { CompactObjectList } from './CompactObjectList';
