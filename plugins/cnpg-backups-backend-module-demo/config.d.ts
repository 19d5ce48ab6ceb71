export interface Config {
  cnpgBackups?: {
    demo?: {
      /**
       * Starts the demo environment at backend start: a Kubernetes stand-in API server with
       * CNPG objects and an S3 server (s3rver) with real Barman archives, registered as the
       * Kubernetes cluster `demo` and an allowed S3 endpoint. Never enable in production.
       */
      enabled?: boolean;
      /** Port of the Kubernetes stand-in (default: a free port). */
      kubernetesPort?: number;
      /** Port of the demo S3 server (default: a free port). */
      s3Port?: number;
    };
  };
}
