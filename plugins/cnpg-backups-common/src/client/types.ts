/*
 * The interface of the cnpg-backups REST API as one client sees it, shared by the frontend (its
 * `cnpgBackupsApiRef`) and the scaffolder module (on behalf of a task's initiator).
 */
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  CreateBackupRequest,
  CreateBackupResponse,
  CreateClusterResponse,
  DatabaseRef,
  DatabaseStatus,
  EntityBackupStatusResponse,
  ServerNameEmptinessResponse,
} from '../status/types';
import type { DatabaseHistory, FleetPage, FleetQuery } from '../fleet/types';

/**
 * Per-call options: `token` is sent as `Authorization: Bearer <token>` (backend callers pass a
 * plugin request token; the browser's fetchApi adds the user's token itself).
 * @public
 */
export interface CnpgBackupsRequestOptions {
  token?: string;
}

/**
 * A fleet page request. Filters with several values are sent as repeated query parameters
 * (`health=error&health=warning`); `sort` is a sort key, `descending` sends `sort=-<key>`.
 * @public
 */
export type FleetRequest = Partial<Omit<FleetQuery, 'owned'>>;

/** The database whose history to read, and how many days back. @public */
export interface DatabaseHistoryRequest extends DatabaseRef {
  /** Days of history (the backend's default is 30). */
  days?: number;
}

/** `GET …/server-names/:serverName`: the database whose archive destination to look in. @public */
export interface ServerNameEmptinessRequest extends DatabaseRef {
  serverName: string;
}

/** `POST /databases/:kubernetesCluster/:namespace/clusters` (create semantics). @public */
export interface CreateClusterRequest {
  /** The catalog entity the permission is checked on. */
  entityRef: string;
  kubernetesCluster: string;
  namespace: string;
  /** The recovery Cluster object. */
  manifest: Record<string, unknown>;
}

/** Client of the cnpg-backups backend. @public */
export interface CnpgBackupsApi {
  /** `GET /entities/:kind/:namespace/:name/status`. */
  getEntityStatus(
    entityRef: CompoundEntityRef,
    options?: { refresh?: boolean },
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<EntityBackupStatusResponse>;
  /** `POST /backups`: an on-demand Backup of one database. */
  createBackup(
    request: CreateBackupRequest,
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<CreateBackupResponse>;
  /** `GET /databases/:kubernetesCluster/:namespace/:name/status`. */
  getDatabaseStatus(
    database: DatabaseRef,
    options?: { refresh?: boolean },
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<DatabaseStatus>;
  /** `GET /databases/…/server-names/:serverName`: is that serverName's folder empty, who claims it? */
  getServerNameEmptiness(
    request: ServerNameEmptinessRequest,
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<ServerNameEmptinessResponse>;
  /** `POST /databases/:kubernetesCluster/:namespace/clusters`: creates a recovery Cluster. */
  createCluster(
    request: CreateClusterRequest,
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<CreateClusterResponse>;
  /** One page of the fleet (`GET /fleet`), read from the stored snapshots. */
  getFleet(
    request?: FleetRequest,
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<FleetPage>;
  /** Stored history of one database (`GET /fleet/databases/…/history`). */
  getDatabaseHistory(
    request: DatabaseHistoryRequest,
    requestOptions?: CnpgBackupsRequestOptions,
  ): Promise<DatabaseHistory>;
}
