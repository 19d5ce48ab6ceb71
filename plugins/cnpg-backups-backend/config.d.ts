import type { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Configuration for the CNPG Backups backend plugin.
   *
   * Kubernetes clusters are NOT configured here: the plugin reads Backstage's own
   * `kubernetes.clusterLocatorMethods[]` entries of `type: config` (name, url,
   * `authProvider: serviceAccount`, serviceAccountToken, skipTLSVerify, caData/caFile), so each
   * cluster is configured once for both the Kubernetes plugin and this one.
   */
  cnpgBackups?: {
    kubernetes?: {
      /**
       * Include list: only these Kubernetes clusters (by their `kubernetes` config name) are
       * searched for CNPG Clusters. Default: every config-located cluster.
       */
      clusters?: string[];
    };

    s3?: {
      /**
       * S3 endpoints the backend may contact. Endpoints come from Cluster/ObjectStore objects,
       * i.e. from whoever may edit them, so nothing else is ever contacted: other endpoints
       * yield an `EndpointNotAllowed` error in the database's status.
       *
       * Entries: an endpoint URL (`https://minio.internal:9000`), a host with optional port
       * (`minio.internal:9000`), a wildcard domain (`*.r2.cloudflarestorage.com`), `aws` for
       * AWS S3 (no endpointURL), or `*` for any endpoint. Default: none.
       */
      allowedEndpoints?: string[];

      /**
       * Per-endpoint settings. Every endpoint listed here is allowed.
       */
      endpoints?: Array<{
        /** The endpoint exactly as in `endpointURL` of the ObjectStore/Cluster (`aws` for AWS S3). */
        url: string;
        /**
         * Where to actually connect when the in-cluster URL is not reachable from Backstage
         * (e.g. `http://minio.minio.svc:9000` → `https://minio.example.com`).
         */
        connectUrl?: string;
        /** Provider preset: aws, r2, hetzner, rustfs, minio or generic. Default: detected from the host. */
        provider?: 'aws' | 'r2' | 'hetzner' | 'rustfs' | 'minio' | 'generic';
        /** Region override (presets: us-east-1; R2 `auto`; Hetzner from the host). */
        region?: string;
        /** PEM CA bundle to trust, inline (PEM or base64 PEM). */
        caData?: string;
        /** PEM CA bundle to trust, from a file. */
        caFile?: string;
        /**
         * Read-only credentials to use instead of the ones in the Cluster's Secrets (which the
         * backend otherwise reads with its Kubernetes service account).
         */
        credentials?: {
          /** @visibility secret */
          accessKeyId: string;
          /** @visibility secret */
          secretAccessKey: string;
          /** @visibility secret */
          sessionToken?: string;
        };
      }>;
    };

    cache?: {
      /**
       * How long a bucket scan is reused (in this process and, through Backstage's cache
       * service, by other replicas). `?refresh=true` forces an incremental rescan. Default 60.
       */
      ttlSeconds?: number;
      /**
       * How long an assembled database status, the Kubernetes reads behind it (Clusters,
       * Backups, ScheduledBackups, ObjectStores, the ObjectStore CRD) and whole entity responses
       * are reused, in this process and (statuses) through Backstage's cache service by other
       * replicas. Makes a repeated page view cost no Kubernetes or bucket request. Capped at
       * `ttlSeconds` (a status embeds the scan); 0 disables. Statuses that carry errors are not
       * kept, so a fault shows on the next request. `?refresh=true` bypasses and repopulates it;
       * creating a Backup or a Cluster through this plugin drops the affected entries at once.
       * The caller's permission and catalog access are still checked on every request.
       * Default 15.
       */
      statusTtlSeconds?: number;
      /**
       * How many bucket folders (serverNames) keep their incremental scan state in this
       * process, least recently scanned dropped first. The fleet refresh rescans every
       * database each run: with more databases than this, each state is dropped before its
       * next use and every refresh lists every bucket in full (~117 S3 requests per database
       * at 10k WAL instead of 3). Costs about 150 KB per database at 10k WAL. 0 disables
       * incremental scans. Default 2000.
       */
      maxScanStates?: number;
    };

    scan?: {
      /** S3 requests in flight per scan. Default 8. */
      concurrency?: number;
      /** Upper bound for one bucket scan before it is reported as `ScanTimeout`. Default 60. */
      timeoutSeconds?: number;
    };

    refresh?: {
      /**
       * Background refresh: a scheduled task (`cnpg-backups-refresh`, global scope: with
       * several replicas only one runs it at a time, through the backend database's lock)
       * rescans the databases requested within `requestedWithin` and stores the scans in the
       * shared cache, so page views are served without waiting for a bucket scan.
       * Default true.
       */
      enabled?: boolean;
      /** How often. Default `{ minutes: 5 }`. Also accepts ISO 8601 / `5m` style strings. */
      frequency?: HumanDuration | string;
      /** Upper bound for one refresh run. Default `{ minutes: 10 }`. */
      timeout?: HumanDuration | string;
      /** Delay after backend start. Default `{ minutes: 1 }`. */
      initialDelay?: HumanDuration | string;
      /** Only databases requested this recently are refreshed. Default `{ hours: 1 }`. */
      requestedWithin?: HumanDuration | string;
    };

    fleet?: {
      /**
       * Fleet refresh (the Databases page): a scheduled task (`cnpg-backups-fleet-refresh`,
       * global scope: one runner across replicas) snapshots every CNPG Cluster of every
       * registered Kubernetes cluster (incremental bucket scans) into the plugin's database.
       * `GET /fleet` and the history route read the stored snapshots only. Default true.
       */
      enabled?: boolean;
      refresh?: {
        /** How often. Default `{ minutes: 5 }`. Also accepts ISO 8601 / `5m` style strings. */
        frequency?: HumanDuration | string;
        /** Upper bound for one fleet refresh. Default `{ minutes: 30 }`. */
        timeout?: HumanDuration | string;
        /** Delay after backend start. Default `{ seconds: 30 }`. */
        initialDelay?: HumanDuration | string;
      };
      /** Databases computed at the same time during a fleet refresh (1-64). Default 4. */
      concurrency?: number;
      /**
       * Days of snapshot history kept (1-3650); older rows are pruned after each refresh. The
       * history route accepts `days` up to this value. Default 90.
       */
      historyRetentionDays?: number;
      /**
       * History growth bound (0-1440): one history row stands for a run of refreshes that saw the
       * same health and recoverability, at most this many minutes long. A change always starts a
       * new row (so "since when" stays exact to the refresh) and the 30-day ratio still counts
       * refreshes. 0 writes one row per refresh. At the default, a steady database writes 24 rows a
       * day instead of 288 at a 5-minute refresh. Default 60.
       */
      historyIntervalMinutes?: number;
    };

    notifications?: {
      /**
       * Notify the owner of an entity (through @backstage/plugin-notifications-node) when one of
       * its databases' backup health worsens (ok → warning/error, or a new error diagnosis) and
       * when it recovers; one notification per change, decided by the fleet refresh from the
       * stored previous snapshot. An entity opts out with the annotation
       * `cnpg.io/backup-notifications: "false"`. Needs the fleet refresh. Default true.
       */
      enabled?: boolean;
    };

    metrics?: {
      /**
       * OpenTelemetry gauges per database (meter `cnpg-backups`) read from the latest fleet
       * snapshots; exported by whatever OpenTelemetry SDK and exporter the backend process
       * installs (e.g. Prometheus). Default true.
       */
      enabled?: boolean;
      /** At most this many databases are exported (cardinality bound). Default 2000. */
      maxDatabases?: number;
    };
  };
}
