import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { CnpgBackupsClient } from './CnpgBackupsClient';
import { entityResponse, paymentsStatus } from '../__fixtures__/statuses';

const BASE = 'http://localhost:1234/api/cnpg-backups';

describe('CnpgBackupsClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new CnpgBackupsClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `http://localhost:1234/api/${pluginId}`,
    },
    fetchApi: new MockFetchApi(),
  });
  const ref = { kind: 'Component', namespace: 'default', name: 'payments' };

  it('reads the status of an entity', async () => {
    const body = entityResponse([paymentsStatus], 'component:default/payments');
    let seenUrl = '';
    server.use(
      http.get(
        `${BASE}/entities/:kind/:namespace/:name/status`,
        ({ request }) => {
          seenUrl = request.url;
          return HttpResponse.json(body);
        },
      ),
    );
    await expect(client.getEntityStatus(ref)).resolves.toEqual(body);
    expect(seenUrl).toBe(`${BASE}/entities/Component/default/payments/status`);
  });

  it('asks for a refresh when told to', async () => {
    let refresh: string | null = null;
    server.use(
      http.get(
        `${BASE}/entities/:kind/:namespace/:name/status`,
        ({ request }) => {
          refresh = new URL(request.url).searchParams.get('refresh');
          return HttpResponse.json(entityResponse([]));
        },
      ),
    );
    await client.getEntityStatus(ref, { refresh: true });
    expect(refresh).toBe('true');
  });

  it('encodes path segments', async () => {
    let seenPath = '';
    server.use(
      http.get(
        `${BASE}/entities/:kind/:namespace/:name/status`,
        ({ request }) => {
          seenPath = new URL(request.url).pathname;
          return HttpResponse.json(entityResponse([]));
        },
      ),
    );
    await client.getEntityStatus({
      kind: 'Resource',
      namespace: 'team a',
      name: 'db/1',
    });
    expect(seenPath).toBe(
      '/api/cnpg-backups/entities/Resource/team%20a/db%2F1/status',
    );
  });

  it.each([
    [403, 'NotAllowedError', 'not allowed to read'],
    [404, 'NotFoundError', 'entity not found'],
    [500, 'Error', 'kaboom'],
  ])('turns HTTP %s into a ResponseError', async (status, name, message) => {
    server.use(
      http.get(`${BASE}/entities/:kind/:namespace/:name/status`, () =>
        HttpResponse.json(
          {
            error: { name, message },
            request: { method: 'GET', url: '/' },
            response: { statusCode: status },
          },
          { status },
        ),
      ),
    );
    const error = await client.getEntityStatus(ref).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(status);
    expect(error.message).toContain(String(status));
    expect(error.body.error.name).toBe(name);
    expect(error.body.error.message).toBe(message);
  });

  it('creates a backup with a JSON body', async () => {
    let body: unknown;
    server.use(
      http.post(`${BASE}/backups`, async ({ request }) => {
        body = await request.json();
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
    expect(response.backup.name).toBe('payments-db-on-demand-x7k2p');
  });

  it('rejects a forbidden backup creation with a ResponseError', async () => {
    server.use(
      http.post(`${BASE}/backups`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'Unauthorized' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    const error = await client
      .createBackup({
        entityRef: 'x',
        kubernetesCluster: 'demo',
        namespace: 'n',
        cluster: 'c',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
  });
});

describe('CnpgBackupsClient fleet', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = new CnpgBackupsClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `http://localhost:1234/api/${pluginId}`,
    },
    fetchApi: new MockFetchApi(),
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
      client.getDatabaseHistory({
        kubernetesCluster: 'demo',
        namespace: 'team a',
        name: 'db/1',
        days: 30,
      }),
    ).resolves.toEqual(history);
    expect(seenPath).toBe(
      '/api/cnpg-backups/fleet/databases/demo/team%20a/db%2F1/history',
    );
    expect(days).toBe('30');
  });

  it('turns a denied fleet read into a ResponseError', async () => {
    server.use(
      http.get(`${BASE}/fleet`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'Unauthorized' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    const error = await client.getFleet().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
  });
});
