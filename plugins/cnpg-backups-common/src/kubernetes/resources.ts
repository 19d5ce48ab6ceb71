/*
 * The Kubernetes objects CNPG Backups reads (CNPG Cluster, Backup, ScheduledBackup, the Barman Cloud plugin's
 * ObjectStore, CRDs), typed loosely: only the fields we use, and every field optional, because the objects come
 * from clusters running different CNPG/plugin versions. Pure data shapes, shared by every package.
 */

/** Standard object metadata (subset). @public */
export interface KubeObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
}

/** A Secret/ConfigMap key reference. @public */
export interface KubeSecretKeySelector {
  name: string;
  key: string;
}

/** `corev1.EnvVar` (names matter; values may be refs). @public */
export interface KubeEnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

/** A metav1.Condition. @public */
export interface KubeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** `BarmanObjectStoreConfiguration` (shared by ObjectStore and legacy Cluster fields). @public */
export interface BarmanObjectStoreConfiguration {
  destinationPath?: string;
  endpointURL?: string;
  endpointCA?: KubeSecretKeySelector;
  serverName?: string;
  s3Credentials?: {
    accessKeyId?: KubeSecretKeySelector;
    secretAccessKey?: KubeSecretKeySelector;
    sessionToken?: KubeSecretKeySelector;
    region?: KubeSecretKeySelector;
    inheritFromIAMRole?: boolean;
  };
  azureCredentials?: unknown;
  googleCredentials?: unknown;
  wal?: { compression?: string; maxParallel?: number };
  data?: { compression?: string; jobs?: number };
}

/** A CNPG-I plugin entry (`spec.plugins[]`, `externalClusters[].plugin`). @public */
export interface CnpgPluginConfiguration {
  name: string;
  enabled?: boolean;
  isWALArchiver?: boolean;
  parameters?: Record<string, string>;
}

/** `postgresql.cnpg.io/v1` Cluster (subset). @public */
export interface CnpgCluster {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: {
    instances?: number;
    imageName?: string;
    env?: KubeEnvVar[];
    plugins?: CnpgPluginConfiguration[];
    backup?: {
      barmanObjectStore?: BarmanObjectStoreConfiguration;
      retentionPolicy?: string;
      target?: string;
    };
    externalClusters?: Array<{
      name: string;
      plugin?: CnpgPluginConfiguration;
      barmanObjectStore?: BarmanObjectStoreConfiguration;
    }>;
    bootstrap?: {
      recovery?: { source?: string; backup?: { name?: string } };
      initdb?: unknown;
    };
    [key: string]: unknown;
  };
  status?: {
    phase?: string;
    phaseReason?: string;
    instances?: number;
    readyInstances?: number;
    currentPrimary?: string;
    timelineID?: number;
    firstRecoverabilityPoint?: string;
    lastSuccessfulBackup?: string;
    lastFailedBackup?: string;
    conditions?: KubeCondition[];
    [key: string]: unknown;
  };
}

/** `barmancloud.cnpg.io/v1` ObjectStore (subset). @public */
export interface CnpgObjectStore {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: {
    configuration?: BarmanObjectStoreConfiguration;
    retentionPolicy?: string;
    instanceSidecarConfiguration?: {
      env?: KubeEnvVar[];
      retentionPolicyIntervalSeconds?: number;
    };
  };
  status?: {
    serverRecoveryWindow?: Record<
      string,
      {
        firstRecoverabilityPoint?: string;
        lastSuccessfulBackupTime?: string;
        lastFailedBackupTime?: string;
      }
    >;
  };
}

/** `postgresql.cnpg.io/v1` Backup (subset). @public */
export interface CnpgBackup {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: {
    cluster?: { name?: string };
    method?: string;
    pluginConfiguration?: {
      name?: string;
      parameters?: Record<string, string>;
    };
    target?: string;
  };
  status?: {
    phase?: string;
    method?: string;
    backupId?: string;
    backupName?: string;
    startedAt?: string;
    stoppedAt?: string;
    beginWal?: string;
    endWal?: string;
    beginLSN?: string;
    endLSN?: string;
    error?: string;
    serverName?: string;
    destinationPath?: string;
    pluginMetadata?: Record<string, string>;
  };
}

/** `postgresql.cnpg.io/v1` ScheduledBackup (subset). @public */
export interface CnpgScheduledBackup {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: {
    cluster?: { name?: string };
    schedule?: string;
    suspend?: boolean;
    immediate?: boolean;
    method?: string;
    pluginConfiguration?: { name?: string };
  };
  status?: {
    lastCheckTime?: string;
    lastScheduleTime?: string;
    nextScheduleTime?: string;
  };
}

/** A CustomResourceDefinition (only what the CRD-schema checks read). @public */
export interface KubeCustomResourceDefinition {
  metadata: KubeObjectMeta;
  spec?: {
    group?: string;
    versions?: Array<{
      name: string;
      served?: boolean;
      storage?: boolean;
      schema?: { openAPIV3Schema?: unknown };
    }>;
  };
}
