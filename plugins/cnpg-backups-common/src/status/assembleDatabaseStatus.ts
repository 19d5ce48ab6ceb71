/*
 * One database's status from everything gathered about it: reconciliation, diagnoses and
 * health, decided once. Pure: no clock read (`now` is an input), no I/O, nothing patched after.
 */
import { declaredArchive, findPluginEntry } from '../archive/declaration';
import type { BarmanCatalog, ServerNameSummary } from '../catalog/types';
import { diagnoseDatabase } from '../diagnoses/diagnoseDatabase';
import { objectStoreCrdHasSidecarEnv } from '../diagnoses/installationRules';
import type {
  CnpgBackup,
  CnpgCluster,
  CnpgObjectStore,
  CnpgScheduledBackup,
} from '../kubernetes/resources';
import { summarizeScheduledBackup } from '../schedule/cnpgSchedule';
import { lastBackup } from './backups';
import { applicationOf, pickClusterSpec } from './clusterSpec';
import { uniqueErrors } from './errors';
import { computeHealth } from './health';
import { archiveLineage } from './lineage';
import { reconcileBackups } from './reconcileBackups';
import { reconcileRecoveryWindow } from './recoveryWindow';
import { type ArchiveWriter, findSharedArchiveWriters } from './sharedWriters';
import { summarizeCluster } from './summarize';
import type {
  ArchiveTarget,
  DatabaseStatus,
  RecoverySource,
  SourceError,
} from './types';

/** Everything gathered about one database, the input of {@link assembleDatabaseStatus}. @public */
export interface DatabaseStatusInputs {
  /** The instant the status is for (schedules, ages, diagnoses). */
  now: Date;
  /** Name of the Kubernetes cluster (from Backstage's `kubernetes` config). */
  kubernetesCluster: string;
  cluster: CnpgCluster;
  /** The resolved archive, when the declaration (and its ObjectStore) could be resolved. */
  archive?: ArchiveTarget;
  /** The ObjectStore the plugin entry names, when found. */
  objectStore?: CnpgObjectStore;
  /** The namespace's ObjectStores that could be read (resolve siblings' folders). */
  objectStores?: readonly CnpgObjectStore[];
  recoverySources?: RecoverySource[];
  /** The namespace's Backup CRs (filtered to this cluster here); undefined when unread. */
  backups?: readonly CnpgBackup[];
  /** The namespace's ScheduledBackups (filtered to this cluster here); undefined when unread. */
  scheduledBackups?: readonly CnpgScheduledBackup[];
  /** The namespace's Clusters, for the shared-folder check; undefined when unread. */
  siblings?: readonly CnpgCluster[];
  /** The ObjectStore CRD as served, when read. */
  objectStoreCrd?: unknown;
  /** The bucket catalog of the current serverName, when scanned. */
  catalog?: BarmanCatalog;
  serverNames?: readonly ServerNameSummary[];
  /** CRDs found not installed while gathering. */
  missingCrds?: readonly string[];
  /** Errors met while gathering, in order (duplicates are dropped here). */
  errors?: readonly SourceError[];
  /**
   * Other databases of the same response writing to the same folder (`namespace` =
   * `<kubernetes-cluster>/<namespace>`). Used only when the namespace's own Clusters show no
   * other writer: those are named more precisely.
   */
  otherWriters?: readonly ArchiveWriter[];
}

/** The Backup and ScheduledBackup CRs of this cluster, and its failed backups' errors, newest first. */
function ownResources(inputs: DatabaseStatusInputs) {
  const name = inputs.cluster.metadata.name;
  const backups = (inputs.backups ?? []).filter(
    b =>
      b.spec?.cluster?.name === name ||
      b.metadata.labels?.['cnpg.io/cluster'] === name,
  );
  const schedules = (inputs.scheduledBackups ?? [])
    .filter(s => s.spec?.cluster?.name === name)
    .map(s => summarizeScheduledBackup(s, inputs.now))
    .sort((a, b) => a.name.localeCompare(b.name));
  const failedBackupErrors = backups
    .filter(b => b.status?.phase === 'failed' && b.status.error)
    .sort((a, b) =>
      (b.metadata.creationTimestamp ?? '').localeCompare(
        a.metadata.creationTimestamp ?? '',
      ),
    )
    .map(b => b.status!.error!);
  return { backups, schedules, failedBackupErrors };
}

