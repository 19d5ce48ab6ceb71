import { KubernetesClientRegistry } from '../kubernetes';
import { FakeKubernetesClient } from '../service/__testUtils__/fakes';
import { AnnotationClusterLocator } from './AnnotationClusterLocator';

const entity = (annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'shop', namespace: 'default', annotations },
});

describe('AnnotationClusterLocator', () => {
  function setup() {
    const prod = new FakeKubernetesClient('prod');
    prod.clusters = [
      {
        metadata: {
          namespace: 'db',
          name: 'orders',
          labels: { 'backstage.io/kubernetes-id': 'shop' },
        },
      } as any,
    ];
    const wrapped: Array<[string, boolean | undefined]> = [];
    const locator = new AnnotationClusterLocator({
      kubernetes: KubernetesClientRegistry.create([
        prod,
        new FakeKubernetesClient('staging'),
      ]),
      reader: (client, refresh) => {
        wrapped.push([client.clusterName, refresh]);
        return client;
      },
    });
    return { locator, wrapped };
  }

  it('finds pinned and labelled Clusters through the reader it is given', async () => {
    const { locator, wrapped } = setup();
    const pinned = await locator.locate({
      entity: entity({ 'cnpg.io/cluster': 'prod:db/orders' }),
      refresh: true,
    });
    expect(pinned.found.map(f => f.cluster.metadata.name)).toEqual(['orders']);
    expect(pinned.errors).toEqual([]);
    expect(wrapped).toEqual([['prod', true]]);
    const labelled = await locator.locate({
      entity: entity({ 'backstage.io/kubernetes-id': 'shop' }),
    });
    expect(
      labelled.found.map(
        f => `${f.client.clusterName}/${f.cluster.metadata.name}`,
      ),
    ).toEqual(['prod/orders']);
  });

  it('returns every failure as a named error, never throws', async () => {
    const { locator } = setup();
    const names = async (annotations: Record<string, string>) =>
      (await locator.locate({ entity: entity(annotations) })).errors.map(
        e => e.name,
      );
    expect(await names({})).toEqual(['MissingAnnotation']);
    expect(await names({ 'cnpg.io/cluster': 'not a ref!' })).toEqual([
      'InvalidAnnotation',
    ]);
    expect(await names({ 'cnpg.io/cluster': 'nowhere:db/orders' })).toEqual([
      'UnknownKubernetesCluster',
    ]);
    expect(await names({ 'cnpg.io/cluster': 'db/ghost' })).toEqual([
      'ClusterNotFound',
    ]);
    const pinnedMissing = await locator.locate({
      entity: entity({ 'cnpg.io/cluster': 'prod:db/ghost' }),
    });
    expect(pinnedMissing.shells.map(s => s.id)).toEqual(['prod/db/ghost']);
    const none = new AnnotationClusterLocator({
      kubernetes: KubernetesClientRegistry.create(),
      reader: c => c,
    });
    expect(
      (
        await none.locate({
          entity: entity({ 'cnpg.io/cluster': 'db/orders' }),
        })
      ).errors.map(e => e.name),
    ).toEqual(['NoKubernetesClusters']);
  });
});
