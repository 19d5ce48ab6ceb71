/*
 * Upstream CRD schemas (CNPG v1.30, plugin-barman-cloud v0.14) and validation of CNPG manifests against them.
 */
export { validateCnpgResource, validateCnpgUpdate } from './validate';
export type { CnpgValidationResult } from './validate';
export type { CnpgValidationIssue } from './rules';
export { pruneUnknownFields, applyCrdDefaults } from './prune';
export { listCnpgCrds, findCnpgCrd } from './schemas';
export type { CnpgCrdDefinition, CrdSchemaNode } from './schemas';
