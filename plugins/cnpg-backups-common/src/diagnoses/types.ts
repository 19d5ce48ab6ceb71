import type { BarmanCatalog } from '../catalog/types';
import type {
  ArchiveTarget,
  ConditionSummary,
  RecoverySource,
  ScheduleSummary,
} from '../status/types';

/**
 * Everything the CR-level diagnosis rules look at for one database. Built by the backend from
 * the Cluster, ObjectStore, Backups, ScheduledBackups, CRDs and the bucket scan; the rules
 * themselves are pure.
 * @public
 */
export interface DatabaseDiagnosisContext {
  /** Evaluation time (ISO-8601); rules never read the clock. */
  now: string;
  cluster: {
    kubernetesCluster: string;
    namespace: string;
    name: string;
    creationTimestamp?: string;
    phase?: string;
    conditions: ConditionSummary[];
    /** Names of `Cluster.spec.env` variables (the legacy form's checksum workaround lives here). */
    envNames: string[];
    /** `spec.storage.size`, for complete recovery snippets. */
    storageSize?: string;
    /** The application database and owner (`spec.bootstrap.<method>.database/owner`). */
    database?: string;
    owner?: string;
  };
  /** The resolved archive target; undefined when none is configured or it could not be resolved. */
  archive?: ArchiveTarget;
  /** The barman-cloud entry of `spec.plugins`, when present. */
  pluginEntry?: {
    enabled: boolean;
    isWALArchiver: boolean;
    objectStoreName?: string;
    serverName: string;
  };
  /** `spec.backup.barmanObjectStore` is set (deprecated in-tree Barman Cloud). */
  legacyArchive: boolean;
  recoverySources: RecoverySource[];
  schedules: ScheduleSummary[];
  /** Bucket catalog of the archive's serverName, when scanned. */
  catalog?: BarmanCatalog;
  /** CRDs found missing (404 on the resource type), e.g. `objectstores.barmancloud.cnpg.io`. */
  missingCrds: string[];
  /**
   * Whether the installed ObjectStore CRD schema has `spec.instanceSidecarConfiguration.env`;
   * undefined when the CRD could not be read.
   */
  objectStoreCrdHasSidecarEnv?: boolean;
  /** Other Clusters writing to the same destination + serverName. */
  sharedArchiveWriters: Array<{ namespace: string; name: string }>;
  /** Error messages of recent failed Backup CRs (newest first). */
  failedBackupErrors: string[];
}

/** One diagnosis rule. @public */
export type DatabaseDiagnosisRule = (
  context: DatabaseDiagnosisContext,
) => import('../catalog/types').Diagnosis[];
