import { applyCrdDefaults, pruneBySchema, pruneUnknownFields } from './prune';
import { validateCnpgResource, validateCnpgUpdate } from './validate';

const pluginCluster = () => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'orders-db', namespace: 'db' },
  spec: {
    instances: 3,
    storage: { size: '20Gi' },
    plugins: [
      {
        name: 'barman-cloud.cloudnative-pg.io',
        isWALArchiver: true,
        parameters: { barmanObjectName: 's3-store', serverName: 'orders-db' },
      },
    ],
  },
});

const recoveryCluster = () => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'orders-db-restore', namespace: 'db' },
  spec: {
    instances: 3,
    storage: { size: '20Gi' },
    bootstrap: {
      recovery: {
        source: 'origin',
        recoveryTarget: { targetTime: '2025-06-01T09:15:00Z' } as Record<
          string,
          unknown
        >,
      } as Record<string, unknown>,
    } as Record<string, unknown>,
    externalClusters: [
      {
        name: 'origin',
        plugin: {
          name: 'barman-cloud.cloudnative-pg.io',
          parameters: { barmanObjectName: 's3-store', serverName: 'orders-db' },
        },
      },
    ],
    plugins: [
      {
        name: 'barman-cloud.cloudnative-pg.io',
        isWALArchiver: true,
        parameters: {
          barmanObjectName: 's3-store',
          serverName: 'orders-db-restore',
        },
      },
    ] as Array<Record<string, unknown>>,
  } as Record<string, any>,
});

const objectStore = () => ({
  apiVersion: 'barmancloud.cnpg.io/v1',
  kind: 'ObjectStore',
  metadata: { name: 's3-store', namespace: 'db' },
  spec: {
    retentionPolicy: '30d',
    configuration: {
      destinationPath: 's3://pg-backups/cnpg',
      endpointURL: 'https://minio.internal:9000',
      s3Credentials: {
        accessKeyId: { name: 's3-creds', key: 'ACCESS_KEY_ID' },
        secretAccessKey: { name: 's3-creds', key: 'ACCESS_SECRET_KEY' },
      },
      wal: { compression: 'zstd', maxParallel: 4 },
      data: { compression: 'gzip', jobs: 2 },
    } as Record<string, unknown>,
    instanceSidecarConfiguration: {
      env: [
        { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' },
        { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'when_required' },
      ],
      retentionPolicyIntervalSeconds: 1800,
    } as Record<string, unknown>,
  },
});

const pluginBackup = () => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Backup',
  metadata: { name: 'orders-db-manual', namespace: 'db' },
  spec: {
    cluster: { name: 'orders-db' },
    method: 'plugin',
    pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
  },
});

