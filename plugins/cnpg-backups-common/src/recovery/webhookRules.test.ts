import { checkClusterWebhookRules } from './webhookRules';

function cluster(spec: Record<string, unknown>, name = 'db-restore') {
  return { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name }, spec };
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
          bootstrap: { recovery: { source: 'origin', recoveryTarget: { backupID: '20250601T020000', targetName: 'x' } } },
          externalClusters: [origin],
          plugins: [archiver],
        }),
        { requireRecovery: true },
      ),
    ).toEqual([]);
  });

  it.each([
    [{ bootstrap: { initdb: {}, recovery: { source: 'origin' } }, externalClusters: [origin] }, /Only one bootstrap method/],
    [{ bootstrap: { initdb: {} } }, /bootstrap.recovery is required/],
    [{ bootstrap: { recovery: { source: 'nope' } }, externalClusters: [origin] }, /names no spec.externalClusters/],
    [{ bootstrap: { recovery: { source: 'origin', backup: { name: 'b' } } }, externalClusters: [origin] }, /mutually exclusive/],
    [{ bootstrap: { recovery: {} } }, /one of source, backup or volumeSnapshots/],
    [{ bootstrap: { recovery: { source: 'origin', recoveryTarget: { targetName: 'x' } } }, externalClusters: [origin] }, /backupID is required with targetName/],
    [{ bootstrap: { recovery: { source: 'origin', recoveryTarget: { targetXID: '5' } } }, externalClusters: [origin] }, /backupID is required with targetXID/],
    [{ bootstrap: { recovery: { source: 'origin', recoveryTarget: { targetImmediate: true } } }, externalClusters: [origin] }, /backupID is required with targetImmediate/],
    [{ bootstrap: { recovery: { source: 'origin', recoveryTarget: { targetTime: '2025-06-01T00:00:00Z', targetLSN: '0/1' } } }, externalClusters: [origin] }, /at most one of/],
    [{ bootstrap: { recovery: { source: 'origin', recoveryTarget: { targetTime: '2025-06-01 00:00:00' } } }, externalClusters: [origin] }, /no time zone/],
    [{ bootstrap: { recovery: { source: 'origin', recoveryTarget: { targetTLI: 'current' } } }, externalClusters: [origin] }, /targetTLI/],
    [{ bootstrap: { recovery: { source: 'origin' } }, externalClusters: [{ name: 'origin', plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 's' } } }] }, /serverName must be set explicitly/],
    [{ bootstrap: { recovery: { source: 'origin' } }, externalClusters: [origin, origin] }, /duplicate name/],
    [{ bootstrap: { recovery: { source: 'origin' } }, externalClusters: [{ name: 'origin' }] }, /neither plugin nor barmanObjectStore/],
    [{ bootstrap: { recovery: { source: 'origin' } }, externalClusters: [origin], plugins: [{ ...archiver, parameters: { barmanObjectName: 'store', serverName: 'db' } }] }, /Expected empty archive/],
    [{ bootstrap: { recovery: { source: 'origin' } }, externalClusters: [origin], plugins: [archiver, archiver] }, /listed 2 times/],
    [{ plugins: [archiver], backup: { barmanObjectStore: { destinationPath: 's3://b' } } }, /cannot be combined/],
  ])('reports %#', (spec, problem) => {
    const problems = checkClusterWebhookRules(cluster({ instances: 1, ...spec }), { requireRecovery: true });
    expect(problems.join('\n')).toMatch(problem);
  });

  it('flags the legacy form archiving into its own source folder', () => {
    const store = { destinationPath: 's3://b/p', serverName: 'db' };
    const problems = checkClusterWebhookRules(
      cluster({
        instances: 1,
        bootstrap: { recovery: { source: 'db' } },
        externalClusters: [{ name: 'db', barmanObjectStore: { destinationPath: 's3://b/p' } }],
        backup: { barmanObjectStore: store },
      }),
    );
    expect(problems.join('\n')).toMatch(/Expected empty archive/);
  });

  it('refuses server-side metadata, status and bad names', () => {
    const obj = { ...cluster({ instances: 1 }, 'A'), status: {}, metadata: { name: 'A', uid: 'x', resourceVersion: '1' } };
    const text = checkClusterWebhookRules(obj as any).join('\n');
    expect(text).toMatch(/DNS-1035/);
    expect(text).toMatch(/metadata.uid/);
    expect(text).toMatch(/metadata.resourceVersion/);
    expect(text).toMatch(/status must not be set/);
  });

  it('forbids bootstrap in the after-recovery manifest', () => {
    expect(checkClusterWebhookRules(cluster({ instances: 1, bootstrap: { initdb: {} } }), { forbidBootstrap: true })).toEqual([
      'spec.bootstrap must be absent in the after-recovery manifest',
    ]);
  });
});
