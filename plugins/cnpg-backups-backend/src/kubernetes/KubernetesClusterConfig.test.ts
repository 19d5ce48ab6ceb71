import { ConfigReader } from '@backstage/config';
import { readKubernetesClusters } from './KubernetesClusterConfig';

const PEM = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n';

describe('readKubernetesClusters', () => {
  const config = (cnpgBackups?: object) =>
    new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'catalog' },
          {
            type: 'config',
            clusters: [
              {
                name: 'prod',
                url: 'https://prod:6443',
                authProvider: 'serviceAccount',
                serviceAccountToken: 't',
                caData: Buffer.from(PEM).toString('base64'),
              },
              { name: 'dev', url: 'https://dev:6443', skipTLSVerify: true },
            ],
          },
        ],
      },
      cnpgBackups,
    });

  it('reads config-located clusters from the kubernetes config', () => {
    expect(readKubernetesClusters(config())).toEqual([
      {
        name: 'prod',
        url: 'https://prod:6443',
        authProvider: 'serviceAccount',
        token: 't',
        skipTLSVerify: false,
        caPem: PEM,
      },
      {
        name: 'dev',
        url: 'https://dev:6443',
        authProvider: 'serviceAccount',
        token: undefined,
        skipTLSVerify: true,
        caPem: undefined,
      },
    ]);
  });

  it('honours the cnpgBackups.kubernetes.clusters include list', () => {
    expect(
      readKubernetesClusters(config({ kubernetes: { clusters: ['dev'] } })).map(
        c => c.name,
      ),
    ).toEqual(['dev']);
  });

  it('returns nothing without kubernetes config', () => {
    expect(readKubernetesClusters(new ConfigReader({}))).toEqual([]);
  });

  it('rejects caData that is not PEM', () => {
    const bad = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [{ name: 'x', url: 'https://x', caData: 'bm90IHBlbQ==' }],
          },
        ],
      },
    });
    expect(() => readKubernetesClusters(bad)).toThrow(/caData is neither PEM/);
  });
});
