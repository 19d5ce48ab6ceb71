import {
  getCnpgEntitySelector,
  InvalidAnnotationError,
  isCnpgBackupsAvailable,
  parseCnpgClusterAnnotation,
} from './annotations';

const entity = (annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders', annotations },
});

describe('parseCnpgClusterAnnotation', () => {
  it('parses several clusters, pinned and unpinned, and drops duplicates', () => {
    expect(
      parseCnpgClusterAnnotation(
        ' db/orders-db , prod-eu:db/orders-db ,db/orders-db',
        'default',
      ),
    ).toEqual([
      { kubernetesCluster: 'default', namespace: 'db', name: 'orders-db' },
      { kubernetesCluster: 'prod-eu', namespace: 'db', name: 'orders-db' },
    ]);
  });

  it.each([
    ['', 'value is empty'],
    ['db/a,,db/b', 'empty entry'],
    ['orders-db', 'must be <namespace>/<name>'],
    ['a/b/c', 'must be <namespace>/<name>'],
    ['DB/orders', 'namespace "DB" is not a valid DNS-1123 label'],
    ['db/..', 'cluster name ".." is not a valid'],
    ['db/', 'cluster name "" is not a valid'],
    ['db/../etc', 'must be <namespace>/<name>'],
    ['db/orders_db', 'cluster name "orders_db"'],
    [' :db/x', '"" is not a valid Kubernetes cluster name'],
    [
      'bad cluster:db/x',
      '"bad cluster" is not a valid Kubernetes cluster name',
    ],
  ])('rejects %j with a specific message', (value, message) => {
    expect(() => parseCnpgClusterAnnotation(value)).toThrow(
      InvalidAnnotationError,
    );
    expect(() => parseCnpgClusterAnnotation(value)).toThrow(message);
  });
});

describe('getCnpgEntitySelector', () => {
  it('prefers the explicit annotation and applies the kubernetes-cluster default', () => {
    expect(
      getCnpgEntitySelector(
        entity({
          'cnpg.io/cluster': 'db/orders',
          'cnpg.io/kubernetes-cluster': 'prod',
        }),
      ),
    ).toEqual({
      kind: 'explicit',
      clusters: [
        { kubernetesCluster: 'prod', namespace: 'db', name: 'orders' },
      ],
    });
  });

  it('falls back to the backstage.io/kubernetes-id label selector', () => {
    expect(
      getCnpgEntitySelector(
        entity({
          'backstage.io/kubernetes-id': 'orders',
          'backstage.io/kubernetes-namespace': 'db',
        }),
      ),
    ).toEqual({
      kind: 'label',
      labelSelector: 'backstage.io/kubernetes-id=orders',
      namespace: 'db',
      kubernetesCluster: undefined,
    });
  });

  it('rejects a kubernetes-id that is not a label value', () => {
    expect(() =>
      getCnpgEntitySelector(entity({ 'backstage.io/kubernetes-id': 'a b' })),
    ).toThrow('Invalid backstage.io/kubernetes-id annotation');
  });

  it('returns undefined and reports unavailability without annotations', () => {
    expect(getCnpgEntitySelector(entity({}))).toBeUndefined();
    expect(isCnpgBackupsAvailable(entity({}))).toBe(false);
    expect(isCnpgBackupsAvailable(entity({ 'cnpg.io/cluster': 'db/x' }))).toBe(
      true,
    );
  });
});