describe('validateCnpgResource', () => {
  it('accepts realistic plugin-form manifests of every kind', () => {
    const scheduled = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: { name: 'orders-daily', namespace: 'db' },
      spec: {
        schedule: '0 0 2 * * *',
        cluster: { name: 'orders-db' },
        method: 'plugin',
        pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      },
    };
    for (const manifest of [
      pluginCluster(),
      recoveryCluster(),
      objectStore(),
      pluginBackup(),
      scheduled,
    ]) {
      expect(validateCnpgResource(manifest)).toEqual({
        valid: true,
        errors: [],
        issues: [],
      });
    }
  });

  it('reports schema type, enum, pattern and required errors in Kubernetes style', () => {
    const cluster = pluginCluster() as any;
    cluster.spec.instances = 'three';
    const store = objectStore() as any;
    store.spec.retentionPolicy = '30 days';
    store.spec.configuration.wal.compression = 'brotli';
    const backup = pluginBackup() as any;
    delete backup.spec.cluster;

    expect(validateCnpgResource(cluster).errors).toEqual([
      'spec.instances: Invalid value: "string": spec.instances in body must be of type integer: "string"',
    ]);
    const storeErrors = validateCnpgResource(store).errors;
    expect(storeErrors).toContain(
      `spec.retentionPolicy: Invalid value: "30 days": spec.retentionPolicy in body should match '^[1-9][0-9]*[dwm]$'`,
    );
    expect(storeErrors).toContainEqual(
      expect.stringMatching(
        /^spec\.configuration\.wal\.compression: Unsupported value: "brotli": supported values: .*"zstd"/,
      ),
    );
    expect(validateCnpgResource(backup).errors).toEqual([
      'spec.cluster: Required value',
    ]);
  });

  it('rejects ObjectStore configuration.serverName with the CNPG CEL message', () => {
    const store = objectStore();
    store.spec.configuration.serverName = 'postgres-main';
    const r = validateCnpgResource(store);
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([
      "spec.configuration.serverName: Forbidden: use the 'serverName' plugin parameter in the Cluster resource",
    ]);
    expect(r.issues[0]).toMatchObject({
      field: 'spec.configuration.serverName',
      reason: 'FieldValueForbidden',
    });
  });

  it('rejects --log-level in instanceSidecarConfiguration.additionalContainerArgs', () => {
    const store = objectStore();
    store.spec.instanceSidecarConfiguration.additionalContainerArgs = [
      '--endpoint-url-style=path',
      '--log-level=debug',
    ];
    expect(validateCnpgResource(store).errors).toEqual([
      'spec.instanceSidecarConfiguration.additionalContainerArgs: Forbidden: do not set --log-level in additionalContainerArgs; use spec.instanceSidecarConfiguration.logLevel',
    ]);
    store.spec.instanceSidecarConfiguration.additionalContainerArgs = [
      '--endpoint-url-style=path',
    ];
    expect(validateCnpgResource(store).valid).toBe(true);
  });

  it('accepts a misplaced field (seed 001 retentionPolicy under configuration): the API server prunes it', () => {
    const store = objectStore() as any;
    delete store.spec.retentionPolicy;
    store.spec.configuration.retentionPolicy = '30d';
    expect(validateCnpgResource(store).valid).toBe(true);
    const pruned = pruneUnknownFields(store);
    expect(pruned.spec.configuration).not.toHaveProperty('retentionPolicy');
    expect(pruned.spec).not.toHaveProperty('retentionPolicy');
    expect(store.spec.configuration.retentionPolicy).toBe('30d'); // input untouched
  });

  it('applies webhook rules: only one bootstrap method', () => {
    const c = recoveryCluster();
    c.spec.bootstrap.initdb = { database: 'app', owner: 'app' };
    expect(validateCnpgResource(c).errors).toEqual([
      'spec.bootstrap: Invalid value: "initdb, recovery": Only one bootstrap method can be specified at a time',
    ]);
  });

  it('applies webhook rules: backupID is required with targetName, targetXID and targetImmediate', () => {
    for (const target of [
      { targetName: 'barman_20250601T020002' },
      { targetXID: '1234' },
      { targetImmediate: true },
    ]) {
      const c = recoveryCluster();
      c.spec.bootstrap.recovery.recoveryTarget = target;
      const r = validateCnpgResource(c);
      expect(r.valid).toBe(false);
      expect(r.issues.map(i => i.field)).toEqual([
        'spec.bootstrap.recovery.recoveryTarget.backupID',
      ]);
      c.spec.bootstrap.recovery.recoveryTarget = {
        ...target,
        backupID: '20250601T020002',
      };
      expect(validateCnpgResource(c).errors).toEqual([]);
    }
  });

  it('applies webhook rules: at most one recovery target kind, and well-formed values', () => {
    const c = recoveryCluster();
    c.spec.bootstrap.recovery.recoveryTarget = {
      targetTime: '2025-06-01 09:15:00+00',
      targetLSN: '0/3000060',
    };
    expect(validateCnpgResource(c).errors).toEqual([
      expect.stringContaining('Recovery target options are mutually exclusive'),
    ]);
    c.spec.bootstrap.recovery.recoveryTarget = { targetTime: 'yesterday' };
    expect(validateCnpgResource(c).errors).toEqual([
      expect.stringContaining('targetTime'),
    ]);
    c.spec.bootstrap.recovery.recoveryTarget = { targetLSN: '3000060' };
    expect(validateCnpgResource(c).errors).toEqual([
      expect.stringContaining('Invalid LSN'),
    ]);
    c.spec.bootstrap.recovery.recoveryTarget = {
      targetTime: '2025-06-01 09:15:00',
    };
    expect(validateCnpgResource(c).valid).toBe(true);
  });

  it('applies webhook rules: recovery.source must name an externalClusters entry', () => {
    const c = recoveryCluster();
    c.spec.bootstrap.recovery.source = 'orgin';
    expect(validateCnpgResource(c).errors).toEqual([
      'spec.bootstrap.recovery.source: Invalid value: "orgin": External cluster "orgin" not found: it must name an entry of spec.externalClusters',
    ]);
  });

  it('applies webhook rules: no duplicated plugins, one WAL archiver, not with barmanObjectStore', () => {
    const dup = pluginCluster();
    dup.spec.plugins.push({ ...dup.spec.plugins[0], isWALArchiver: false });
    expect(validateCnpgResource(dup).errors).toEqual([
      'spec.plugins[1].name: Duplicate value: "barman-cloud.cloudnative-pg.io"',
    ]);

    const two = pluginCluster();
    two.spec.plugins.push({
      name: 'other.example.com',
      isWALArchiver: true,
      parameters: {} as any,
    });
    expect(validateCnpgResource(two).errors).toEqual([
      'spec.plugins[1].isWALArchiver: Invalid value: true: only one enabled plugin can be the WAL archiver',
    ]);

    const legacy = pluginCluster() as any;
    legacy.spec.backup = {
      barmanObjectStore: {
        destinationPath: 's3://b/p',
        s3Credentials: { inheritFromIAMRole: true },
      },
    };
    expect(validateCnpgResource(legacy).errors).toEqual([
      'spec.plugins[0].isWALArchiver: Invalid value: true: a WAL archiver plugin cannot be used together with spec.backup.barmanObjectStore',
    ]);
  });

  it('requires a DNS-1123 metadata.name and reports unsupported kinds and non-objects', () => {
    const c = pluginCluster();
    c.metadata.name = 'Orders_DB';
    expect(validateCnpgResource(c).issues.map(i => i.field)).toEqual([
      'metadata.name',
    ]);
    expect(
      validateCnpgResource({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'x' },
      }).errors[0],
    ).toContain('not a supported CNPG resource');
    expect(validateCnpgResource('apiVersion: v1').valid).toBe(false);
    expect(validateCnpgResource(null).valid).toBe(false);
  });
});

