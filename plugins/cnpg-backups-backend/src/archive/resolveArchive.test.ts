import {
  declaredArchive,
  resolveArchiveTarget,
  resolveRecoverySources,
  splitDestinationPath,
} from './resolveArchive';
import type { CnpgCluster, CnpgObjectStore } from '../kubernetes';

const store: CnpgObjectStore = {
  metadata: { name: 'minio-store', namespace: 'db' },
  spec: {
    retentionPolicy: '30d',
    configuration: {
      destinationPath: 's3://backups/cnpg/',
      endpointURL: 'http://minio.minio.svc:9000',
      s3Credentials: {
        accessKeyId: { name: 'creds', key: 'ACCESS_KEY_ID' },
        secretAccessKey: { name: 'creds', key: 'ACCESS_SECRET_KEY' },
      },
      wal: { compression: 'zstd' },
      data: { compression: 'gzip' },
    },
    instanceSidecarConfiguration: {
      env: [
        { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' },
      ],
    },
  },
};

const cluster = (spec: CnpgCluster['spec']): CnpgCluster => ({
  metadata: { name: 'orders', namespace: 'db' },
  spec,
});

describe('declaredArchive + resolveArchiveTarget', () => {
  it('resolves the plugin form through the ObjectStore', () => {
    const c = cluster({
      plugins: [
        {
          name: 'barman-cloud.cloudnative-pg.io',
          isWALArchiver: true,
          parameters: {
            barmanObjectName: 'minio-store',
            serverName: 'orders-v2',
          },
        },
      ],
    });
    const declaration = declaredArchive(c)!;
    expect(declaration.form).toBe('plugin');
    expect(
      resolveArchiveTarget({ cluster: c, declaration, objectStore: store }),
    ).toEqual({
      form: 'plugin',
      objectStoreName: 'minio-store',
      destinationPath: 's3://backups/cnpg/',
      bucket: 'backups',
      prefix: 'cnpg',
      endpointURL: 'http://minio.minio.svc:9000',
      provider: 'minio',
      serverName: 'orders-v2',
      isWALArchiver: true,
      walCompression: 'zstd',
      dataCompression: 'gzip',
      retentionPolicy: '30d',
      credentials: {
        accessKeyId: { name: 'creds', key: 'ACCESS_KEY_ID' },
        secretAccessKey: { name: 'creds', key: 'ACCESS_SECRET_KEY' },
        sessionToken: undefined,
        region: undefined,
        inheritFromIAMRole: undefined,
      },
      endpointCA: undefined,
      sidecarEnv: ['AWS_REQUEST_CHECKSUM_CALCULATION'],
    });
  });

  it('resolves the legacy form from spec.backup', () => {
    const c = cluster({
      env: [
        { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'when_required' },
      ],
      backup: {
        retentionPolicy: '7d',
        barmanObjectStore: {
          destinationPath: 's3://legacy',
          endpointURL: 'https://acc.r2.cloudflarestorage.com',
        },
      },
    });
    const declaration = declaredArchive(c)!;
    expect(declaration).toMatchObject({
      form: 'legacy',
      serverName: 'orders',
      envNames: ['AWS_RESPONSE_CHECKSUM_VALIDATION'],
    });
    expect(resolveArchiveTarget({ cluster: c, declaration })).toMatchObject({
      form: 'legacy',
      bucket: 'legacy',
      prefix: '',
      provider: 'r2',
      retentionPolicy: '7d',
      walCompression: 'none',
      sidecarEnv: [],
    });
  });

  it('prefers an enabled plugin over the legacy field and falls back when disabled', () => {
    const both = cluster({
      plugins: [{ name: 'barman-cloud.cloudnative-pg.io', enabled: false }],
      backup: { barmanObjectStore: { destinationPath: 's3://legacy' } },
    });
    expect(declaredArchive(both)?.form).toBe('legacy');
    expect(declaredArchive(cluster({}))).toBeUndefined();
  });

  it('rejects non-S3 archives with UnsupportedArchive', () => {
    const c = cluster({
      backup: {
        barmanObjectStore: {
          destinationPath: 'https://acct.blob.core.windows.net/c',
          azureCredentials: {},
        },
      },
    });
    expect(() =>
      resolveArchiveTarget({ cluster: c, declaration: declaredArchive(c)! }),
    ).toThrow(/Azure Blob Storage/);
    expect(() => splitDestinationPath('gs://bucket')).toThrow(
      expect.objectContaining({ name: 'UnsupportedArchive' }),
    );
  });
});

describe('resolveRecoverySources', () => {
  it('defaults a plugin source serverName to the NEW cluster name, a legacy one to the external name', () => {
    const c = cluster({
      externalClusters: [
        {
          name: 'origin',
          plugin: {
            name: 'barman-cloud.cloudnative-pg.io',
            parameters: { barmanObjectName: 'minio-store' },
          },
        },
        {
          name: 'old-orders',
          barmanObjectStore: { destinationPath: 's3://legacy/x' },
        },
        { name: 'streaming', connectionParameters: {} } as any,
      ],
    });
    expect(
      resolveRecoverySources({ cluster: c, objectStores: [store] }),
    ).toEqual([
      {
        name: 'origin',
        form: 'plugin',
        serverName: 'orders',
        objectStoreName: 'minio-store',
        destinationPath: 's3://backups/cnpg/',
      },
      {
        name: 'old-orders',
        form: 'legacy',
        serverName: 'old-orders',
        destinationPath: 's3://legacy/x',
      },
    ]);
  });
});
