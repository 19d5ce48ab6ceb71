// The Kubernetes types live in the node package (shared with modules that extend the plugin).
export type {
  BarmanObjectStoreConfiguration,
  CnpgBackup,
  CnpgCluster,
  CnpgKubernetesClient,
  CnpgObjectStore,
  CnpgPluginConfiguration,
  CnpgScheduledBackup,
  KubeCondition,
  KubeCustomResourceDefinition,
  KubeEnvVar,
  KubeObjectMeta,
  KubeSecretKeySelector,
  KubernetesClusterConnection,
  NamespacedName,
} from '@cnpg-backups/plugin-cnpg-backups-node';
