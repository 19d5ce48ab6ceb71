import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpCnpgKubernetesClient } from './HttpCnpgKubernetesClient';

type Handler = (
  req: http.IncomingMessage,
  body: string,
) => {
  status: number;
  body?: unknown;
  raw?: string;
  delayMs?: number;
};

describe('HttpCnpgKubernetesClient', () => {
  let server: http.Server;
  let url: string;
  let handler: Handler;
  const requests: Array<{
    method?: string;
    url?: string;
    auth?: string;
    body: string;
  }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        requests.push({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          body,
        });
        const answer = handler(req, body);
        const send = () => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(answer.raw ?? JSON.stringify(answer.body ?? {}));
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(r => server.close(r));
  });
  beforeEach(() => {
    requests.length = 0;
  });

  const client = (timeoutMs?: number) =>
    HttpCnpgKubernetesClient.create({
      connection: {
        name: 'prod',
        url,
        token: 'sa-token',
        authProvider: 'serviceAccount',
      },
      timeoutMs,
    });

  it('lists clusters across namespaces with a label selector and a bearer token', async () => {
    handler = () => ({
      status: 200,
      body: { kind: 'ClusterList', items: [{ metadata: { name: 'a' } }] },
    });
    const items = await client().listClusters({
      labelSelector: 'backstage.io/kubernetes-id=orders',
    });
    expect(items).toEqual([{ metadata: { name: 'a' } }]);
    expect(requests[0]).toMatchObject({
      method: 'GET',
      url: '/apis/postgresql.cnpg.io/v1/clusters?labelSelector=backstage.io%2Fkubernetes-id%3Dorders',
      auth: 'Bearer sa-token',
    });
  });

  it('lists backups of one cluster by the cnpg.io/cluster label', async () => {
    handler = () => ({ status: 200, body: { items: [] } });
    await client().listBackups({ namespace: 'db', clusterName: 'orders' });
    expect(requests[0].url).toBe(
      '/apis/postgresql.cnpg.io/v1/namespaces/db/backups?labelSelector=cnpg.io%2Fcluster%3Dorders',
    );
  });

  it('decodes Secret data server-side', async () => {
    handler = () => ({
      status: 200,
      body: { data: { KEY: Buffer.from('s3cr3t').toString('base64') } },
    });
    await expect(
      client().getSecret({ namespace: 'db', name: 'creds' }),
    ).resolves.toEqual({ KEY: 's3cr3t' });
    expect(requests[0].url).toBe('/api/v1/namespaces/db/secrets/creds');
  });

  it('reads a CRD from the cluster-scoped apiextensions API', async () => {
    handler = () => ({
      status: 200,
      body: { metadata: { name: 'objectstores.barmancloud.cnpg.io' } },
    });
    await client().getCustomResourceDefinition({
      name: 'objectstores.barmancloud.cnpg.io',
    });
    expect(requests[0].url).toBe(
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/objectstores.barmancloud.cnpg.io',
    );
  });

  it.each([
    [401, 'KubernetesUnauthorized'],
    [403, 'KubernetesForbidden'],
    [500, 'KubernetesUnavailable'],
    [503, 'KubernetesUnavailable'],
    [422, 'KubernetesRequestRejected'],
  ])('maps %d to %s', async (status, name) => {
    handler = () => ({ status, body: { kind: 'Status', message: 'nope' } });
    await expect(client().listClusters({})).rejects.toMatchObject({
      name,
      kubernetesCluster: 'prod',
    });
  });

  it('maps a 404 on a list to CrdNotInstalled naming the CRD', async () => {
    handler = () => ({
      status: 404,
      body: {
        kind: 'Status',
        reason: 'NotFound',
        message: 'the server could not find the requested resource',
      },
    });
    await expect(
      client().listObjectStores({ namespace: 'db' }),
    ).rejects.toMatchObject({
      name: 'CrdNotInstalled',
      crd: 'objectstores.barmancloud.cnpg.io',
      message: expect.stringMatching(/Barman Cloud plugin is not installed/),
    });
  });

  it('maps a 404 on a named object to <Kind>NotFound', async () => {
    handler = () => ({
      status: 404,
      body: {
        kind: 'Status',
        reason: 'NotFound',
        message: 'clusters.postgresql.cnpg.io "x" not found',
        details: { name: 'x', kind: 'clusters' },
      },
    });
    await expect(
      client().getCluster({ namespace: 'db', name: 'x' }),
    ).rejects.toMatchObject({ name: 'ClusterNotFound' });
  });

  it('maps a 404 on a get without details to CrdNotInstalled', async () => {
    handler = () => ({
      status: 404,
      body: {
        kind: 'Status',
        reason: 'NotFound',
        message: 'the server could not find the requested resource',
      },
    });
    await expect(
      client().getObjectStore({ namespace: 'db', name: 'x' }),
    ).rejects.toMatchObject({ name: 'CrdNotInstalled' });
  });

  describe('404 classification: object missing vs resource type missing', () => {
    const typeMissing = {
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
      details: {},
      code: 404,
    };
    const objectMissing = (kind: string, group: string, name: string) => ({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      message: `${kind}${group ? `.${group}` : ''} "${name}" not found`,
      details: { name, kind, ...(group ? { group } : {}) },
      code: 404,
    });

    it('a core Secret is never CrdNotInstalled, whatever the 404 body says', async () => {
      for (const body of [
        objectMissing('secrets', '', 's3-creds'),
        typeMissing,
        {},
      ]) {
        handler = () => ({ status: 404, body });
        await expect(
          client().getSecret({ namespace: 'db', name: 's3-creds' }),
        ).rejects.toMatchObject({
          name: 'SecretNotFound',
          objectName: 's3-creds',
          namespace: 'db',
        });
      }
    });

    it('the CRD API itself is built in: a missing CRD object is CustomResourceDefinitionNotFound', async () => {
      for (const body of [
        objectMissing(
          'customresourcedefinitions',
          'apiextensions.k8s.io',
          'objectstores.barmancloud.cnpg.io',
        ),
        typeMissing,
      ]) {
        handler = () => ({ status: 404, body });
        await expect(
          client().getCustomResourceDefinition({
            name: 'objectstores.barmancloud.cnpg.io',
          }),
        ).rejects.toMatchObject({ name: 'CustomResourceDefinitionNotFound' });
      }
    });

    it('a named CNPG GET: details.name means the object is missing, none means the CRD is', async () => {
      handler = () => ({
        status: 404,
        body: objectMissing('clusters', 'postgresql.cnpg.io', 'orders'),
      });
      await expect(
        client().getCluster({ namespace: 'db', name: 'orders' }),
      ).rejects.toMatchObject({
        name: 'ClusterNotFound',
        objectName: 'orders',
      });

      handler = () => ({ status: 404, body: typeMissing });
      await expect(
        client().getCluster({ namespace: 'db', name: 'orders' }),
      ).rejects.toMatchObject({
        name: 'CrdNotInstalled',
        crd: 'clusters.postgresql.cnpg.io',
        message: expect.stringMatching(
          /CloudNativePG operator is not installed/,
        ),
      });

      // Stripped details (some proxies) but the object-style message still names it.
      handler = () => ({
        status: 404,
        body: {
          kind: 'Status',
          reason: 'NotFound',
          message: 'objectstores.barmancloud.cnpg.io "store" not found',
        },
      });
      await expect(
        client().getObjectStore({ namespace: 'db', name: 'store' }),
      ).rejects.toMatchObject({ name: 'ObjectStoreNotFound' });
    });

    it('a CNPG list that 404s means the CRD is missing', async () => {
      handler = () => ({ status: 404, body: typeMissing });
      await expect(
        client().listBackups({ namespace: 'db' }),
      ).rejects.toMatchObject({
        name: 'CrdNotInstalled',
        crd: 'backups.postgresql.cnpg.io',
      });
    });

    it('a create into a namespace that does not exist is NamespaceNotFound, not CrdNotInstalled', async () => {
      handler = () => ({
        status: 404,
        body: objectMissing('namespaces', '', 'nowhere'),
      });
      await expect(
        client().createBackup({
          namespace: 'nowhere',
          backup: { metadata: { name: 'b' } },
        }),
      ).rejects.toMatchObject({
        name: 'NamespaceNotFound',
        objectName: 'nowhere',
      });
    });
  });

  it('maps a malformed body to KubernetesInvalidResponse', async () => {
    handler = () => ({ status: 200, raw: '{"items": [' });
    await expect(client().listClusters({})).rejects.toMatchObject({
      name: 'KubernetesInvalidResponse',
    });
  });

  it('maps a slow answer to KubernetesTimeout', async () => {
    handler = () => ({ status: 200, body: { items: [] }, delayMs: 500 });
    await expect(client(100).listClusters({})).rejects.toMatchObject({
      name: 'KubernetesTimeout',
    });
  });

  it('maps a refused connection to KubernetesUnreachable', async () => {
    const dead = HttpCnpgKubernetesClient.create({
      connection: {
        name: 'gone',
        url: 'http://127.0.0.1:1',
        authProvider: 'serviceAccount',
      },
    });
    await expect(dead.listClusters({})).rejects.toMatchObject({
      name: 'KubernetesUnreachable',
      kubernetesCluster: 'gone',
    });
  });

  it('creates a Backup with POST and maps 409 to ConflictError', async () => {
    handler = (_req, body) => ({ status: 201, body: JSON.parse(body) });
    const created = await client().createBackup({
      namespace: 'db',
      backup: {
        metadata: { name: 'b1' },
        spec: { cluster: { name: 'orders' }, method: 'plugin' },
      },
    });
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/apis/postgresql.cnpg.io/v1/namespaces/db/backups',
    });
    expect(created).toMatchObject({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Backup',
      metadata: { name: 'b1', namespace: 'db' },
    });

    handler = () => ({
      status: 409,
      body: {
        kind: 'Status',
        reason: 'AlreadyExists',
        message: 'backups "b1" already exists',
      },
    });
    await expect(
      client().createBackup({
        namespace: 'db',
        backup: { metadata: { name: 'b1' } },
      }),
    ).rejects.toMatchObject({ name: 'ConflictError' });
  });

  it('explains a Cluster name conflict: recovery must create a new cluster', async () => {
    handler = () => ({
      status: 409,
      body: { kind: 'Status', reason: 'AlreadyExists' },
    });
    await expect(
      client().createCluster({
        namespace: 'db',
        cluster: { metadata: { name: 'orders' } },
      }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /already exists.*use a new name; recovery must create a new cluster/,
      ),
    });
  });
});
