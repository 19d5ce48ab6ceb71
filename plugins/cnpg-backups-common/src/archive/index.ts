export { BARMAN_CLOUD_PLUGIN_NAME, OBJECTSTORE_CRD_NAME } from './names';
export {
  findPluginEntry,
  declaredArchive,
  usesBarmanPlugin,
} from './declaration';
export type {
  ArchiveDeclaration,
  ClusterLike,
  PluginArchiveEntry,
} from './declaration';
export {
  InvalidDestinationError,
  parseDestination,
  destinationParts,
  withoutTrailingSlashes,
  archiveFolderKey,
} from './destination';
export type { ArchiveDestination } from './destination';
export { detectS3Provider, isAwsEndpoint } from './provider';
export {
  isServerName,
  assertServerName,
  SERVER_NAME_MAX_LENGTH,
} from './serverName';
