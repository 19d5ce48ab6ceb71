/*
 * A DatabaseStatus as the cnpg-backups backend returns it, plus an msw backend for it.
 */
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import { http, HttpResponse } from 'msw';

export const BACKEND_BASE_URL = 'http://cnpg.test/api/cnpg-backups';

export const testDiscovery = {
  getBaseUrl: async () => BACKEND_BASE_URL,
  getExternalBaseUrl: async () => BACKEND_BASE_URL,
};

export function pluginStatus(): DatabaseStatus {
  return {
    id: 'prod/shop/orders-db',
    cluster: {
      kubernetesCluster: 'prod',
      namespace: 'shop',
      name: 'orders-db',
      instances: 2,
      conditions: [],
    },
    health: {
      level: 'ok',
      summary: 'ok',
      archiving: { level: 'ok', text: '' },
      lastBackup: { level: 'ok', text: '' },
      schedule: { level: 'ok', text: '' },
    },
    archive: {
      form: 'plugin',
      objectStoreName: 's3-store',
      destinationPath: 's3://pg-backups/cnpg',
      bucket: 'pg-backups',
      prefix: 'cnpg',
      provider: 'generic',
      serverName: 'orders-db',
      isWALArchiver: true,
      credentials: {},
      sidecarEnv: [],
    },
    recoverySources: [],
    recoveryWindow: { effective: { basis: 'bucket' }, agreement: 'agree' },
    backups: [],
    schedules: [],
    catalog: {
      schemaVersion: 1,
      destination: 's3://pg-backups/cnpg',
      serverName: 'orders-db',
      backups: [
        {
          id: '20250601T020000',
          status: 'DONE',
          beginTime: '2025-06-01T02:00:00Z',
          endTime: '2025-06-01T02:00:10Z',
          beginWal: '000000010000000000000002',
          endWal: '000000010000000000000002',
          beginLsn: '0/2000028',
          endLsn: '0/2000138',
          timeline: 1,
          storedBytes: 1,
          objectCount: 2,
          walSegmentSize: 16777216,
          restorable: true,
        },
      ],
      wal: {
        timelines: [
          {
            timeline: 1,
            firstSegment: '000000010000000000000001',
            lastSegment: '000000010000000000000007',
            segmentCount: 7,
            gaps: [],
            historyFile: true,
            partialSegments: [],
          },
        ],
        compressions: ['gzip'],
        segmentSize: 16777216,
      },
      recoveryWindow: {
        firstRecoverabilityPoint: '2025-06-01T02:00:10Z',
        lastRecoverableWal: '000000010000000000000007',
        lastRecoverablePoint: '2025-06-01T18:00:00Z',
        ranges: [
          {
            timeline: 1,
            from: '2025-06-01T02:00:10Z',
            to: '2025-06-01T18:00:00Z',
            baseBackupId: '20250601T020000',
            fromWal: '000000010000000000000002',
            toWal: '000000010000000000000007',
          },
        ],
      },
      diagnoses: [],
      scan: {
        complete: true,
        errors: [],
        requests: 3,
        durationMs: 1,
        scannedAt: '2025-06-01T18:01:00Z',
        walObjects: 7,
        incremental: false,
      },
    },
    lineage: [
      { serverName: 'orders-db', current: true, recoverySource: false },
    ],
    diagnoses: [],
    errors: [],
    actions: {},
    clusterSpec: {
      instances: 2,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:17.2',
      storage: { size: '20Gi' },
      postgresql: { parameters: { max_connections: '200' } },
      bootstrap: { initdb: { database: 'orders', owner: 'orders' } },
      plugins: [
        {
          name: 'barman-cloud.cloudnative-pg.io',
          isWALArchiver: true,
          parameters: { barmanObjectName: 's3-store' },
        },
      ],
    },
  };
}

/** msw handlers for the backend: status, server-name checks (non-empty set), create. */
export function backendHandlers(options: {
  status?: DatabaseStatus;
  nonEmpty?: string[];
  /** serverName → the Clusters claiming it (the server-names answer's claimedBy). */
  claimed?: Record<
    string,
    Array<{
      kubernetesCluster: string;
      namespace: string;
      name: string;
      kind: string;
    }>
  >;
  /** Answer like a backend that predates claimedBy/available. */
  legacyServerNames?: boolean;
  existingClusters?: string[];
  createStatus?: number;
  /** Error message the backend answers with for createStatus. */
  createMessage?: string;
  created?: unknown[];
  authorizations?: string[];
}) {
  const status = options.status ?? pluginStatus();
  return [
    http.get(
      `${BACKEND_BASE_URL}/databases/:k8s/:ns/:name/status`,
      ({ params, request }) => {
        options.authorizations?.push(
          request.headers.get('authorization') ?? '',
        );
        if (params.name !== status.cluster.name) {
          return HttpResponse.json(
            { error: { name: 'NotFoundError', message: 'no' } },
            { status: 404 },
          );
        }
        return HttpResponse.json(status);
      },
    ),
    http.get(
      `${BACKEND_BASE_URL}/databases/:k8s/:ns/:name/server-names/:serverName`,
      ({ params }) => {
        const serverName = String(params.serverName);
        const empty = !(options.nonEmpty ?? []).includes(serverName);
        if (options.legacyServerNames) {
          return HttpResponse.json({
            serverName,
            empty,
            walObjects: empty ? 0 : 12,
          });
        }
        const claimedBy = options.claimed?.[serverName] ?? [];
        return HttpResponse.json({
          serverName,
          empty,
          walObjects: empty ? 0 : 12,
          destinationPath: 's3://backups/shop',
          claimedBy,
          available: empty && claimedBy.length === 0,
        });
      },
    ),
    http.post(
      `${BACKEND_BASE_URL}/databases/:k8s/:ns/clusters`,
      async ({ request }) => {
        const body = (await request.json()) as any;
        if (options.createStatus && options.createStatus !== 201) {
          return HttpResponse.json(
            {
              error: {
                name:
                  options.createStatus === 409
                    ? 'ConflictError'
                    : 'NotAllowedError',
                message: options.createMessage ?? 'x',
              },
            },
            { status: options.createStatus },
          );
        }
        if (
          (options.existingClusters ?? []).includes(
            body.manifest?.metadata?.name,
          )
        ) {
          return HttpResponse.json(
            { error: { name: 'ConflictError', message: 'exists' } },
            { status: 409 },
          );
        }
        options.created?.push(body);
        return HttpResponse.json(body.manifest, { status: 201 });
      },
    ),
  ];
}
