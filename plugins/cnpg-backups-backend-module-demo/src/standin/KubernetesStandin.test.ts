import { KubernetesStandin } from './KubernetesStandin';
import {
  matchesLabelSelector,
  parseLabelSelector,
  InvalidLabelSelectorError,
} from './labelSelector';
import { humanDuration } from './table';

const BACKUPS = '/apis/postgresql.cnpg.io/v1/namespaces/db/backups';

function backup(name: string, labels: Record<string, string> = {}) {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Backup',
    metadata: { name, namespace: 'db', labels },
    spec: {
      cluster: { name: 'orders-db' },
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
    },
  };
}

describe('label selectors', () => {
  const labels = { app: 'pg', tier: 'db', 'cnpg.io/cluster': 'orders' };
  it.each([
    ['app=pg', true],
    ['app==pg', true],
    ['app=web', false],
    ['app!=web', true],
    ['missing!=x', true],
    ['tier in (db,cache)', true],
    ['tier notin (db)', false],
    ['missing notin (db)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=pg,tier in (db),cnpg.io/cluster=orders,!missing', true],
    ['app=pg,tier=cache', false],
    ['', true],
  ])('%s → %s', (selector, expected) => {
    expect(matchesLabelSelector(parseLabelSelector(selector), labels)).toBe(
      expected,
    );
  });

  it('rejects malformed selectors with a named error', () => {
    expect(parseLabelSelector('app=')).toEqual([
      { key: 'app', op: 'eq', value: '' },
    ]); // empty value is legal
    for (const bad of ['a=b,', 'tier in (db', '=x', 'a=b c', 'a=b=c']) {
      expect(() => parseLabelSelector(bad)).toThrow(InvalidLabelSelectorError);
    }
  });
});

