/*
 * The scaffolder's view of the cnpg-backups backend REST API: live status, serverName
 * emptiness and Cluster creation. Calls are made on behalf of the task's initiator.
 */
import type { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';

/** The cnpg-backups backend plugin id. @public */
export const CNPG_BACKUPS_PLUGIN_ID = 'cnpg-backups';

/** Identifies one database (CNPG Cluster). @public */
export interface DatabaseRef {
  kubernetesCluster: string;
  namespace: string;
  name: string;
}

/** A Cluster that writes (or is about to write) to a serverName. @public */
export interface ServerNameClaimant {
  kubernetesCluster: string;
  namespace: string;
  name: string;
  /** `cluster`: an existing Cluster declares it; `creation`: a recovery Cluster being created. */
  kind?: 'cluster' | 'creation';
}

/** Response of the server-names endpoint. @public */
export interface ServerNameCheck {
  serverName: string;
  empty: boolean;
  walObjects: number;
  /** Clusters claiming the serverName in the same destination (absent from older backends). */
  claimedBy?: ServerNameClaimant[];
  /** Empty AND unclaimed (absent from older backends: then `empty` is all there is). */
  available?: boolean;
}

/** Options of {@link CnpgBackupsBackendClient}. @public */
export interface CnpgBackupsBackendClientOptions {
  discovery: DiscoveryService;
  auth: AuthService;
}

function path(...segments: string[]): string {
  return segments.map(s => encodeURIComponent(s)).join('/');
}

/**
 * A tiny client for the cnpg-backups backend, used by the scaffolder actions.
 * @public
 */
export class CnpgBackupsBackendClient {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  constructor(options: CnpgBackupsBackendClientOptions) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
  }

  async #request(
    credentials: BackstageCredentials,
    relative: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<Response> {
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: CNPG_BACKUPS_PLUGIN_ID,
    });
    const baseUrl = await this.#discovery.getBaseUrl(CNPG_BACKUPS_PLUGIN_ID);
    return fetch(`${baseUrl}/${relative}`, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
  }

  /** GET /databases/:k8s/:ns/:name/status. */
  async getStatus(options: { database: DatabaseRef; credentials: BackstageCredentials }): Promise<DatabaseStatus> {
    const { kubernetesCluster, namespace, name } = options.database;
    const response = await this.#request(
      options.credentials,
      `databases/${path(kubernetesCluster, namespace, name)}/status`,
    );
    if (response.status === 404) {
      throw new NotFoundError(
        `CNPG Cluster ${namespace}/${name} was not found in Kubernetes cluster "${kubernetesCluster}"`,
      );
    }
    if (response.status === 403) {
      throw new NotAllowedError(
        `You are not allowed to read the backup status of ${namespace}/${name}`,
      );
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as DatabaseStatus;
  }

  /** GET /databases/:k8s/:ns/:name/server-names/:serverName: is that folder's wals/ empty, and who claims it? */
  async checkServerName(options: {
    database: DatabaseRef;
    serverName: string;
    credentials: BackstageCredentials;
  }): Promise<ServerNameCheck> {
    const { kubernetesCluster, namespace, name } = options.database;
    const response = await this.#request(
      options.credentials,
      `databases/${path(kubernetesCluster, namespace, name)}/server-names/${path(options.serverName)}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as ServerNameCheck;
  }

  /** POST /databases/:k8s/:ns/clusters with create semantics (never merges into an existing object). */
  async createCluster(options: {
    entityRef: string;
    kubernetesCluster: string;
    namespace: string;
    manifest: Record<string, unknown>;
    credentials: BackstageCredentials;
  }): Promise<Record<string, unknown>> {
    const name = String((options.manifest.metadata as any)?.name ?? '');
    const response = await this.#request(
      options.credentials,
      `databases/${path(options.kubernetesCluster, options.namespace)}/clusters`,
      { method: 'POST', body: { entityRef: options.entityRef, manifest: options.manifest } },
    );
    if (response.status === 409 || response.status === 403) {
      const text = await response.text();
      let reason = text;
      try {
        reason = JSON.parse(text)?.error?.message ?? text;
      } catch {
        // not JSON: keep the text
      }
      if (response.status === 409) {
        // The backend names what was taken: the Cluster name or the archive serverName.
        throw new ConflictError(
          /ServerNameTaken/.test(reason)
            ? `${reason}. Plan the recovery again: cnpg:recovery:plan picks the next free serverName`
            : `A Cluster named "${name}" already exists in namespace ${options.namespace} of "${options.kubernetesCluster}". Recovery creates a NEW Cluster: choose another name, or wait until the old Cluster and its PVCs are completely gone (${reason})`,
        );
      }
      throw new NotAllowedError(
        `You are not allowed to create this recovery Cluster in namespace ${options.namespace} of "${options.kubernetesCluster}" for ${options.entityRef} (permission cnpg-backups.recovery.create): ${reason}`,
      );
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as Record<string, unknown>;
  }
}
