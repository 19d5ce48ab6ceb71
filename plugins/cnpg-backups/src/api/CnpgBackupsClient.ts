import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  CreateBackupRequest,
  CreateBackupResponse,
  EntityBackupStatusResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CnpgBackupsApi } from './CnpgBackupsApi';

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

  async #request<T>(url: string, init?: RequestInit): Promise<T> {
    const response = await this.#fetchApi.fetch(url, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
