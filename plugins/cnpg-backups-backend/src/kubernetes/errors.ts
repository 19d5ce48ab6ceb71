// The named Kubernetes errors live in the node package, so replacement clients can throw them.
export {
  CrdNotInstalledError,
  KubernetesAlreadyExistsError,
  KubernetesClientError,
  KubernetesForbiddenError,
  KubernetesInvalidResponseError,
  KubernetesObjectNotFoundError,
  KubernetesRequestRejectedError,
  KubernetesTimeoutError,
  KubernetesUnauthorizedError,
  KubernetesUnavailableError,
  KubernetesUnreachableError,
} from '@cnpg-backups/plugin-cnpg-backups-node';
