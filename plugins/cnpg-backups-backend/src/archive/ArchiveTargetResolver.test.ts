import { InputError, NotFoundError } from '@backstage/errors';
import type { SourceError } from '@cnpg-backups/plugin-cnpg-backups-common';
import { KubernetesForbiddenError } from '../kubernetes';
import { FakeKubernetesClient } from '../service/__testUtils__/fakes';
import {
  objectStore,
  pluginCluster,
} from '@cnpg-backups/plugin-cnpg-backups-common/testUtils';
import {
  ArchiveTargetResolver,
  type AttemptRead,
} from './ArchiveTargetResolver';

function recorder() {
  const errors: SourceError[] = [];
  const attempt: AttemptRead = async promise => {
    try {
      return await promise;
    } catch (error) {
      errors.push({
        source: 'kubernetes',
        name: (error as Error).name,
        message: (error as Error).message,
      });
      return undefined;
    }
  };
  return { errors, attempt };
}

const forbidden = () =>
  new KubernetesForbiddenError({
    message: 'list objectstores is forbidden',
    kubernetesCluster: 'k',
  });

describe('ArchiveTargetResolver', () => {
  const resolver = new ArchiveTargetResolver();

  it('reads no ObjectStore for a Cluster that does not use the plugin', async () => {
    const client = new FakeKubernetesClient('k');
    const cluster = pluginCluster('orders', { plugins: [] });
    const { attempt } = recorder();
    expect(await resolver.objectStores(client, cluster, attempt)).toEqual([]);
    expect(client.calls).toEqual([]);
  });

  it('falls back to getting the named ObjectStore when listing is forbidden', async () => {
    const client = new FakeKubernetesClient('k');
    client.objectStores = [objectStore()];
    client.faults.listObjectStores = forbidden();
    const { errors, attempt } = recorder();
    const stores = await resolver.objectStores(
      client,
      pluginCluster('orders'),
      attempt,
    );
    expect(stores?.map(s => s.metadata.name)).toEqual(['minio-store']);
    expect(errors).toEqual([]);
    expect(client.calls.map(c => c.method)).toEqual([
      'listObjectStores',
      'getObjectStore',
    ]);
  });

  it('records the failure and yields undefined when neither works', async () => {
    const client = new FakeKubernetesClient('k');
    client.faults.listObjectStores = forbidden();
    client.faults.getObjectStore = forbidden();
    const { errors, attempt } = recorder();
    expect(
      await resolver.objectStores(client, pluginCluster('orders'), attempt),
    ).toBeUndefined();
    expect(errors.map(e => e.name)).toEqual(['KubernetesForbidden']);
  });

  it('reports a missing ObjectStore only when the ObjectStores could be read', () => {
    const cluster = pluginCluster('orders');
    const listed = resolver.resolve({
      kubernetesCluster: 'k',
      cluster,
      objectStores: [],
    });
    expect(listed.archive).toBeUndefined();
    expect(listed.errors.map(e => e.name)).toEqual(['ObjectStoreNotFound']);
    const unread = resolver.resolve({
      kubernetesCluster: 'k',
      cluster,
      objectStores: undefined,
    });
    expect(unread.errors).toEqual([]);
    expect(unread.objectStores).toEqual([]);
  });

  it('resolves the S3 target and names an entry without barmanObjectName', () => {
    const ok = resolver.resolve({
      kubernetesCluster: 'k',
      cluster: pluginCluster('orders'),
      objectStores: [objectStore()],
    });
    expect(ok.errors).toEqual([]);
    expect(ok.archive).toMatchObject({
      bucket: 'backups',
      prefix: 'cnpg',
      serverName: 'orders',
      objectStoreName: 'minio-store',
    });
    const unnamed = resolver.resolve({
      kubernetesCluster: 'k',
      cluster: pluginCluster('orders', {
        plugins: [
          {
            name: 'barman-cloud.cloudnative-pg.io',
            isWALArchiver: true,
            parameters: {},
          },
        ],
      }),
      objectStores: [objectStore()],
    });
    expect(unnamed.errors.map(e => e.name)).toEqual(['ObjectStoreNotSet']);
  });

  it('throws named HTTP errors for an action', async () => {
    const client = new FakeKubernetesClient('k');
    await expect(
      resolver.resolveForAction(
        client,
        pluginCluster('orders', { plugins: [] }),
      ),
    ).rejects.toThrow(
      new InputError(
        'Cluster db/orders has no backup configuration (no barman-cloud plugin entry, no spec.backup.barmanObjectStore)',
      ),
    );
    await expect(
      resolver.resolveForAction(client, pluginCluster('orders')),
    ).rejects.toBeInstanceOf(NotFoundError);
    client.objectStores = [objectStore()];
    await expect(
      resolver.resolveForAction(client, pluginCluster('orders')),
    ).resolves.toMatchObject({
      destinationPath: 's3://backups/cnpg',
      serverName: 'orders',
    });
  });
});
