import { ResponseError } from '@backstage/errors';
import { clusterCreateError, statusReadError } from './backendErrors';

async function responseError(status: number, body: string, json = false) {
  return ResponseError.fromResponse(
    new Response(body, {
      status,
      statusText: status === 409 ? 'Conflict' : 'Forbidden',
      headers: json ? { 'content-type': 'application/json' } : {},
    }),
  );
}

const request = {
  entityRef: 'component:default/orders',
  kubernetesCluster: 'prod',
  namespace: 'shop',
  name: 'orders-db-restore',
};

describe('backend error words', () => {
  it('quotes the backend message of a Backstage error body, a bare JSON body or plain text', async () => {
    const backstage = await responseError(
      409,
      JSON.stringify({
        error: { name: 'ConflictError', message: 'exists' },
        response: { statusCode: 409 },
      }),
      true,
    );
    const bare = await responseError(
      409,
      JSON.stringify({ error: { message: 'exists' } }),
      true,
    );
    const text = await responseError(409, 'exists');
    for (const error of [backstage, bare, text]) {
      expect(clusterCreateError(error, request)).toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(
          /"orders-db-restore" already exists in namespace shop of "prod".*\(exists\)$/,
        ),
      });
    }
  });

  it('names the permission on a 403 and passes other failures through', async () => {
    expect(
      clusterCreateError(await responseError(403, 'no'), request),
    ).toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /permission cnpg-backups.recovery.create\): no$/,
      ),
    });
    const network = new TypeError('fetch failed');
    expect(clusterCreateError(network, request)).toBe(network);
    const teapot = await responseError(418, 'x');
    expect(
      statusReadError(teapot, {
        kubernetesCluster: 'prod',
        namespace: 'shop',
        name: 'db',
      }),
    ).toBe(teapot);
    expect(
      statusReadError(await responseError(404, 'x'), {
        kubernetesCluster: 'prod',
        namespace: 'shop',
        name: 'db',
      }),
    ).toMatchObject({
      name: 'NotFoundError',
      message:
        'CNPG Cluster shop/db was not found in Kubernetes cluster "prod"',
    });
  });
});