describe('validateCnpgUpdate', () => {
  it('forbids changing a Backup spec but allows status/label changes', () => {
    const before = pluginBackup();
    const statusOnly = {
      ...pluginBackup(),
      metadata: { ...before.metadata, labels: { a: 'b' } },
      status: { phase: 'completed' },
    };
    expect(validateCnpgUpdate(before, statusOnly).valid).toBe(true);
    const changed = pluginBackup();
    changed.spec.cluster.name = 'other-db';
    expect(validateCnpgUpdate(before, changed).errors).toEqual([
      'spec: Invalid value: "object": BackupSpec is immutable once set',
    ]);
  });

  it('treats a defaulted field as unchanged (method defaults to barmanObjectStore)', () => {
    const before = {
      ...pluginBackup(),
      spec: { cluster: { name: 'orders-db' } },
    };
    const after = {
      ...pluginBackup(),
      spec: { cluster: { name: 'orders-db' }, method: 'barmanObjectStore' },
    };
    expect(validateCnpgUpdate(before, after).valid).toBe(true);
  });

  it('forbids changing a ScheduledBackup cluster reference and the object name', () => {
    const sb = (cluster: string, name = 'daily') => ({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: { name, namespace: 'db' },
      spec: { schedule: '0 0 2 * * *', cluster: { name: cluster } },
    });
    expect(validateCnpgUpdate(sb('a'), sb('a')).valid).toBe(true);
    expect(validateCnpgUpdate(sb('a'), sb('b')).errors).toEqual([
      'spec.cluster: Invalid value: "object": cluster reference is immutable after creation',
    ]);
    expect(
      validateCnpgUpdate(sb('a'), sb('a', 'weekly')).issues.map(i => i.field),
    ).toEqual(['metadata.name']);
  });
});

describe('pruneUnknownFields / applyCrdDefaults', () => {
  it('drops unknown fields at every level and keeps known ones, including map values', () => {
    const c = pluginCluster() as any;
    c.spec.unknownTopLevel = true;
    c.spec.plugins[0].extra = 'x';
    c.metadata.bogus = 'y';
    c.metadata.labels = { 'backstage.io/kubernetes-id': 'orders' };
    c.status = { phase: 'Cluster in healthy state', notAField: 1 };
    const pruned = pruneUnknownFields(c);
    expect(pruned.spec).not.toHaveProperty('unknownTopLevel');
    expect(pruned.spec.plugins[0]).toEqual(pluginCluster().spec.plugins[0]);
    expect(pruned.metadata).toEqual({
      name: 'orders-db',
      namespace: 'db',
      labels: { 'backstage.io/kubernetes-id': 'orders' },
    });
    expect(pruned.status).toEqual({ phase: 'Cluster in healthy state' });
    expect(Object.keys(pruned).slice(0, 3)).toEqual([
      'apiVersion',
      'kind',
      'metadata',
    ]);
  });

  it('respects x-kubernetes-preserve-unknown-fields while still pruning declared properties', () => {
    const schema = {
      type: 'object',
      properties: {
        free: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: {
            typed: { type: 'object', properties: { a: { type: 'string' } } },
          },
        },
        strict: { type: 'object', properties: { a: { type: 'string' } } },
        list: {
          type: 'array',
          items: { type: 'object', properties: { k: { type: 'string' } } },
        },
      },
    };
    expect(
      pruneBySchema(
        {
          free: { anything: { deep: 1 }, typed: { a: 'x', b: 'dropped' } },
          strict: { a: 'x', b: 'dropped' },
          list: [{ k: 'v', z: 1 }],
          gone: 1,
        },
        schema,
      ),
    ).toEqual({
      free: { anything: { deep: 1 }, typed: { a: 'x' } },
      strict: { a: 'x' },
      list: [{ k: 'v' }],
    });
  });

  it('applies CRD defaults only where the parent exists', () => {
    const b = applyCrdDefaults({
      ...pluginBackup(),
      spec: { cluster: { name: 'x' } },
    }) as any;
    expect(b.spec.method).toBe('barmanObjectStore');
    const s = applyCrdDefaults(objectStore()) as any;
    expect(s.spec.configuration.data.jobs).toBe(2);
  });
});
