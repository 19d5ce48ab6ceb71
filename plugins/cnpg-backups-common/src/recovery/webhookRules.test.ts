import {
  checkClusterWebhookIssues,
  checkClusterWebhookRules,
  checkCnpgWebhookRules,
} from './webhookRules';

function cluster(spec: Record<string, unknown>, name = 'db-restore') {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name },
    spec,
  };
}
const origin = {
  name: 'origin',
  plugin: {
    name: 'barman-cloud.cloudnative-pg.io',
    parameters: { barmanObjectName: 'store', serverName: 'db' },
  },
};
const archiver = {
  name: 'barman-cloud.cloudnative-pg.io',
  isWALArchiver: true,
  parameters: { barmanObjectName: 'store', serverName: 'db-v2' },
};

describe('checkClusterWebhookRules', () => {
  it('accepts a good recovery manifest', () => {
    expect(
      checkClusterWebhookRules(
        cluster({
          instances: 1,
          bootstrap: {
            recovery: {
              source: 'origin',
              recoveryTarget: { backupID: '20250601T020000', targetName: 'x' },
            },
          },
          externalClusters: [origin],
          plugins: [archiver],
        }),
        { requireRecovery: true },
      ),
    ).toEqual([]);
  });

  it.each([
    [
      {
        bootstrap: { initdb: {}, recovery: { source: 'origin' } },
        externalClusters: [origin],
      },
      /Only one bootstrap method/,
    ],
    [{ bootstrap: { initdb: {} } }, /bootstrap.recovery is required/],
    [
      {
        bootstrap: { recovery: { source: 'nope' } },
        externalClusters: [origin],
      },
      /names no spec.externalClusters/,
    ],
    [
      {
        bootstrap: { recovery: { source: 'origin', backup: { name: 'b' } } },
        externalClusters: [origin],
      },
      /mutually exclusive/,
    ],
    [
      { bootstrap: { recovery: {} } },
      /one of source, backup or volumeSnapshots/,
    ],
    [
      {
        bootstrap: {
          recovery: { source: 'origin', recoveryTarget: { targetName: 'x' } },
        },
        externalClusters: [origin],
      },
      /backupID is required with targetName/,
    ],
    [
      {
        bootstrap: {
          recovery: { source: 'origin', recoveryTarget: { targetXID: '5' } },
        },
        externalClusters: [origin],
      },
      /backupID is required with targetXID/,
    ],
    [
      {
        bootstrap: {
          recovery: {
            source: 'origin',
            recoveryTarget: { targetImmediate: true },
          },
        },
        externalClusters: [origin],
      },
      /backupID is required with targetImmediate/,
    ],
    [
      {
        bootstrap: {
          recovery: {
            source: 'origin',
            recoveryTarget: {
              targetTime: '2025-06-01T00:00:00Z',
              targetLSN: '0/1',
            },
          },
        },
        externalClusters: [origin],
      },
      /at most one of/,
    ],
    [
      {
        bootstrap: {
          recovery: {
            source: 'origin',
            recoveryTarget: { targetTime: '2025-06-01 00:00:00' },
          },
        },
        externalClusters: [origin],
      },
      /no time zone/,
    ],
    [
      {
        bootstrap: {
          recovery: {
            source: 'origin',
            recoveryTarget: { targetTLI: 'current' },
          },
        },
        externalClusters: [origin],
      },
      /targetTLI/,
    ],
    [
      {
        bootstrap: { recovery: { source: 'origin' } },
        externalClusters: [
          {
            name: 'origin',
            plugin: {
              name: 'barman-cloud.cloudnative-pg.io',
              parameters: { barmanObjectName: 's' },
            },
          },
        ],
      },
      /serverName must be set explicitly/,
    ],
    [
      {
        bootstrap: { recovery: { source: 'origin' } },
        externalClusters: [origin, origin],
      },
      /duplicate name/,
    ],
    [
      {
        bootstrap: { recovery: { source: 'origin' } },
        externalClusters: [{ name: 'origin' }],
      },
      /neither plugin nor barmanObjectStore/,
    ],
    [
      {
        bootstrap: { recovery: { source: 'origin' } },
        externalClusters: [origin],
        plugins: [
          {
            ...archiver,
            parameters: { barmanObjectName: 'store', serverName: 'db' },
          },
        ],
      },
      /Expected empty archive/,
    ],
    [
      {
        bootstrap: { recovery: { source: 'origin' } },
        externalClusters: [origin],
        plugins: [archiver, archiver],
      },
      /listed 2 times/,
    ],
    [
      {
        plugins: [archiver],
        backup: { barmanObjectStore: { destinationPath: 's3://b' } },
      },
      /cannot be combined/,
    ],
  ])('reports %#', (spec, problem) => {
    const problems = checkClusterWebhookRules(
      cluster({ instances: 1, ...spec }),
      { requireRecovery: true },
    );
    expect(problems.join('\n')).toMatch(problem);
  });

  it('flags the legacy form archiving into its own source folder', () => {
    const store = { destinationPath: 's3://b/p', serverName: 'db' };
    const problems = checkClusterWebhookRules(
      cluster({
        instances: 1,
        bootstrap: { recovery: { source: 'db' } },
        externalClusters: [
          { name: 'db', barmanObjectStore: { destinationPath: 's3://b/p' } },
        ],
        backup: { barmanObjectStore: store },
      }),
    );
    expect(problems.join('\n')).toMatch(/Expected empty archive/);
  });

  it('refuses server-side metadata, status and bad names', () => {
    const obj = {
      ...cluster({ instances: 1 }, 'A'),
      status: {},
      metadata: { name: 'A', uid: 'x', resourceVersion: '1' },
    };
    const text = checkClusterWebhookRules(obj as any).join('\n');
    expect(text).toMatch(/DNS-1035/);
    expect(text).toMatch(/metadata.uid/);
    expect(text).toMatch(/metadata.resourceVersion/);
    expect(text).toMatch(/status must not be set/);
  });

  it('forbids bootstrap in the after-recovery manifest', () => {
    expect(
      checkClusterWebhookRules(
        cluster({ instances: 1, bootstrap: { initdb: {} } }),
        { forbidBootstrap: true },
      ),
    ).toEqual(['spec.bootstrap must be absent in the after-recovery manifest']);
  });
});

