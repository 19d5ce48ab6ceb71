/*
 * The scaffolder's view of the cnpg-backups backend: -common's wire client, called on behalf of
 * the task's initiator (a plugin request token per call), with the scaffolder's error words.
 */
import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  CNPG_BACKUPS_PLUGIN_ID,
  CnpgBackupsClient,
  type CreateClusterResponse,
  type DatabaseRef,
  type DatabaseStatus,
  type ServerNameEmptinessResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { clusterCreateError, statusReadError } from './backendErrors';

export { CNPG_BACKUPS_PLUGIN_ID };
export type {
  DatabaseRef,
  ServerNameClaimant,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/**
 * Answer of the server-names endpoint.
 * @public
 * @deprecated use ServerNameEmptinessResponse from `@cnpg-backups/plugin-cnpg-backups-common`.
 */
export type ServerNameCheck = ServerNameEmptinessResponse;

/** Options of {@link CnpgBackupsBackendClient}. @public */
export interface CnpgBackupsBackendClientOptions {
  discovery: DiscoveryService;
  auth: AuthService;
}

/**
 * The cnpg-backups backend as the scaffolder actions call it.
 * @public
 */
export class CnpgBackupsBackendClient {
  readonly #client: CnpgBackupsClient;
  readonly #auth: AuthService;

  constructor(options: CnpgBackupsBackendClientOptions) {
    this.#client = new CnpgBackupsClient({ discoveryApi: options.discovery });
    this.#auth = options.auth;
  }

  async #token(credentials: BackstageCredentials): Promise<{ token: string }> {
    return this.#auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: CNPG_BACKUPS_PLUGIN_ID,
    });
  }

  /** GET /databases/:k8s/:ns/:name/status. */
  async getStatus(options: {
    database: DatabaseRef;
    credentials: BackstageCredentials;
  }): Promise<DatabaseStatus> {
    const token = await this.#token(options.credentials);
    return this.#client
      .getDatabaseStatus(options.database, {}, token)
      .catch(error => {
        throw statusReadError(error, options.database);
      });
  }

  /** GET /databases/:k8s/:ns/:name/server-names/:serverName: is that folder's wals/ empty, and who claims it? */
  async checkServerName(options: {
    database: DatabaseRef;
    serverName: string;
    credentials: BackstageCredentials;
  }): Promise<ServerNameEmptinessResponse> {
    const token = await this.#token(options.credentials);
    return this.#client.getServerNameEmptiness(
      { ...options.database, serverName: options.serverName },
      token,
    );
  }

  /** POST /databases/:k8s/:ns/clusters with create semantics (never merges into an existing object). */
  async createCluster(options: {
    entityRef: string;
    kubernetesCluster: string;
    namespace: string;
    manifest: Record<string, unknown>;
    credentials: BackstageCredentials;
  }): Promise<CreateClusterResponse> {
    const { credentials, ...request } = options;
    const token = await this.#token(credentials);
    const name = String(
      (request.manifest.metadata as { name?: unknown } | undefined)?.name ?? '',
    );
    return this.#client.createCluster(request, token).catch(error => {
      throw clusterCreateError(error, { ...request, name });
    });
  }
}
