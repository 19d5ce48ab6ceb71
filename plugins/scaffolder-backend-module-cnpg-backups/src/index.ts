/**
 * Scaffolder actions for CNPG recovery: plan, render + validate manifests, create the Cluster.
 *
 * @packageDocumentation
 */
export { scaffolderModuleCnpgBackups as default } from './module';
export * from './actions';