/** The namespace's writers if any, else the response's: one list, decided before diagnosing. */
function archiveWriters(inputs: DatabaseStatusInputs): ArchiveWriter[] {
  if (!inputs.archive) return [];
  const siblings = findSharedArchiveWriters({
    cluster: inputs.cluster,
    archive: inputs.archive,
    siblings: inputs.siblings ?? [],
    objectStores: inputs.objectStores ?? [],
  });
  return siblings.length ? siblings : [...(inputs.otherWriters ?? [])];
}

/**
 * Assembles one database's status: filters its CRs, reconciles the recovery window and the
 * backups with the bucket, runs every diagnosis rule once (shared-archive writers included) and
 * decides the health once from all of it.
 * @public
 */
export function assembleDatabaseStatus(
  inputs: DatabaseStatusInputs,
): DatabaseStatus {
  const { now, kubernetesCluster, cluster, archive, catalog } = inputs;
  const namespace = cluster.metadata.namespace ?? '';
  const declaration = declaredArchive(cluster);
  const recoverySources = inputs.recoverySources ?? [];
  const { backups, schedules, failedBackupErrors } = ownResources(inputs);
  const summary = summarizeCluster(cluster, kubernetesCluster);
  const diagnoses = diagnoseDatabase({
    now: now.toISOString(),
    cluster: {
      kubernetesCluster,
      namespace,
      name: cluster.metadata.name,
      creationTimestamp: cluster.metadata.creationTimestamp,
      phase: cluster.status?.phase,
      conditions: summary.conditions,
      envNames: (cluster.spec?.env ?? []).map(e => e.name),
      ...applicationOf(cluster),
    },
    archive,
    pluginEntry: findPluginEntry(cluster),
    legacyArchive: Boolean(cluster.spec?.backup?.barmanObjectStore),
    recoverySources,
    schedules,
    catalog,
    missingCrds: [...new Set(inputs.missingCrds ?? [])],
    objectStoreCrdHasSidecarEnv: inputs.objectStoreCrd
      ? objectStoreCrdHasSidecarEnv(inputs.objectStoreCrd)
      : undefined,
    sharedArchiveWriters: archiveWriters(inputs),
    failedBackupErrors,
  });
  const recoveryWindow = reconcileRecoveryWindow({
    archive,
    cluster,
    objectStore: inputs.objectStore,
    catalog,
  });
  const errors = uniqueErrors(inputs.errors ?? []);
  const health = computeHealth({
    now,
    conditions: summary.conditions,
    archive,
    archiveDeclared: declaration !== undefined,
    catalog,
    operatorLastSuccessfulBackup:
      recoveryWindow.operator?.lastSuccessfulBackupTime,
    schedules,
    diagnoses,
    errors,
  });
  const reconciled = reconcileBackups({ backups: [...backups], catalog });
  const last = lastBackup(reconciled);
  return {
    id: `${kubernetesCluster}/${namespace}/${cluster.metadata.name}`,
    cluster: summary,
    health,
    archive,
    recoverySources,
    recoveryWindow,
    backups: reconciled,
    ...(last ? { lastBackupId: last.id } : {}),
    schedules,
    catalog,
    lineage: archiveLineage({
      archive,
      recoverySources,
      serverNames: inputs.serverNames,
      catalog,
    }),
    diagnoses,
    errors,
    actions: declaration
      ? {
          backupMethod:
            declaration.form === 'plugin' ? 'plugin' : 'barmanObjectStore',
        }
      : {},
    clusterSpec: pickClusterSpec(cluster),
  };
}
