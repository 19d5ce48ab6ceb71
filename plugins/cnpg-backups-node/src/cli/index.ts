export { main as runCnpgBackupsCli } from './main';
export {
  runInspect,
  summarizeCatalog,
  CliUsageError,
  EXIT_HEALTHY,
  EXIT_FINDINGS,
  EXIT_USAGE_OR_CONNECTION,
} from './inspect';
export type {
  CliIo,
  InspectOptions,
  ServerNameLine,
  ServerNamesReport,
} from './inspect';
export { renderCatalogText, renderServerNamesText } from './textReport';
