import {
  declaredArchive,
  findPluginEntry,
  usesBarmanPlugin,
} from './declaration';
import type { CnpgCluster } from '../kubernetes/resources';

const cluster = (spec: CnpgCluster['spec']): CnpgCluster => ({
  metadata: { name: 'orders', namespace: 'db' },
  spec,
});

describe('findPluginEntry', () => {
  it('defaults serverName to the cluster name', () => {
    expect(
      findPluginEntry(
        cluster({
          plugins: [
            {
              name: 'barman-cloud.cloudnative-pg.io',
              isWALArchiver: true,
              parameters: { barmanObjectName: 'minio-store' },
            },
          ],
        }),
      ),
    ).toEqual({
      enabled: true,
      isWALArchiver: true,
      objectStoreName: 'minio-store',
      serverName: 'orders',
    });
  });

  it('lets the last entry win and ignores disabled entries for serverName', () => {
    const entry = findPluginEntry(
      cluster({
        plugins: [
          {
            name: 'barman-cloud.cloudnative-pg.io',
            isWALArchiver: true,
            parameters: { barmanObjectName: 'a', serverName: 'first' },
          },
          { name: 'other-plugin' },
          {
            name: 'barman-cloud.cloudnative-pg.io',
            enabled: false,
            parameters: { barmanObjectName: 'b', serverName: 'disabled' },
          },
        ],
      }),
    );
    expect(entry).toEqual({
      enabled: true,
      isWALArchiver: true,
      objectStoreName: 'b',
      serverName: 'first',
    });
  });

  it('reports a fully disabled plugin', () => {
    expect(
      findPluginEntry(
        cluster({
          plugins: [{ name: 'barman-cloud.cloudnative-pg.io', enabled: false }],
        }),
      )?.enabled,
    ).toBe(false);
    expect(findPluginEntry(cluster({}))).toBeUndefined();
  });
});

describe('declaredArchive', () => {
  const plugin = (parameters: Record<string, string>, enabled?: boolean) => ({
    name: 'barman-cloud.cloudnative-pg.io',
    isWALArchiver: true,
    ...(enabled === undefined ? {} : { enabled }),
    parameters,
  });

  it('takes barmanObjectName from the LAST entry even when disabled, serverName from the last enabled one (the one rule)', () => {
    // Before issue 11 the manifest builder took barmanObjectName from the last ENABLED entry
    // ("a") while the status took it from the last entry ("b"): both now follow the plugin.
    const declaration = declaredArchive(
      cluster({
        plugins: [
          plugin({ barmanObjectName: 'a', serverName: 'first' }),
          plugin({ barmanObjectName: 'b', serverName: 'off' }, false),
        ],
      }),
    );
    expect(declaration).toEqual({
      form: 'plugin',
      entry: {
        enabled: true,
        isWALArchiver: true,
        objectStoreName: 'b',
        serverName: 'first',
      },
    });
  });

  it('prefers an enabled plugin entry over the legacy field, and falls back to it when the plugin is disabled', () => {
    const legacy = { destinationPath: 's3://b/p', serverName: 'legacy' };
    expect(
      declaredArchive(
        cluster({
          plugins: [plugin({ barmanObjectName: 's' })],
          backup: { barmanObjectStore: legacy },
        }),
      )?.form,
    ).toBe('plugin');
    expect(
      declaredArchive(
        cluster({
          plugins: [plugin({ barmanObjectName: 's' }, false)],
          backup: { barmanObjectStore: legacy, retentionPolicy: '7d' },
          env: [
            {
              name: 'AWS_REQUEST_CHECKSUM_CALCULATION',
              value: 'when_required',
            },
          ],
        }),
      ),
    ).toEqual({
      form: 'legacy',
      configuration: legacy,
      serverName: 'legacy',
      retentionPolicy: '7d',
      envNames: ['AWS_REQUEST_CHECKSUM_CALCULATION'],
    });
    expect(declaredArchive(cluster({}))).toBeUndefined();
  });

  it('survives hostile manifests (non-array plugins, null entries)', () => {
    expect(
      declaredArchive({
        metadata: { name: 'x' },
        spec: { plugins: 'nope' as unknown as [] },
      }),
    ).toBeUndefined();
    expect(
      findPluginEntry({
        metadata: { name: 'x' },
        spec: { plugins: [null as never, plugin({ barmanObjectName: 's' })] },
      })?.objectStoreName,
    ).toBe('s');
  });
});

describe('usesBarmanPlugin', () => {
  it('is true for a spec.plugins entry or a recovery source plugin, enabled or not', () => {
    expect(usesBarmanPlugin(cluster({}))).toBe(false);
    expect(
      usesBarmanPlugin(
        cluster({
          plugins: [{ name: 'barman-cloud.cloudnative-pg.io', enabled: false }],
        }),
      ),
    ).toBe(true);
    expect(
      usesBarmanPlugin(
        cluster({
          externalClusters: [
            { name: 'src', plugin: { name: 'barman-cloud.cloudnative-pg.io' } },
          ],
        }),
      ),
    ).toBe(true);
    expect(
      usesBarmanPlugin(cluster({ plugins: [{ name: 'other.example.io' }] })),
    ).toBe(false);
  });
});