describe('KubernetesStandin REST semantics', () => {
  let standin: KubernetesStandin;

  beforeEach(async () => {
    standin = await KubernetesStandin.start({
      now: () => new Date('2026-01-10T12:00:00.123Z'),
    });
    standin.store.seed({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'db' },
    });
  });
  afterEach(async () => {
    await standin.stop();
  });

  function encodeBody(body: unknown): string | undefined {
    if (body === undefined) return undefined;
    return typeof body === 'string' ? body : JSON.stringify(body);
  }

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${standin.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${standin.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: encodeBody(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : undefined,
      headers: res.headers,
    };
  }

  it('requires the bearer token (401 Status)', async () => {
    const res = await fetch(`${standin.url}${BACKUPS}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  it('creates with uid/resourceVersion/generation/creationTimestamp, drops status, and lists with resourceVersion', async () => {
    const created = await call('POST', BACKUPS, {
      ...backup('b1'),
      status: { phase: 'completed' },
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({
      name: 'b1',
      namespace: 'db',
      generation: 1,
      creationTimestamp: '2026-01-10T12:00:00Z',
    });
    expect(created.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body).not.toHaveProperty('status');
    const list = await call('GET', BACKUPS);
    expect(list.body).toMatchObject({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'BackupList',
    });
    expect(Number(list.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(created.body.metadata.resourceVersion),
    );
    expect(list.body.items).toHaveLength(1);
  });

  it('answers 409 AlreadyExists, 404 NotFound and 404 for a missing namespace', async () => {
    await call('POST', BACKUPS, backup('b1'));
    const again = await call('POST', BACKUPS, backup('b1'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      reason: 'AlreadyExists',
      message: 'backups.postgresql.cnpg.io "b1" already exists',
      details: { name: 'b1', group: 'postgresql.cnpg.io', kind: 'backups' },
      code: 409,
    });
    const missing = await call('GET', `${BACKUPS}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(
      'backups.postgresql.cnpg.io "nope" not found',
    );
    const noNs = await call(
      'POST',
      '/apis/postgresql.cnpg.io/v1/namespaces/other/backups',
      { ...backup('b2'), metadata: { name: 'b2' } },
    );
    expect(noNs.status).toBe(404);
    expect(noNs.body.message).toBe('namespaces "other" not found');
  });

  it('validates against the CRD schema: 422 Invalid with causes', async () => {
    const res = await call('POST', BACKUPS, {
      ...backup('bad'),
      spec: { method: 'tape' },
    });
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('Invalid');
    expect(res.body.details.causes).toEqual(
      expect.arrayContaining([
        {
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: 'spec.cluster',
        },
        expect.objectContaining({
          reason: 'FieldValueNotSupported',
          field: 'spec.method',
        }),
      ]),
    );
    expect(res.body.message).toMatch(
      /^Backup\.postgresql\.cnpg\.io "bad" is invalid: \[/,
    );
  });

  it('prunes unknown fields (Warn by default, Strict → 400) like the real API server', async () => {
    const store = {
      apiVersion: 'barmancloud.cnpg.io/v1',
      kind: 'ObjectStore',
      metadata: { name: 'r2', namespace: 'db' },
      spec: {
        configuration: {
          destinationPath: 's3://bucket/',
          retentionPolicy: '30d',
        },
      },
    };
    const strict = await call(
      'POST',
      '/apis/barmancloud.cnpg.io/v1/namespaces/db/objectstores?fieldValidation=Strict',
      store,
    );
    expect(strict.status).toBe(400);
    expect(strict.body.message).toContain(
      'unknown field "spec.configuration.retentionPolicy"',
    );
    const warn = await call(
      'POST',
      '/apis/barmancloud.cnpg.io/v1/namespaces/db/objectstores',
      store,
    );
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toContain(
      'unknown field \\"spec.configuration.retentionPolicy\\"',
    );
    expect(warn.body.spec.configuration).toEqual({
      destinationPath: 's3://bucket/',
    });
    // the ObjectStore CEL rule is enforced too
    const withServerName = await call(
      'POST',
      '/apis/barmancloud.cnpg.io/v1/namespaces/db/objectstores',
      {
        ...store,
        metadata: { name: 'r3' },
        spec: {
          configuration: { destinationPath: 's3://bucket/', serverName: 'x' },
        },
      },
    );
    expect(withServerName.status).toBe(422);
    expect(withServerName.body.details.causes[0]).toEqual({
      reason: 'FieldValueForbidden',
      field: 'spec.configuration.serverName',
      message:
        "Forbidden: use the 'serverName' plugin parameter in the Cluster resource",
    });
  });

  it('filters lists by label selector, across namespaces, and rejects bad selectors', async () => {
    standin.store.seed({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'apps' },
    });
    await call(
      'POST',
      BACKUPS,
      backup('a', { 'cnpg.io/cluster': 'orders', kind: 'daily' }),
    );
    await call('POST', BACKUPS, backup('b', { 'cnpg.io/cluster': 'billing' }));
    await call('POST', '/apis/postgresql.cnpg.io/v1/namespaces/apps/backups', {
      ...backup('c', { 'cnpg.io/cluster': 'orders' }),
      metadata: { name: 'c', labels: { 'cnpg.io/cluster': 'orders' } },
    });
    const names = async (path: string) =>
      (await call('GET', path)).body.items.map(
        (i: any) => `${i.metadata.namespace}/${i.metadata.name}`,
      );
    expect(
      await names(
        `${BACKUPS}?labelSelector=${encodeURIComponent(
          'cnpg.io/cluster=orders',
        )}`,
      ),
    ).toEqual(['db/a']);
    expect(
      await names(
        `/apis/postgresql.cnpg.io/v1/backups?labelSelector=${encodeURIComponent(
          'cnpg.io/cluster=orders',
        )}`,
      ),
    ).toEqual(['apps/c', 'db/a']);
    expect(
      await names(
        `/apis/postgresql.cnpg.io/v1/backups?labelSelector=${encodeURIComponent(
          'cnpg.io/cluster in (billing),!kind',
        )}`,
      ),
    ).toEqual(['db/b']);
    expect(
      await names(
        `/apis/postgresql.cnpg.io/v1/backups?fieldSelector=metadata.name%3Da`,
      ),
    ).toEqual(['db/a']);
    const bad = await call(
      'GET',
      `${BACKUPS}?labelSelector=${encodeURIComponent('a in (b')}`,
    );
    expect(bad.status).toBe(400);
  });

  it('serves the status subresource: PATCH/PUT status only change status, main writes keep status', async () => {
    await call('POST', BACKUPS, backup('b1'));
    const patched = await call(
      'PATCH',
      `${BACKUPS}/b1/status`,
      { status: { phase: 'started' }, spec: { cluster: { name: 'other' } } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.status).toEqual({ phase: 'started' });
    expect(patched.body.spec.cluster.name).toBe('orders-db');
    expect(patched.body.metadata.generation).toBe(1);

    const put = await call('PUT', `${BACKUPS}/b1/status`, {
      ...patched.body,
      status: { phase: 'completed', backupId: '20260110T020000' },
    });
    expect(put.body.status).toEqual({
      phase: 'completed',
      backupId: '20260110T020000',
    });

    // Backup spec is immutable (CEL oldSelf == self)
    const specChange = await call(
      'PATCH',
      `${BACKUPS}/b1`,
      [{ op: 'replace', path: '/spec/cluster/name', value: 'x' }],
      {
        'content-type': 'application/json-patch+json',
      },
    );
    expect(specChange.status).toBe(422);
    expect(specChange.body.details.causes[0].message).toContain(
      'BackupSpec is immutable once set',
    );

    // a label change through the main resource keeps the status
    const labels = await call(
      'PATCH',
      `${BACKUPS}/b1`,
      { metadata: { labels: { x: 'y' } }, status: { phase: 'failed' } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(labels.body.metadata.labels).toEqual({ x: 'y' });
    expect(labels.body.status.phase).toBe('completed');

    // stale resourceVersion → 409 Conflict
    const stale = await call('PUT', `${BACKUPS}/b1`, {
      ...labels.body,
      metadata: { ...labels.body.metadata, resourceVersion: '1' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
  });

  it('increments generation on Cluster spec changes only', async () => {
    standin.store.seed({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'orders-db', namespace: 'db' },
      spec: { instances: 1, storage: { size: '1Gi' } },
    });
    const path = '/apis/postgresql.cnpg.io/v1/namespaces/db/clusters/orders-db';
    const mp = { 'content-type': 'application/merge-patch+json' };
    expect(
      (await call('PATCH', path, { spec: { instances: 2 } }, mp)).body.metadata
        .generation,
    ).toBe(2);
    expect(
      (await call('PATCH', `${path}/status`, { status: { phase: 'x' } }, mp))
        .body.metadata.generation,
    ).toBe(2);
  });

  it('supports dryRun=All: full validation, nothing stored', async () => {
    const dry = await call('POST', `${BACKUPS}?dryRun=All`, backup('dry'));
    expect(dry.status).toBe(201);
    expect(dry.body.metadata.name).toBe('dry');
    expect((await call('GET', `${BACKUPS}/dry`)).status).toBe(404);
    const invalid = await call('POST', `${BACKUPS}?dryRun=All`, {
      ...backup('dry'),
      spec: {},
    });
    expect(invalid.status).toBe(422);
    await call('POST', BACKUPS, backup('real'));
    expect((await call('DELETE', `${BACKUPS}/real?dryRun=All`)).status).toBe(
      200,
    );
    expect((await call('GET', `${BACKUPS}/real`)).status).toBe(200);
  });

  it('answers Table requests with the CRD printer columns (kubectl get)', async () => {
    await call('POST', BACKUPS, backup('b1'));
    const table = await call('GET', BACKUPS, undefined, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    expect(table.body.kind).toBe('Table');
    expect(table.body.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Age',
      'Cluster',
      'Method',
      'Phase',
      'Error',
    ]);
    expect(table.body.rows[0].cells).toEqual([
      'b1',
      '0s',
      'orders-db',
      'plugin',
      null,
      null,
    ]);
    expect(table.body.rows[0].object.metadata.namespace).toBe('db');
  });

  it('humanises ages like kubectl', () => {
    const s = 1000;
    expect(
      [
        90 * s,
        5 * 60 * s + 3 * s,
        45 * 60 * s,
        5 * 3600 * s + 60 * s,
        30 * 3600 * s,
        3 * 86400 * s + 3600 * s,
        40 * 86400 * s,
        800 * 86400 * s,
      ].map(humanDuration),
    ).toEqual(['90s', '5m3s', '45m', '5h1m', '30h', '3d1h', '40d', '2y70d']);
  });

  it('deletes objects and returns them', async () => {
    await call('POST', BACKUPS, backup('b1'));
    const del = await call('DELETE', `${BACKUPS}/b1`);
    expect(del.status).toBe(200);
    expect(del.body.metadata.name).toBe('b1');
    expect((await call('GET', `${BACKUPS}/b1`)).status).toBe(404);
  });

  it('serves Secrets (stringData → base64 data) and Namespaces', async () => {
    const created = await call('POST', '/api/v1/namespaces/db/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds' },
      stringData: { ACCESS_KEY_ID: 'AKIA-DEMO' },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      ACCESS_KEY_ID: Buffer.from('AKIA-DEMO').toString('base64'),
    });
    expect(created.body).not.toHaveProperty('stringData');
    expect(
      (await call('GET', '/api/v1/namespaces/db/secrets/creds')).body.type,
    ).toBe('Opaque');
    expect(
      (await call('GET', '/api/v1/namespaces')).body.items.map(
        (n: any) => n.metadata.name,
      ),
    ).toEqual(['db']);
    expect((await call('GET', '/api/v1/namespaces/db')).body.status.phase).toBe(
      'Active',
    );
  });

  it('applies RBAC deny rules with Forbidden Status messages', async () => {
    standin.deny({ verb: 'get', resource: 'secrets', namespace: 'db' });
    const res = await call('GET', '/api/v1/namespaces/db/secrets/creds');
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(
      `secrets "creds" is forbidden: User "${standin.user}" cannot get resource "secrets" in API group "" in the namespace "db"`,
    );
    expect(res.body.details).toEqual({
      name: 'creds',
      group: '',
      kind: 'secrets',
    });
  });

  it('simulates an uninstalled CRD: 404 for its paths, absent from discovery, CRD GET 404', async () => {
    standin.store.setCrdInstalled('objectstores.barmancloud.cnpg.io', false);
    const list = await call(
      'GET',
      '/apis/barmancloud.cnpg.io/v1/namespaces/db/objectstores',
    );
    expect(list.status).toBe(404);
    expect(list.body.message).toBe(
      'the server could not find the requested resource',
    );
    expect(
      (await call('GET', '/apis')).body.groups.map((g: any) => g.name),
    ).toEqual(['apiextensions.k8s.io', 'postgresql.cnpg.io']);
    const crd = await call(
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/objectstores.barmancloud.cnpg.io',
    );
    expect(crd.status).toBe(404);
    const clusterCrd = await call(
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clusters.postgresql.cnpg.io',
    );
    expect(clusterCrd.body.spec.names.kind).toBe('Cluster');
    expect(
      clusterCrd.body.spec.versions[0].schema.openAPIV3Schema.properties.spec,
    ).toBeDefined();
  });

  it('serves discovery documents kubectl understands', async () => {
    const rl = await call('GET', '/apis/postgresql.cnpg.io/v1');
    expect(rl.body).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'postgresql.cnpg.io/v1',
    });
    expect(rl.body.resources.map((r: any) => r.name)).toEqual(
      expect.arrayContaining([
        'backups',
        'backups/status',
        'clusters',
        'clusters/status',
        'scheduledbackups',
      ]),
    );
    expect(
      (await call('GET', '/api/v1')).body.resources.find(
        (r: any) => r.name === 'namespaces',
      ),
    ).toMatchObject({
      namespaced: false,
      shortNames: ['ns'],
    });
    const root = await call('GET', '/openapi/v3');
    expect(Object.keys(root.body.paths)).toEqual(
      expect.arrayContaining(['api/v1', 'apis/postgresql.cnpg.io/v1']),
    );
  });

  it('injects faults: status codes, malformed bodies, delays, and counts', async () => {
    standin.injectFault({
      path: BACKUPS,
      status: 500,
      message: 'etcd is down',
      times: 1,
    });
    const failed = await call('GET', BACKUPS);
    expect(failed.status).toBe(500);
    expect(failed.body.message).toBe('etcd is down');
    expect((await call('GET', BACKUPS)).status).toBe(200); // expired after one use

    const remove = standin.injectFault({
      method: 'GET',
      path: /clusters/,
      malformedBody: true,
    });
    const res = await fetch(
      `${standin.url}/apis/postgresql.cnpg.io/v1/clusters`,
      { headers: { authorization: `Bearer ${standin.token}` } },
    );
    await expect(res.json()).rejects.toThrow();
    remove();

    standin.injectFault({ path: BACKUPS, delayMs: 300, times: 1 });
    const started = Date.now();
    await call('GET', BACKUPS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    standin.injectFault({ path: BACKUPS, hang: true, times: 1 });
    await expect(
      fetch(`${standin.url}${BACKUPS}`, {
        headers: { authorization: `Bearer ${standin.token}` },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
  });

  it('notifies listeners of changes (used by the demo operator)', async () => {
    const seen: string[] = [];
    standin.store.onChange(c =>
      seen.push(`${c.type} ${c.object.kind} ${c.object.metadata.name}`),
    );
    await call('POST', BACKUPS, backup('b1'));
    await call('DELETE', `${BACKUPS}/b1`);
    expect(seen).toEqual(['ADDED Backup b1', 'DELETED Backup b1']);
  });

  it('frees its port on stop()', async () => {
    const url = standin.url;
    await standin.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    standin = await KubernetesStandin.start({
      port: Number(new URL(url).port),
    });
    expect(standin.url).toBe(url);
  });
});
