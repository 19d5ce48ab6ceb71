/*
 * Rules about what is installed in the Kubernetes cluster: the plugin, the CRDs, and the
 * ObjectStore CRD schema version (seed 000: an old CRD silently drops the env workaround).
 */
import type { Diagnosis } from '../catalog/types';
import type { DatabaseDiagnosisContext } from './types';
import { clusterDiagnosis, subjectOf } from './helpers';
import { OBJECTSTORE_CRD_NAME } from '../archive/names';

const OBJECTSTORE_CRD = OBJECTSTORE_CRD_NAME;

/**
 * `plugin-not-installed`: the cluster uses the barman-cloud plugin but the ObjectStore CRD is
 * missing, or the Cluster phase says an unknown plugin is required.
 * @public
 */
export function pluginNotInstalledRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  const crdMissing = context.missingCrds.includes(OBJECTSTORE_CRD);
  const unknownPlugin = /unknown plugin/i.test(context.cluster.phase ?? '');
  if (!unknownPlugin && !(crdMissing && context.pluginEntry)) return [];
  return [
    clusterDiagnosis(context, {
      id: 'plugin-not-installed',
      severity: 'error',
      says: `needs the Barman Cloud plugin (barman-cloud.cloudnative-pg.io), which is not installed in Kubernetes cluster ${context.cluster.kubernetesCluster}: nothing is archived or backed up.`,
      evidence: [
        ...(crdMissing
          ? [`CRD ${OBJECTSTORE_CRD} is not served (404 on the resource type)`]
          : []),
        ...(unknownPlugin
          ? [`Cluster status.phase="${context.cluster.phase}"`]
          : []),
      ],
      fix: 'Install plugin-barman-cloud (its manifest installs the ObjectStore CRD and the plugin Deployment in the operator namespace; it requires cert-manager and CloudNativePG ≥ 1.26).',
      fixSnippet:
        'kubectl apply -f https://github.com/cloudnative-pg/plugin-barman-cloud/releases/download/v0.14.0/manifest.yaml\n',
    }),
  ];
}

/**
 * `crd-not-installed`: a CNPG CRD other than ObjectStore (Backup, ScheduledBackup) is missing.
 * @public
 */
export function crdNotInstalledRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  return context.missingCrds
    .filter(crd => crd !== OBJECTSTORE_CRD)
    .map(crd => ({
      id: 'crd-not-installed',
      severity: 'error' as const,
      subject: subjectOf(context),
      message: `The CRD ${crd} is not installed in Kubernetes cluster ${
        context.cluster.kubernetesCluster
      }, so ${subjectOf(context)}'s ${crd.split('.')[0]} cannot be read.`,
      evidence: [`404 on the resource type ${crd}`],
      fix: 'Install or upgrade the CloudNativePG operator manifests (they carry all postgresql.cnpg.io CRDs).',
    }));
}

/**
 * Whether a CRD object (apiextensions.k8s.io/v1) has
 * `spec.instanceSidecarConfiguration.env` in the schema of its storage (or first served)
 * version.
 * @public
 */
export function objectStoreCrdHasSidecarEnv(crd: unknown): boolean | undefined {
  const versions = (crd as { spec?: { versions?: any[] } })?.spec?.versions;
  if (!Array.isArray(versions) || versions.length === 0) return undefined;
  const version =
    versions.find(v => v?.storage) ??
    versions.find(v => v?.served) ??
    versions[0];
  const root = version?.schema?.openAPIV3Schema;
  if (!root) return undefined;
  const sidecar =
    root?.properties?.spec?.properties?.instanceSidecarConfiguration;
  if (!sidecar) return false;
  if (sidecar['x-kubernetes-preserve-unknown-fields'] === true) return true;
  return Boolean(sidecar.properties?.env);
}

/**
 * `objectstore-crd-lacks-env`: the installed ObjectStore CRD has no
 * `instanceSidecarConfiguration.env`, so the API server prunes (or strict clients reject) the
 * env block, including the checksum workaround.
 * @public
 */
export function objectStoreCrdLacksEnvRule(
  context: DatabaseDiagnosisContext,
): Diagnosis[] {
  if (
    context.archive?.form !== 'plugin' ||
    context.objectStoreCrdHasSidecarEnv !== false
  ) {
    return [];
  }
  return [
    {
      id: 'objectstore-crd-lacks-env',
      severity: 'warning',
      subject: subjectOf(context),
      message: `The ObjectStore CRD installed in Kubernetes cluster ${context.cluster.kubernetesCluster} has no spec.instanceSidecarConfiguration.env: env variables set on ObjectStore ${context.cluster.namespace}/${context.archive.objectStoreName} (such as the boto3 checksum workaround) are pruned by the API server and never reach the sidecar.`,
      evidence: [
        `CRD ${OBJECTSTORE_CRD}: openAPIV3Schema has no properties.spec.properties.instanceSidecarConfiguration.properties.env`,
        `ObjectStore ${
          context.archive.objectStoreName
        } sidecar env as stored: ${
          context.archive.sidecarEnv.length
            ? context.archive.sidecarEnv.join(', ')
            : '(none)'
        }`,
      ],
      fix: 'Upgrade the ObjectStore CRD FIRST (apply the plugin-barman-cloud manifest matching the running plugin, v0.7.0 or later), then re-apply the ObjectStore with its env block, and check the sidecar container has the variables.',
      fixSnippet: `kubectl apply -f https://github.com/cloudnative-pg/plugin-barman-cloud/releases/download/v0.14.0/manifest.yaml\nkubectl get crd ${OBJECTSTORE_CRD} -o yaml | grep -A 30 instanceSidecarConfiguration\n`,
    },
  ];
}
