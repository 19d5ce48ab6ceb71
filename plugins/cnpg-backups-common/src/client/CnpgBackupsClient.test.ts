import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ResponseError } from '@backstage/errors';
import { CnpgBackupsClient } from './CnpgBackupsClient';

const BASE = 'http://localhost:1234/api/cnpg-backups';
const discoveryApi = {
  getBaseUrl: async (pluginId: string) =>
    `http://localhost:1234/api/${pluginId}`,
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** A fetchApi that records what it was asked, then fetches (like Backstage's FetchApi). */
function recordingFetchApi() {
  const calls: string[] = [];
  return {
    calls,
    fetchApi: {
      fetch: ((input: any, init?: RequestInit) => {
        calls.push(String(input));
        return fetch(input, init);
      }) as typeof fetch,
    },
  };
}

function backstageError(status: number, name: string, message: string) {
  return HttpResponse.json(
    {
      error: { name, message },
      request: { method: 'GET', url: '/' },
      response: { statusCode: status },
    },
    { status },
  );
}

const ref = { kind: 'Component', namespace: 'default', name: 'payments' };
const database = {
  kubernetesCluster: 'demo',
  namespace: 'team a',
  name: 'db/1',
};
const entityBody = {
  entityRef: 'component:default/payments',
  databases: [],
  errors: [],
  generatedAt: '2026-12-04T23:55:00.000Z',
};

describe('CnpgBackupsClient through a fetchApi (frontend)', () => {
  it('reads the status of an entity through the given fetchApi, without a token', async () => {
    const { calls, fetchApi } = recordingFetchApi();
    const client = new CnpgBackupsClient({ discoveryApi, fetchApi });
    let authorization: string | null = 'unset';
    server.use(
      http.get(
        `${BASE}/entities/:kind/:namespace/:name/status`,
        ({ request }) => {
          authorization = request.headers.get('authorization');
          return HttpResponse.json(entityBody);
        },
      ),
    );
    await expect(client.getEntityStatus(ref)).resolves.toEqual(entityBody);
    expect(calls).toEqual([
      `${BASE}/entities/Component/default/payments/status`,
    ]);
    expect(authorization).toBeNull();
  });

  it('asks for a refresh and encodes path segments', async () => {
    const { calls, fetchApi } = recordingFetchApi();
    const client = new CnpgBackupsClient({ discoveryApi, fetchApi });
    server.use(
      http.get(`${BASE}/entities/:kind/:namespace/:name/status`, () =>
        HttpResponse.json(entityBody),
      ),
    );
    await client.getEntityStatus(
      { kind: 'Resource', namespace: 'team a', name: 'db/1' },
      { refresh: true },
    );
    expect(calls).toEqual([
      `${BASE}/entities/Resource/team%20a/db%2F1/status?refresh=true`,
    ]);
  });

  it('creates a backup with a JSON body', async () => {
    const client = new CnpgBackupsClient({
      discoveryApi,
      ...recordingFetchApi(),
    });
    let body: unknown;
    let contentType: string | null = null;
    server.use(
      http.post(`${BASE}/backups`, async ({ request }) => {
        body = await request.json();
        contentType = request.headers.get('content-type');
        return HttpResponse.json(
          {
            backup: { name: 'payments-db-on-demand-x7k2p', phase: 'pending' },
            namespace: 'payments',
            kubernetesCluster: 'demo',
          },
          { status: 201 },
        );
      }),
    );
    const request = {
      entityRef: 'component:default/payments',
      kubernetesCluster: 'demo',
      namespace: 'payments',
      cluster: 'payments-db',
    };
    const response = await client.createBackup(request);
    expect(body).toEqual(request);
    expect(contentType).toBe('application/json');
    expect(response.backup.name).toBe('payments-db-on-demand-x7k2p');
  });

  it.each([
    [403, 'NotAllowedError', 'not allowed to read'],
    [404, 'NotFoundError', 'entity not found'],
    [500, 'Error', 'kaboom'],
  ])(
    'turns HTTP %s into a ResponseError with the backend error',
    async (status, name, message) => {
      const client = new CnpgBackupsClient({
        discoveryApi,
        ...recordingFetchApi(),
      });
      server.use(
        http.get(`${BASE}/entities/:kind/:namespace/:name/status`, () =>
          backstageError(status, name, message),
        ),
      );
      const error = await client.getEntityStatus(ref).catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(status);
      expect(error.message).toContain(String(status));
      expect(error.body.error).toEqual({ name, message });
    },
  );
});

describe('CnpgBackupsClient with a token (backend callers, global fetch)', () => {
  const client = new CnpgBackupsClient({ discoveryApi });
  const token = { token: 'plugin-token-1' };

  it('reads one database status with the bearer token and the refresh flag', async () => {
    let seen: { url: string; authorization: string | null } | undefined;
    server.use(
      http.get(`${BASE}/databases/:k8s/:ns/:name/status`, ({ request }) => {
        seen = {
          url: request.url,
          authorization: request.headers.get('authorization'),
        };
        return HttpResponse.json({ id: 'demo/team a/db/1' });
      }),
    );
    await expect(
      client.getDatabaseStatus(database, { refresh: true }, token),
    ).resolves.toEqual({ id: 'demo/team a/db/1' });
    expect(seen).toEqual({
      url: `${BASE}/databases/demo/team%20a/db%2F1/status?refresh=true`,
      authorization: 'Bearer plugin-token-1',
    });
  });

  it('asks whether a serverName is free, with encoded segments', async () => {
    let seen: { path: string; authorization: string | null } | undefined;
    const answer = {
      serverName: 'db-v2',
      empty: true,
      walObjects: 0,
      destinationPath: 's3://backups/shop',
      claimedBy: [],
      available: true,
    };
    server.use(
      http.get(
        `${BASE}/databases/:k8s/:ns/:name/server-names/:serverName`,
        ({ request }) => {
          seen = {
            path: new URL(request.url).pathname,
            authorization: request.headers.get('authorization'),
          };
          return HttpResponse.json(answer);
        },
      ),
    );
    await expect(
      client.getServerNameEmptiness(
        { ...database, serverName: 'db v2' },
        token,
      ),
    ).resolves.toEqual(answer);
    expect(seen).toEqual({
      path: '/api/cnpg-backups/databases/demo/team%20a/db%2F1/server-names/db%20v2',
      authorization: 'Bearer plugin-token-1',
    });
  });

  it('creates a Cluster by POSTing the entity ref and the manifest only', async () => {
    let seen:
      | { path: string; body: unknown; authorization: string | null }
      | undefined;
    server.use(
      http.post(`${BASE}/databases/:k8s/:ns/clusters`, async ({ request }) => {
        seen = {
          path: new URL(request.url).pathname,
          body: await request.json(),
          authorization: request.headers.get('authorization'),
        };
        return HttpResponse.json(
          {
            kubernetesCluster: 'prod',
            namespace: 'shop',
            name: 'db-restore',
            uid: 'u1',
          },
          { status: 201 },
        );
      }),
    );
    const manifest = { kind: 'Cluster', metadata: { name: 'db-restore' } };
    await expect(
      client.createCluster(
        {
          entityRef: 'component:default/orders',
          kubernetesCluster: 'prod',
          namespace: 'shop',
          manifest,
        },
        token,
      ),
    ).resolves.toEqual({
      kubernetesCluster: 'prod',
      namespace: 'shop',
      name: 'db-restore',
      uid: 'u1',
    });
    expect(seen).toEqual({
      path: '/api/cnpg-backups/databases/prod/shop/clusters',
      body: { entityRef: 'component:default/orders', manifest },
      authorization: 'Bearer plugin-token-1',
    });
  });

  it('turns a 409 into a ResponseError carrying the backend message', async () => {
    server.use(
      http.post(`${BASE}/databases/:k8s/:ns/clusters`, () =>
        backstageError(
          409,
          'ConflictError',
          'ServerNameTaken: serverName "x" is taken',
        ),
      ),
    );
    const error = await client
      .createCluster(
        {
          entityRef: 'e',
          kubernetesCluster: 'k',
          namespace: 'n',
          manifest: {},
        },
        token,
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.body.error.message).toBe(
      'ServerNameTaken: serverName "x" is taken',
    );
  });

  it('turns a non-JSON failure into a ResponseError too', async () => {
    server.use(
      http.get(
        `${BASE}/databases/:k8s/:ns/:name/status`,
        () => new HttpResponse('bad gateway', { status: 502 }),
      ),
    );
    const error = await client
      .getDatabaseStatus(database, {}, token)
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(502);
    expect(error.body.error.message).toContain('bad gateway');
  });
});

describe('CnpgBackupsClient fleet', () => {
  const client = new CnpgBackupsClient({
    discoveryApi,
    ...recordingFetchApi(),
  });
  const emptyPage = {
    items: [],
    totalCount: 0,
    countsByHealth: { ok: 0, warning: 0, error: 0, unknown: 0 },
  };

  it('asks for the default fleet page without query parameters', async () => {
    let seenUrl = '';
    server.use(
      http.get(`${BASE}/fleet`, ({ request }) => {
        seenUrl = request.url;
        return HttpResponse.json(emptyPage);
      }),
    );
    await expect(client.getFleet()).resolves.toEqual(emptyPage);
    expect(seenUrl).toBe(`${BASE}/fleet`);
  });

  it('sends paging, descending sort, repeated filters and the search', async () => {
    let params: URLSearchParams | undefined;
    server.use(
      http.get(`${BASE}/fleet`, ({ request }) => {
        params = new URL(request.url).searchParams;
        return HttpResponse.json(emptyPage);
      }),
    );
    await client.getFleet({
      offset: 40,
      limit: 20,
      sort: 'exposure',
      descending: true,
      health: ['error', 'warning'],
      owner: ['group:default/guests', ''],
      provider: ['r2'],
      diagnosis: ['wal-gap'],
      system: ['system:default/databases-demo'],
      search: 'pay & ments',
    });
    expect(params!.get('offset')).toBe('40');
    expect(params!.get('limit')).toBe('20');
    expect(params!.get('sort')).toBe('-exposure');
    expect(params!.getAll('health')).toEqual(['error', 'warning']);
    // Empty values are not sent.
    expect(params!.getAll('owner')).toEqual(['group:default/guests']);
    expect(params!.getAll('provider')).toEqual(['r2']);
    expect(params!.getAll('diagnosis')).toEqual(['wal-gap']);
    expect(params!.getAll('system')).toEqual(['system:default/databases-demo']);
    expect(params!.get('search')).toBe('pay & ments');
  });

  it('reads the history of one database with encoded path segments', async () => {
    let seenPath = '';
    let days: string | null = null;
    const history = {
      databaseId: 'demo/team a/db/1',
      points: [],
      diagnosisFirstSeen: {},
    };
    server.use(
      http.get(
        `${BASE}/fleet/databases/:kubernetesCluster/:namespace/:name/history`,
        ({ request }) => {
          const url = new URL(request.url);
          seenPath = url.pathname;
          days = url.searchParams.get('days');
          return HttpResponse.json(history);
        },
      ),
    );
    await expect(
      client.getDatabaseHistory({ ...database, days: 30 }),
    ).resolves.toEqual(history);
    expect(seenPath).toBe(
      '/api/cnpg-backups/fleet/databases/demo/team%20a/db%2F1/history',
    );
    expect(days).toBe('30');
  });

  it('turns a denied fleet read into a ResponseError', async () => {
    server.use(
      http.get(`${BASE}/fleet`, () =>
        backstageError(403, 'NotAllowedError', 'Unauthorized'),
      ),
    );
    const error = await client.getFleet().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
  });
});
