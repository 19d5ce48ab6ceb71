/*
 * Types of the recovery planner and the manifest builder.
 */

// The plugin name has one home: archive/names.ts (re-exported here, public API).
export { BARMAN_CLOUD_PLUGIN_NAME } from '../archive/names';

/** How the operator wants to pick the recovery point. @public */
export type RecoveryTargetKind =
  | 'latest'
  | 'time'
  | 'lsn'
  | 'backup'
  | 'name'
  | 'xid';

/**
 * The operator's raw request. Which fields are required depends on `kind`:
 * `time` → targetTime (with zone), `lsn` → targetLSN, `backup` → backupId,
 * `name` → targetName + backupId, `xid` → targetXID + backupId. `backupId` may pin the base
 * backup for every kind.
 * @public
 */
export interface RecoveryTargetRequest {
  kind: RecoveryTargetKind;
  targetTime?: string;
  targetLSN?: string;
  backupId?: string;
  targetName?: string;
  targetXID?: string;
  /** Stop just before the target instead of just after it (`recovery_target_inclusive = false`). */
  exclusive?: boolean;
}

/**
 * A checked target. `targetTime` is normalised to RFC 3339 UTC (`...Z`), `targetLSN` to
 * upper-case hex. `backup` means "the state at the end of that base backup"
 * (`targetImmediate` + `backupID`).
 * @public
 */
export type RecoveryTarget =
  | { kind: 'latest'; backupId?: string }
  | { kind: 'time'; targetTime: string; backupId?: string; exclusive?: boolean }
  | { kind: 'lsn'; targetLSN: string; backupId?: string; exclusive?: boolean }
  | { kind: 'backup'; backupId: string }
  | { kind: 'name'; targetName: string; backupId: string }
  | { kind: 'xid'; targetXID: string; backupId: string; exclusive?: boolean };

/**
 * `spec.bootstrap.recovery.recoveryTarget` as CNPG spells it.
 * @public
 */
export interface CnpgRecoveryTarget {
  backupID?: string;
  targetTime?: string;
  targetLSN?: string;
  targetName?: string;
  targetXID?: string;
  targetImmediate?: boolean;
  exclusive?: boolean;
}

/** A Kubernetes object as plain JSON. @public */
export type KubernetesObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
  spec?: Record<string, unknown>;
  [key: string]: unknown;
};

/** The source Cluster: its identity and `spec` (status and server-side metadata are ignored). @public */
export interface SourceCluster {
  name: string;
  namespace: string;
  spec: Record<string, unknown>;
}

/** Options of {@link buildRecoveryManifests}. @public */
export interface BuildRecoveryManifestsOptions {
  source: SourceCluster;
  /** Name of the NEW Cluster (DNS-1035 label, at most 50 characters). */
  newClusterName: string;
  /** The checked target (see {@link validateRecoveryTarget}). */
  target: RecoveryTarget;
  /** serverName the backups and WAL were archived under (always written explicitly). */
  sourceServerName: string;
  /** serverName the new cluster archives to; must be an empty folder. */
  targetServerName: string;
  /** Name of the `externalClusters[]` entry used as the recovery source. Default `origin`. */
  externalClusterName?: string;
  /**
   * Kustomize overlay: path of the base holding the source Cluster, relative to the overlay.
   * Default `../../base`.
   */
  kustomizeBase?: string;
  /** Optional window check (ISO-8601): refuse time targets outside it. */
  window?: { from?: string; to?: string };
  /**
   * Names of the ScheduledBackups that point at the source cluster. The kustomize overlay
   * renames them and points them at the new cluster (unless the name does not change).
   */
  scheduledBackups?: string[];
}

/** One file of a rendered manifest set. @public */
export interface RenderedFile {
  /** Relative path, e.g. `cluster-recovery.yaml` or `kustomize/kustomization.yaml`. */
  path: string;
  content: string;
}

/** Everything the builder produces for one recovery. @public */
export interface RecoveryManifests {
  form: 'plugin' | 'legacy';
  /** The new Cluster with `bootstrap.recovery` (apply with `kubectl create -f`). */
  recoveryCluster: KubernetesObject;
  /** The same Cluster without bootstrap: what to keep in Git after the recovery. */
  afterRecoveryCluster: KubernetesObject;
  /** Kustomize overlay (seed-002 style) turning the source base into the recovery Cluster. */
  kustomization: KubernetesObject;
  /** The JSON 6902 operations inside the kustomization. */
  kustomizePatch: JsonPatchOperation[];
  /** YAML texts, each with the header comment. */
  files: {
    recovery: RenderedFile;
    afterRecovery: RenderedFile;
    kustomization: RenderedFile;
  };
  /** Things the operator must know (dropped fields, same-name restores...). */
  warnings: string[];
}

/** A JSON 6902 patch operation (the subset the overlay uses). @public */
export type JsonPatchOperation =
  | { op: 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };
