/*
 * The one wire client of the cnpg-backups REST API (isomorphic, shaped like
 * @backstage/catalog-client): the frontend builds it over discoveryApi + fetchApi, backend
 * callers over the discovery service with a plugin request token per call.
 */
import { ResponseError } from '@backstage/errors';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { CNPG_BACKUPS_PLUGIN_ID } from '../status/ids';
import type {
  CreateBackupRequest,
  CreateBackupResponse,
  CreateClusterResponse,
  DatabaseRef,
  DatabaseStatus,
  EntityBackupStatusResponse,
  ServerNameEmptinessResponse,
} from '../status/types';
import {
  FLEET_LIST_FILTERS,
  type DatabaseHistory,
  type FleetPage,
} from '../fleet/types';
import type {
  CnpgBackupsApi,
  CnpgBackupsRequestOptions,
  CreateClusterRequest,
  DatabaseHistoryRequest,
  FleetRequest,
  ServerNameEmptinessRequest,
} from './types';

/** Options of {@link CnpgBackupsClient}. @public */
export interface CnpgBackupsClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  /** Defaults to the global `fetch`. */
  fetchApi?: { fetch: typeof fetch };
}

function segments(...values: string[]): string {
  return values.map(encodeURIComponent).join('/');
}

function withQuery(path: string, params: URLSearchParams): string {
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

function refreshQuery(options?: { refresh?: boolean }): URLSearchParams {
  return new URLSearchParams(options?.refresh ? { refresh: 'true' } : {});
}

function fleetQuery(request: FleetRequest): URLSearchParams {
  const params = new URLSearchParams();
  if (request.offset !== undefined)
    params.set('offset', String(request.offset));
  if (request.limit !== undefined) params.set('limit', String(request.limit));
  if (request.sort) {
    params.set('sort', `${request.descending ? '-' : ''}${request.sort}`);
  }
  for (const key of FLEET_LIST_FILTERS) {
    for (const value of request[key] ?? []) {
      if (value !== '') params.append(key, value);
    }
  }
  if (request.search) params.set('search', request.search);
  return params;
}

/**
 * Default {@link CnpgBackupsApi} implementation. Every non-2xx answer throws
 * `ResponseError` (from `@backstage/errors`) carrying the backend's error body.
 * @public
 */
export class CnpgBackupsClient implements CnpgBackupsApi {
  readonly #discoveryApi: CnpgBackupsClientOptions['discoveryApi'];
  readonly #fetchApi: { fetch: typeof fetch };

  constructor(options: CnpgBackupsClientOptions) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi ?? { fetch: (...args) => fetch(...args) };
  }

  async getEntityStatus(
    entityRef: CompoundEntityRef,
    options?: { refresh?: boolean },
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<EntityBackupStatusResponse> {
    const { kind, namespace, name } = entityRef;
    const path = `entities/${segments(kind, namespace, name)}/status`;
    return this.#request(
      withQuery(path, refreshQuery(options)),
      requestOptions,
    );
  }

  async createBackup(
    request: CreateBackupRequest,
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<CreateBackupResponse> {
    return this.#request('backups', requestOptions, request);
  }

  async getDatabaseStatus(
    database: DatabaseRef,
    options?: { refresh?: boolean },
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<DatabaseStatus> {
    const { kubernetesCluster, namespace, name } = database;
    const path = `databases/${segments(
      kubernetesCluster,
      namespace,
      name,
    )}/status`;
    return this.#request(
      withQuery(path, refreshQuery(options)),
      requestOptions,
    );
  }

  async getServerNameEmptiness(
    request: ServerNameEmptinessRequest,
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<ServerNameEmptinessResponse> {
    const { kubernetesCluster, namespace, name, serverName } = request;
    const database = segments(kubernetesCluster, namespace, name);
    return this.#request(
      `databases/${database}/server-names/${segments(serverName)}`,
      requestOptions,
    );
  }

  async createCluster(
    request: CreateClusterRequest,
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<CreateClusterResponse> {
    const { kubernetesCluster, namespace, entityRef, manifest } = request;
    return this.#request(
      `databases/${segments(kubernetesCluster, namespace)}/clusters`,
      requestOptions,
      { entityRef, manifest },
    );
  }

  async getFleet(
    request: FleetRequest = {},
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<FleetPage> {
    return this.#request(
      withQuery('fleet', fleetQuery(request)),
      requestOptions,
    );
  }

  async getDatabaseHistory(
    request: DatabaseHistoryRequest,
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<DatabaseHistory> {
    const { kubernetesCluster, namespace, name, days } = request;
    const path = `fleet/databases/${segments(
      kubernetesCluster,
      namespace,
      name,
    )}/history`;
    const params = new URLSearchParams(
      days !== undefined ? { days: String(days) } : {},
    );
    return this.#request(withQuery(path, params), requestOptions);
  }

  /** GET `path`, or POST `body` as JSON; throws ResponseError on a non-2xx answer. */
  async #request<T>(
    path: string,
    requestOptions: CnpgBackupsRequestOptions | undefined,
    body?: unknown,
  ): Promise<T> {
    const base = await this.#discoveryApi.getBaseUrl(CNPG_BACKUPS_PLUGIN_ID);
    const headers: Record<string, string> = {};
    if (requestOptions?.token) {
      headers.Authorization = `Bearer ${requestOptions.token}`;
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.#fetchApi.fetch(`${base}/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
