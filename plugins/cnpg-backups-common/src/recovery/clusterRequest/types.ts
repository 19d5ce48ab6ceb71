/*
 * Public types of checkRecoveryClusterRequest (re-exported by ../checkRecoveryClusterRequest.ts).
 */

/** Violation codes of {@link checkRecoveryClusterRequest}. @public */
export type RecoveryRequestViolationCode =
  | 'NotACluster'
  | 'InvalidName'
  | 'NamespaceMismatch'
  | 'NotARecoveryCluster'
  | 'ForbiddenField'
  | 'SkipEmptyWalArchiveCheck'
  | 'SourceFieldChanged'
  | 'NoArchive'
  | 'RecoverySourceNotOwned'
  | 'ServerNameTaken';

/** One named reason a recovery Cluster request is refused. @public */
export interface RecoveryRequestViolation {
  code: RecoveryRequestViolationCode;
  /** JSON path in the manifest (`spec.managed.roles`), when the violation is about one field. */
  path?: string;
  /** The serverName concerned (ServerNameTaken, RecoverySourceNotOwned). */
  serverName?: string;
  message: string;
}

/** An archive folder: where (ObjectStore name or destinationPath) and which serverName. @public */
export interface ArchiveFolderRef {
  /** ObjectStore name (plugin form), in the namespace of the Cluster that names it. */
  objectStoreName?: string;
  /** s3://bucket/prefix (legacy form, or the ObjectStore's destinationPath when resolved). */
  destinationPath?: string;
  serverName: string;
}

/** A database the caller's entity declares (annotations), with the archives it may restore from. @public */
export interface OwnedRecoverySource {
  /** `<kubernetesCluster>/<namespace>/<name>`, for messages. */
  database: string;
  /** The source Cluster's spec, to compare copied fields against (optional). */
  spec?: Record<string, unknown>;
  /** Its archive and the archives it was itself recovered from. */
  archives: ArchiveFolderRef[];
}

/** Facts the rules are checked against. Omitted facts skip the rules that need them. @public */
export interface RecoveryRequestFacts {
  /** The databases the caller's entity declares. Omit to skip the ownership rule. */
  owned?: OwnedRecoverySource[];
  /**
   * serverNames already written per destination: declared by existing Clusters' archives,
   * in-flight creations, non-empty folders. Omit to skip the rule.
   */
  taken?: Array<ArchiveFolderRef & { claimedBy: string }>;
  /** destinationPath of the ObjectStores in the target namespace (name → destinationPath). */
  objectStoreDestinations?: Record<string, string>;
}

/** Options of {@link checkRecoveryClusterRequest}. @public */
export interface CheckRecoveryClusterRequestOptions {
  manifest: unknown;
  /** The namespace the Cluster is created in. */
  namespace: string;
  facts?: RecoveryRequestFacts;
}

/** Result of {@link checkRecoveryClusterRequest}. @public */
export interface RecoveryRequestCheck {
  violations: RecoveryRequestViolation[];
  /** Where the new Cluster archives (when it could be read). */
  targetArchive?: ArchiveFolderRef;
  /** Which archive it recovers from (when it could be read). */
  sourceArchive?: ArchiveFolderRef;
}
