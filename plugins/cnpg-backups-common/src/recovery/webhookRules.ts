/*
 * The one home of the CNPG validating-webhook rules for a Cluster, re-implemented from their documented
 * behaviour (reference §1.3, §1.4, §7). Two profiles (webhook/) share the rule primitives of webhook/primitives.ts:
 * - checkCnpgWebhookRules: what the operator's webhook admits (a zone-less targetTime is UTC, any duplicated
 *   plugin name is refused...), as Kubernetes field errors (`<field>: <Type>: <detail>`); -node's
 *   validateCnpgResource runs it after the CRD schema and CEL checks;
 * - checkClusterWebhookIssues / checkClusterWebhookRules: the stricter rules this package holds the recovery
 *   manifests it generates to (a time zone is required, the recovery source must be a usable archive, the new
 *   cluster must not archive into its source folder...), so that a manifest CNPG would reject or that would
 *   fail at the first WAL archive is caught before anyone runs `kubectl create`.
 * Schema (CRD) validation is separate (-node crds/).
 */
import type { KubernetesObject } from './types';
import {
  type CheckClusterWebhookRulesOptions,
  checkClusterWebhookIssues,
} from './webhook/manifestRules';

export type { CheckClusterWebhookRulesOptions } from './webhook/manifestRules';
export { checkClusterWebhookIssues } from './webhook/manifestRules';
export { checkCnpgWebhookRules } from './webhook/cnpgWebhook';

/**
 * Checks a Cluster object against the CNPG webhook rules relevant to recovery.
 * @returns the problems found (empty when the manifest is acceptable).
 * @public
 */
export function checkClusterWebhookRules(
  cluster: KubernetesObject,
  options: CheckClusterWebhookRulesOptions = {},
): string[] {
  return checkClusterWebhookIssues(cluster, options).map(i => i.message);
}
