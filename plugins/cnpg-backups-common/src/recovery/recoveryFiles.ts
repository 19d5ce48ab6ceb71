/*
 * The kustomize overlay and the rendered files of a recovery (used by buildRecoveryManifests.ts, which
 * re-exports RECOVERY_FILE_NAMES).
 */
import { renderYamlDocument } from './render';
import type {
  JsonPatchOperation,
  KubernetesObject,
  RecoveryManifests,
} from './types';

type Json = Record<string, any>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** File names of the rendered manifests. @public */
export const RECOVERY_FILE_NAMES = {
  recovery: 'cluster-recovery.yaml',
  afterRecovery: 'cluster-after-recovery.yaml',
  kustomization: 'kustomize/kustomization.yaml',
} as const;

/** The checked inputs of buildRecoveryManifests. */
export interface BuildInputs {
  sourceName: string;
  namespace: string;
  newName: string;
  sourceServerName: string;
  targetServerName: string;
  externalName: string;
  kustomizeBase: string;
  scheduledBackups: string[];
}

/**
 * The name a ScheduledBackup of the source gets in the overlay: the source cluster's name
 * swapped for the new one (`orders-daily` → `orders-restore-daily`), so it never replaces the
 * live ScheduledBackup of the old cluster.
 */
function renamedScheduledBackup(
  name: string,
  sourceName: string,
  newName: string,
): string {
  const renamed = name.startsWith(sourceName)
    ? `${newName}${name.slice(sourceName.length)}`
    : `${newName}-${name}`;
  return renamed.slice(0, 253).replace(/[-.]+$/, '');
}

/** The kustomize overlay over the source base producing the same recovery Cluster. */
export function buildKustomization(
  inputs: BuildInputs,
  sourceSpec: Json,
  spec: Json,
  recoverySpec: Json,
  form: 'plugin' | 'legacy',
): { kustomizePatch: JsonPatchOperation[]; kustomization: KubernetesObject } {
  const { newName, sourceName, namespace, targetServerName } = inputs;
  const kustomizePatch: JsonPatchOperation[] = [];
  if (newName !== sourceName) {
    kustomizePatch.push({
      op: 'replace',
      path: '/metadata/name',
      value: newName,
    });
  }
  if (sourceSpec.replica !== undefined) {
    kustomizePatch.push({ op: 'remove', path: '/spec/replica' });
  }
  if (
    isObject(sourceSpec.managed) &&
    sourceSpec.managed.services !== undefined
  ) {
    kustomizePatch.push(
      spec.managed === undefined
        ? { op: 'remove', path: '/spec/managed' }
        : { op: 'remove', path: '/spec/managed/services' },
    );
  }
  // `add` replaces an existing member, so this also swaps out a base `initdb`.
  kustomizePatch.push({
    op: 'add',
    path: '/spec/bootstrap',
    value: recoverySpec.bootstrap,
  });
  kustomizePatch.push({
    op: 'add',
    path: '/spec/externalClusters',
    value: [recoverySpec.externalClusters[0]],
  });
  if (form === 'plugin') {
    kustomizePatch.push({
      op: 'add',
      path: '/spec/plugins',
      value: spec.plugins,
    });
  } else {
    kustomizePatch.push({
      op: 'add',
      path: '/spec/backup/barmanObjectStore/serverName',
      value: targetServerName,
    });
  }
  // The base's ScheduledBackups still name the old cluster: left alone they would keep
  // backing up (or, applied next to the old one, take over) the source. Point them at the new
  // cluster under a new name.
  const scheduledBackupPatches =
    newName === sourceName
      ? []
      : inputs.scheduledBackups.map(name => ({
          target: {
            group: 'postgresql.cnpg.io',
            version: 'v1',
            kind: 'ScheduledBackup',
            name,
          },
          patch: renderYamlDocument([
            {
              op: 'replace',
              path: '/metadata/name',
              value: renamedScheduledBackup(name, sourceName, newName),
            },
            { op: 'replace', path: '/spec/cluster/name', value: newName },
          ] satisfies JsonPatchOperation[]),
        }));
  const kustomization: KubernetesObject = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace,
    resources: [inputs.kustomizeBase],
    patches: [
      {
        target: {
          group: 'postgresql.cnpg.io',
          version: 'v1',
          kind: 'Cluster',
          name: sourceName,
        },
        patch: renderYamlDocument(kustomizePatch),
      },
      ...scheduledBackupPatches,
    ],
  };
  return { kustomizePatch, kustomization };
}

/** The three files, each with a header saying how (and how not) to use it. */
export function renderRecoveryFiles(
  inputs: BuildInputs,
  targetText: string,
  objects: Pick<
    RecoveryManifests,
    'recoveryCluster' | 'afterRecoveryCluster' | 'kustomization'
  >,
): RecoveryManifests['files'] {
  const { namespace, sourceName, sourceServerName, newName, targetServerName } =
    inputs;
  const what = `${namespace}/${sourceName} (serverName ${sourceServerName}) → Cluster ${newName}, target: ${targetText}`;
  const recoveryHeader = [
    `CNPG recovery: ${what}`,
    `The new cluster archives to serverName ${targetServerName} (must be an empty folder).`,
    `Create with: kubectl create -f ${RECOVERY_FILE_NAMES.recovery}`,
    "Never kubectl apply / GitOps-sync this file: CNPG's mutating webhook would merge",
    'bootstrap.initdb into a server-side apply ("Only one bootstrap method can be specified at a time").',
    `After the restore, keep ${RECOVERY_FILE_NAMES.afterRecovery} in Git instead (no bootstrap).`,
  ];
  const afterHeader = [
    `Cluster ${newName} after its recovery from ${namespace}/${sourceName}: commit this to Git once the restore finished.`,
    'No bootstrap section: CNPG ignores bootstrap on an existing cluster, and keeping',
    'bootstrap.recovery in Git would silently re-restore old data if the Cluster were ever re-created.',
    `Archives to serverName ${targetServerName}; recover next time from that serverName.`,
  ];
  const kustomizeHeader = [
    `Recovery overlay: ${what}`,
    'Only for a Cluster that does NOT exist yet (the first sync creates it with bootstrap.recovery).',
    'Never switch an existing Cluster to this overlay: the webhook-added initdb stays and every sync fails.',
    `After the restore, go back to an overlay without bootstrap (see ${RECOVERY_FILE_NAMES.afterRecovery}).`,
  ];
  return {
    recovery: {
      path: RECOVERY_FILE_NAMES.recovery,
      content: renderYamlDocument(objects.recoveryCluster, recoveryHeader),
    },
    afterRecovery: {
      path: RECOVERY_FILE_NAMES.afterRecovery,
      content: renderYamlDocument(objects.afterRecoveryCluster, afterHeader),
    },
    kustomization: {
      path: RECOVERY_FILE_NAMES.kustomization,
      content: renderYamlDocument(objects.kustomization, kustomizeHeader),
    },
  };
}
