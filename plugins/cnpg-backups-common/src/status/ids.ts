/*
 * Identifiers shared by the backend, the frontend and the scaffolder module: the plugin id and
 * the id of one database (`<kubernetes cluster>/<namespace>/<name>`, the `DatabaseStatus.id`).
 */
import type { DatabaseRef } from './types';

/** The Backstage plugin id of CNPG Backups (discovery, permissions, config). @public */
export const CNPG_BACKUPS_PLUGIN_ID = 'cnpg-backups';

/** `DatabaseStatus.id` of a database: `<kubernetesCluster>/<namespace>/<name>`. @public */
export function databaseId(ref: DatabaseRef): string {
  return `${ref.kubernetesCluster}/${ref.namespace}/${ref.name}`;
}
