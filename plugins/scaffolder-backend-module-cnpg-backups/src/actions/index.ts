export { createCnpgRecoveryPlanAction } from './planRecovery';
export type { CnpgRecoveryActionOptions } from './planRecovery';
export {
  createCnpgRecoveryManifestAction,
  validateRecoveryManifests,
} from './renderManifests';
export type { RecoveryManifestForm } from './renderManifests';
export { createCnpgClusterCreateAction } from './createCluster';
export {
  CnpgBackupsBackendClient,
  CNPG_BACKUPS_PLUGIN_ID,
} from './CnpgBackupsBackendClient';
export type {
  CnpgBackupsBackendClientOptions,
  DatabaseRef,
  ServerNameCheck,
  ServerNameClaimant,
} from './CnpgBackupsBackendClient';
export { resolveSourceClusterSpec } from './sourceSpec';
export type { ResolvedSourceSpec } from './sourceSpec';
