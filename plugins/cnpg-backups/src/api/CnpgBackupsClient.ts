import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  CreateBackupRequest,
  CreateBackupResponse,
  DatabaseHistory,
  EntityBackupStatusResponse,
  FleetPage,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type {
  CnpgBackupsApi,
  DatabaseHistoryRequest,
  FleetRequest,
} from './CnpgBackupsApi';

/** Default {@link CnpgBackupsApi} implementation over `discoveryApi` + `fetchApi`. @public */
export class CnpgBackupsClient implements CnpgBackupsApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async getEntityStatus(
    entityRef: CompoundEntityRef,
    options?: { refresh?: boolean },
  ): Promise<EntityBackupStatusResponse> {
    const base = await this.#discoveryApi.getBaseUrl('cnpg-backups');
    const path = [entityRef.kind, entityRef.namespace, entityRef.name]
      .map(encodeURIComponent)
      .join('/');
    const query = options?.refresh ? '?refresh=true' : '';
    return this.#request(`${base}/entities/${path}/status${query}`);
  }

  async createBackup(
    request: CreateBackupRequest,
  ): Promise<CreateBackupResponse> {
    const base = await this.#discoveryApi.getBaseUrl('cnpg-backups');
    return this.#request(`${base}/backups`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  async getFleet(request: FleetRequest = {}): Promise<FleetPage> {
    const base = await this.#discoveryApi.getBaseUrl('cnpg-backups');
    const params = new URLSearchParams();
    if (request.offset !== undefined) {
      params.set('offset', String(request.offset));
    }
    if (request.limit !== undefined) {
      params.set('limit', String(request.limit));
    }
    if (request.sort) {
      params.set('sort', `${request.descending ? '-' : ''}${request.sort}`);
    }
    for (const key of [
      'owner',
      'system',
      'health',
      'provider',
      'diagnosis',
    ] as const) {
      for (const value of request[key] ?? []) {
        if (value !== '') {
          params.append(key, value);
        }
      }
    }
    if (request.search) {
      params.set('search', request.search);
    }
    const query = params.toString();
    return this.#request(`${base}/fleet${query ? `?${query}` : ''}`);
  }

  async getDatabaseHistory(
    request: DatabaseHistoryRequest,
  ): Promise<DatabaseHistory> {
    const base = await this.#discoveryApi.getBaseUrl('cnpg-backups');
    const path = [request.kubernetesCluster, request.namespace, request.name]
      .map(encodeURIComponent)
      .join('/');
    const query =
      request.days !== undefined
        ? `?days=${encodeURIComponent(request.days)}`
        : '';
    return this.#request(`${base}/fleet/databases/${path}/history${query}`);
  }

  async #request<T>(url: string, init?: RequestInit): Promise<T> {
    const response = await this.#fetchApi.fetch(url, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