describe('checkClusterWebhookIssues', () => {
  it('returns the same problems with their field path and cause type', () => {
    const obj = cluster({
      instances: 1,
      bootstrap: {
        recovery: { source: 'origin', recoveryTarget: { targetName: 'x' } },
      },
      externalClusters: [origin, { name: 'other' }, origin],
      plugins: [archiver, archiver],
    });
    const issues = checkClusterWebhookIssues(obj, { requireRecovery: true });
    expect(issues.map(i => i.message)).toEqual(
      checkClusterWebhookRules(obj, { requireRecovery: true }),
    );
    expect(issues.map(i => [i.field, i.reason])).toEqual([
      ['spec.externalClusters[2].name', 'FieldValueDuplicate'],
      ['spec.plugins', 'FieldValueDuplicate'],
      ['spec.plugins', 'FieldValueInvalid'],
      ['spec.bootstrap.recovery.recoveryTarget.backupID', 'FieldValueRequired'],
    ]);
  });
});

describe('checkCnpgWebhookRules (the operator webhook, one home with the manifest rules)', () => {
  const withTarget = (recoveryTarget: Record<string, unknown>) =>
    cluster({
      instances: 1,
      bootstrap: { recovery: { source: 'origin', recoveryTarget } },
      externalClusters: [origin],
    });

  it('reports Kubernetes field errors in order: bootstrap, duplicates, recovery, plugins', () => {
    const issues = checkCnpgWebhookRules(
      cluster({
        instances: 1,
        bootstrap: {
          initdb: {},
          recovery: { source: 'nope', backup: { name: 'b' } },
        },
        externalClusters: [origin, origin],
        plugins: [archiver, { ...archiver }],
        backup: { barmanObjectStore: { destinationPath: 's3://b' } },
      }),
    );
    expect(issues.map(i => i.message)).toEqual([
      'spec.bootstrap: Invalid value: "initdb, recovery": Only one bootstrap method can be specified at a time',
      'spec.externalClusters[1].name: Duplicate value: "origin"',
      'spec.bootstrap.recovery: Invalid value: "source, backup": Recovery from an external cluster (source) and from a Backup object (backup) are mutually exclusive',
      'spec.bootstrap.recovery.source: Invalid value: "nope": External cluster "nope" not found: it must name an entry of spec.externalClusters',
      'spec.plugins[1].name: Duplicate value: "barman-cloud.cloudnative-pg.io"',
      'spec.plugins[1].isWALArchiver: Invalid value: true: only one enabled plugin can be the WAL archiver',
      'spec.plugins[0].isWALArchiver: Invalid value: true: a WAL archiver plugin cannot be used together with spec.backup.barmanObjectStore',
    ]);
    expect(issues.map(i => i.reason)).toEqual([
      'FieldValueInvalid',
      'FieldValueDuplicate',
      'FieldValueInvalid',
      'FieldValueInvalid',
      'FieldValueDuplicate',
      'FieldValueInvalid',
      'FieldValueInvalid',
    ]);
  });

  it('is the lenient profile: a zone-less targetTime is UTC for CNPG, refused in generated manifests', () => {
    const obj = withTarget({ targetTime: '2025-06-01 00:00:00' });
    expect(checkCnpgWebhookRules(obj)).toEqual([]);
    expect(checkClusterWebhookRules(obj).join('\n')).toMatch(/no time zone/);
  });

  it.each([
    [
      { targetName: 'x' },
      'recoveryTarget.backupID: Required value: backupID is required when using targetName',
    ],
    [
      { targetTime: '2025-06-01T00:00:00Z', targetLSN: '0/1' },
      'Recovery target options are mutually exclusive',
    ],
    [
      { backupID: '2025', targetTime: '2025-06-01T00:00:00Z' },
      'a Barman backup ID looks like YYYYMMDDTHHMMSS',
    ],
    [{ targetTime: 'yesterday' }, 'the format of targetTime is invalid'],
    [{ targetLSN: '0/XYZ' }, 'Invalid LSN'],
    [
      { backupID: '20250601T020000', targetXID: '4294967296' },
      'targetXID must be a non-negative 32-bit integer',
    ],
    [
      { backupID: '20250601T020000', targetName: 'a\nb' },
      'targetName must be shorter than 64 bytes',
    ],
    [
      { backupID: '20250601T020000', targetName: 'é'.repeat(32) },
      'targetName must be shorter than 64 bytes',
    ],
    [
      { targetTLI: 'current' },
      'targetTLI must be "latest" or a positive integer',
    ],
  ])('flags recovery target %j', (target, text) => {
    expect(
      checkCnpgWebhookRules(withTarget(target))
        .map(i => i.message)
        .join('\n'),
    ).toContain(text);
  });

  it('accepts a good recovery manifest and never throws on junk', () => {
    expect(
      checkCnpgWebhookRules(
        withTarget({ backupID: '20250601T020000', targetImmediate: true }),
      ),
    ).toEqual([]);
    for (const junk of [
      null,
      'x',
      [],
      { spec: 'x' },
      { spec: { plugins: 'x', externalClusters: [1, null] } },
    ]) {
      expect(checkCnpgWebhookRules(junk)).toEqual([]);
    }
  });
});
