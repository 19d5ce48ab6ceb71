import {
  archiveIsRecoverySourceRule,
  archiveNotConfiguredRule,
  checksumIncompatibilityRule,
  expectedEmptyArchiveRule,
  isAwsEndpoint,
  legacyBarmanObjectStoreRule,
  sharedServerNameRule,
  walArchiverMissingRule,
} from './archiveRules';
import {
  archiveTarget,
  catalog,
  context,
  failingArchiving,
} from './testContext';
import YAML from 'yaml';

const SHA_ERROR =
  'unexpected failure invoking barman-cloud-wal-archive: exit status 1: An error occurred (InvalidArgument) when calling the PutObject operation: x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD or a valid sha256 value.';

describe('checksumIncompatibilityRule', () => {
  const failing = (message: string, overrides = {}) =>
    context({
      cluster: { ...context().cluster, conditions: failingArchiving(message) },
      ...overrides,
    });

  it.each([
    SHA_ERROR,
    'An error occurred (SignatureDoesNotMatch) when calling the PutObject operation',
    '(InvalidRequest) when calling the UploadPart operation: Checksum Type mismatch occurred',
    'MissingContentMD5: missing required header for this request: Content-Md5',
    "501 NotImplemented: Header 'x-amz-checksum-crc32' with value 'abc' not implemented",
  ])('fires on %s with a non-AWS endpoint and no env', message => {
    const [d] = checksumIncompatibilityRule(failing(message));
    expect(d).toMatchObject({
      id: 'checksum-incompatibility',
      severity: 'error',
    });
    expect(d.message).toContain('db/orders');
    expect(d.message).toContain('ObjectStore db/minio-store');
    const snippet = YAML.parse(d.fixSnippet!);
    // A fragment naming the ObjectStore (a partial manifest would fail CRD validation).
    expect(d.fixSnippet).toContain('# add to the ObjectStore db/minio-store');
    expect(snippet.kind).toBeUndefined();
    expect(snippet.spec.instanceSidecarConfiguration.env).toEqual([
      { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' },
      { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'when_required' },
    ]);
  });

  it('fires for the legacy form when Cluster spec.env lacks the variables, with a Cluster snippet', () => {
    const [d] = checksumIncompatibilityRule(
      failing(SHA_ERROR, {
        archive: archiveTarget({ form: 'legacy', objectStoreName: undefined }),
        legacyArchive: true,
      }),
    );
    const snippet = YAML.parse(d.fixSnippet!);
    expect(d.fixSnippet).toContain('# add to the Cluster db/orders');
    expect(snippet.spec.env).toHaveLength(2);
  });

  it('also reads failed Backup errors', () => {
    expect(
      checksumIncompatibilityRule(context({ failedBackupErrors: [SHA_ERROR] })),
    ).toHaveLength(1);
  });

  it('does not fire when the sidecar env already has both variables', () => {
    const archive = archiveTarget({
      sidecarEnv: [
        'AWS_REQUEST_CHECKSUM_CALCULATION',
        'AWS_RESPONSE_CHECKSUM_VALIDATION',
      ],
    });
    expect(
      checksumIncompatibilityRule(failing(SHA_ERROR, { archive })),
    ).toEqual([]);
  });

  it('does not fire on AWS itself', () => {
    expect(
      checksumIncompatibilityRule(
        failing(SHA_ERROR, {
          archive: archiveTarget({ endpointURL: undefined }),
        }),
      ),
    ).toEqual([]);
    expect(
      checksumIncompatibilityRule(
        failing(SHA_ERROR, {
          archive: archiveTarget({
            endpointURL: 'https://s3.eu-west-1.amazonaws.com',
          }),
        }),
      ),
    ).toEqual([]);
  });

  it('does not fire on unrelated archiving errors or healthy archiving', () => {
    expect(
      checksumIncompatibilityRule(failing('AccessDenied: Access Denied')),
    ).toEqual([]);
    expect(checksumIncompatibilityRule(context())).toEqual([]);
  });

  it('knows AWS endpoints', () => {
    expect(isAwsEndpoint(undefined)).toBe(true);
    expect(isAwsEndpoint('https://s3.amazonaws.com')).toBe(true);
    expect(isAwsEndpoint('https://x.r2.cloudflarestorage.com')).toBe(false);
    expect(isAwsEndpoint('not a url')).toBe(false);
  });
});

describe('expectedEmptyArchiveRule', () => {
  it('fires on "Expected empty archive" with both fixes', () => {
    const [d] = expectedEmptyArchiveRule(
      context({
        cluster: {
          ...context().cluster,
          conditions: failingArchiving(
            'WAL archive check failed for server orders: Expected empty archive',
          ),
        },
      }),
    );
    expect(d).toMatchObject({
      id: 'expected-empty-archive',
      severity: 'error',
    });
    const [option1, option2] = YAML.parseAllDocuments(d.fixSnippet!).map(doc =>
      doc.toJS(),
    );
    expect(option1.spec.plugins[0].parameters.serverName).toBe('orders-v2');
    expect(option2.spec.bootstrap.recovery.source).toBe('origin');
    expect(option2.spec.externalClusters[0].plugin.parameters.serverName).toBe(
      'orders',
    );
    expect(option2.spec.plugins[0].parameters.serverName).toBe('orders-v2');
    expect(option2.metadata.name).toBe('orders-restore');
  });

  it('fires on a stale archive: failing archiving and every WAL older than the cluster', () => {
    const [d] = expectedEmptyArchiveRule(
      context({
        cluster: {
          ...context().cluster,
          creationTimestamp: '2025-06-10T11:59:30Z',
          conditions: failingArchiving(
            'unexpected failure invoking barman-cloud-wal-archive: exit status 1',
          ),
        },
      }),
    );
    expect(d.message).toMatch(/stale archive/);
    expect(d.evidence.join('\n')).toMatch(/16 WAL segment/);
  });

  it('gives legacy snippets for the legacy form', () => {
    const [d] = expectedEmptyArchiveRule(
      context({
        archive: archiveTarget({ form: 'legacy', objectStoreName: undefined }),
        cluster: {
          ...context().cluster,
          conditions: failingArchiving('Expected empty archive'),
        },
      }),
    );
    const [option1, option2] = YAML.parseAllDocuments(d.fixSnippet!).map(doc =>
      doc.toJS(),
    );
    expect(option1.spec.backup.barmanObjectStore.serverName).toBe('orders-v2');
    expect(option2.spec.externalClusters[0].barmanObjectStore.serverName).toBe(
      'orders',
    );
  });

  it('does not fire when archiving works, even with old WAL', () => {
    expect(
      expectedEmptyArchiveRule(
        context({
          cluster: {
            ...context().cluster,
            creationTimestamp: '2025-06-10T11:59:30Z',
          },
        }),
      ),
    ).toEqual([]);
  });

  it('does not fire for other failures when the WAL is newer than the cluster', () => {
    expect(
      expectedEmptyArchiveRule(
        context({
          cluster: {
            ...context().cluster,
            conditions: failingArchiving('AccessDenied'),
          },
        }),
      ),
    ).toEqual([]);
  });
});

describe('walArchiverMissingRule', () => {
  it('fires when the plugin entry lacks isWALArchiver', () => {
    const [d] = walArchiverMissingRule(
      context({
        pluginEntry: {
          enabled: true,
          isWALArchiver: false,
          objectStoreName: 'minio-store',
          serverName: 'orders',
        },
      }),
    );
    expect(d).toMatchObject({ id: 'wal-archiver-missing', severity: 'error' });
    expect(YAML.parse(d.fixSnippet!).spec.plugins[0].isWALArchiver).toBe(true);
  });
  it('does not fire when isWALArchiver is true or the entry is disabled', () => {
    expect(walArchiverMissingRule(context())).toEqual([]);
    expect(
      walArchiverMissingRule(
        context({
          pluginEntry: {
            enabled: false,
            isWALArchiver: false,
            serverName: 'orders',
          },
        }),
      ),
    ).toEqual([]);
  });
});

describe('legacyBarmanObjectStoreRule', () => {
  it('fires for spec.backup.barmanObjectStore with a migration snippet', () => {
    const [d] = legacyBarmanObjectStoreRule(
      context({
        legacyArchive: true,
        pluginEntry: undefined,
        archive: archiveTarget({
          form: 'legacy',
          objectStoreName: undefined,
          walCompression: 'gzip',
        }),
      }),
    );
    expect(d).toMatchObject({
      id: 'legacy-barman-object-store',
      severity: 'warning',
    });
    expect(d.message).toMatch(/1\.26.*1\.31/);
    const [store, cluster] = YAML.parseAllDocuments(d.fixSnippet!).map(doc =>
      doc.toJS(),
    );
    expect(store.spec.configuration).toMatchObject({
      destinationPath: 's3://backups/cnpg',
      endpointURL: 'http://minio.minio.svc:9000',
      s3Credentials: {
        accessKeyId: { name: 's3-creds', key: 'ACCESS_KEY_ID' },
      },
      wal: { compression: 'gzip' },
    });
    expect(store.spec.retentionPolicy).toBe('7d');
    expect(cluster.spec.plugins[0]).toMatchObject({
      isWALArchiver: true,
      parameters: { barmanObjectName: 'orders-store', serverName: 'orders' },
    });
  });
  it('does not fire for the plugin form', () => {
    expect(legacyBarmanObjectStoreRule(context())).toEqual([]);
  });
});

describe('archiveIsRecoverySourceRule', () => {
  it('fires when the archive and a recovery source are the same folder', () => {
    const [d] = archiveIsRecoverySourceRule(
      context({
        recoverySources: [
          {
            name: 'origin',
            form: 'plugin',
            serverName: 'orders',
            objectStoreName: 'minio-store',
            destinationPath: 's3://backups/cnpg/',
          },
        ],
      }),
    );
    expect(d).toMatchObject({
      id: 'archive-is-recovery-source',
      severity: 'error',
    });
    expect(d.message).toContain('"origin"');
  });
  it('does not fire for a different serverName or path', () => {
    expect(
      archiveIsRecoverySourceRule(
        context({
          recoverySources: [
            {
              name: 'origin',
              form: 'plugin',
              serverName: 'orders-old',
              objectStoreName: 'minio-store',
              destinationPath: 's3://backups/cnpg',
            },
          ],
        }),
      ),
    ).toEqual([]);
    expect(
      archiveIsRecoverySourceRule(
        context({
          recoverySources: [
            {
              name: 'origin',
              form: 'legacy',
              serverName: 'orders',
              destinationPath: 's3://other/cnpg',
            },
          ],
        }),
      ),
    ).toEqual([]);
  });
});

describe('sharedServerNameRule', () => {
  it('fires when another cluster writes the same folder', () => {
    const [d] = sharedServerNameRule(
      context({
        sharedArchiveWriters: [{ namespace: 'db', name: 'orders-copy' }],
      }),
    );
    expect(d).toMatchObject({ id: 'shared-server-name', severity: 'error' });
    expect(d.message).toContain('db/orders-copy');
  });
  it('does not fire alone', () => {
    expect(sharedServerNameRule(context())).toEqual([]);
  });
});

describe('archiveNotConfiguredRule', () => {
  it('fires without plugin or legacy archive', () => {
    expect(
      archiveNotConfiguredRule(
        context({ pluginEntry: undefined, archive: undefined }),
      )[0],
    ).toMatchObject({ id: 'archive-not-configured' });
  });
  it('does not fire when archiving is configured', () => {
    expect(archiveNotConfiguredRule(context())).toEqual([]);
    expect(
      archiveNotConfiguredRule(
        context({ pluginEntry: undefined, legacyArchive: true }),
      ),
    ).toEqual([]);
  });
});

it('keeps the test catalog helper honest', () => {
  expect(catalog().wal.timelines[0].segmentCount).toBe(16);
});
