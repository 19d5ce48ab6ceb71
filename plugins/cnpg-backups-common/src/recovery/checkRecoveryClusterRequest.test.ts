import { buildRecoveryManifests } from './buildRecoveryManifests';
import {
  checkRecoveryClusterRequest,
  RECOVERY_COPIED_SPEC_FIELDS,
  recoveryViolationStatus,
  type RecoveryRequestFacts,
} from './checkRecoveryClusterRequest';
import { legacySource, pluginSource } from './__fixtures__/recoveryFixtures';
import { validateRecoveryTarget } from './target';

/** The source spec as the backend returns it (clusterSpec: the copied fields only). */
function copiedSpec(spec: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(spec).filter(([k]) =>
      (RECOVERY_COPIED_SPEC_FIELDS as readonly string[]).includes(k),
    ),
  );
}
const sourceSpec = copiedSpec(pluginSource.spec);

function manifest(): any {
  return JSON.parse(
    JSON.stringify(
      buildRecoveryManifests({
        source: { ...pluginSource, spec: sourceSpec },
        newClusterName: 'postgres-cluster-restore',
        target: validateRecoveryTarget({ kind: 'latest' }),
        sourceServerName: 'postgres-cluster',
        targetServerName: 'postgres-cluster-v2',
      }).recoveryCluster,
    ),
  );
}

const facts: RecoveryRequestFacts = {
  owned: [
    {
      database: 'prod/postgres/postgres-cluster',
      spec: sourceSpec,
      archives: [
        {
          objectStoreName: 'hetzner-s3-store',
          destinationPath: 's3://pg/cnpg',
          serverName: 'postgres-cluster',
        },
      ],
    },
  ],
  objectStoreDestinations: { 'hetzner-s3-store': 's3://pg/cnpg/' },
  taken: [
    {
      destinationPath: 's3://pg/cnpg',
      serverName: 'postgres-cluster',
      claimedBy: 'Cluster postgres/postgres-cluster',
    },
    {
      destinationPath: 's3://pg/cnpg',
      serverName: 'billing',
      claimedBy: 'Cluster postgres/billing',
    },
  ],
};

function check(m: unknown, f: RecoveryRequestFacts | undefined = facts) {
  const result = checkRecoveryClusterRequest({
    manifest: m,
    namespace: 'postgres',
    facts: f,
  });
  return {
    ...result,
    status: recoveryViolationStatus(result.violations),
    codes: result.violations.map(v => v.code),
  };
}

describe('checkRecoveryClusterRequest', () => {
  it('accepts exactly what the recovery manifest builder produces (plugin and legacy forms)', () => {
    expect(check(manifest()).violations).toEqual([]);
    const legacy = buildRecoveryManifests({
      source: { ...legacySource, spec: copiedSpec(legacySource.spec) },
      newClusterName: 'immich-restore',
      target: validateRecoveryTarget({
        kind: 'time',
        targetTime: '2025-06-10T10:00:00Z',
      }),
      sourceServerName: 'immich-database-v1',
      targetServerName: 'immich-database-v2',
    }).recoveryCluster;
    const legacyFacts: RecoveryRequestFacts = {
      owned: [
        {
          database: 'prod/cloudnative-pg/immich-database',
          archives: [
            {
              destinationPath: 's3://postgres-backups/cnpg/immich',
              serverName: 'immich-database-v1',
            },
          ],
        },
      ],
      taken: [
        {
          destinationPath: 's3://postgres-backups/cnpg/immich',
          serverName: 'immich-database-v1',
          claimedBy: 'x',
        },
      ],
    };
    expect(
      checkRecoveryClusterRequest({
        manifest: legacy,
        namespace: 'cloudnative-pg',
        facts: legacyFacts,
      }).violations,
    ).toEqual([]);
  });

  it('refuses initdb with superuser SQL (400 NotARecoveryCluster)', () => {
    const m = manifest();
    m.spec.bootstrap = {
      initdb: { postInitSQL: ['ALTER USER app SUPERUSER'] },
    };
    const r = check(m);
    expect(r.status).toBe(400);
    expect(r.violations).toContainEqual(
      expect.objectContaining({
        code: 'NotARecoveryCluster',
        path: 'spec.bootstrap.initdb',
      }),
    );
    // initdb NEXT TO recovery is refused too.
    const both = manifest();
    both.spec.bootstrap.initdb = {
      postInitApplicationSQL: ['CREATE ROLE x SUPERUSER'],
    };
    expect(check(both).violations).toContainEqual(
      expect.objectContaining({
        code: 'NotARecoveryCluster',
        path: 'spec.bootstrap.initdb',
      }),
    );
  });

  it('refuses a Cluster without bootstrap (400 NotARecoveryCluster)', () => {
    const m = manifest();
    delete m.spec.bootstrap;
    const r = check(m);
    expect(r.status).toBe(400);
    expect(r.codes).toContain('NotARecoveryCluster');
  });

  it("refuses archiving into another cluster's serverName (409 ServerNameTaken, named)", () => {
    const m = manifest();
    m.spec.plugins[0].parameters.serverName = 'billing';
    const r = check(m);
    expect(r.status).toBe(409);
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'ServerNameTaken',
        serverName: 'billing',
        message: expect.stringMatching(
          /"billing" is taken \(Cluster postgres\/billing\)/,
        ),
      }),
    ]);
    // Archiving into the folder it recovers from is refused even without facts.
    const self = manifest();
    self.spec.plugins[0].parameters.serverName = 'postgres-cluster';
    expect(check(self, {}).codes).toEqual(['ServerNameTaken']);
  });

  it('refuses cnpg.io/skipEmptyWalArchiveCheck (400 SkipEmptyWalArchiveCheck)', () => {
    const m = manifest();
    m.metadata.annotations['cnpg.io/skipEmptyWalArchiveCheck'] = 'enabled';
    const r = check(m);
    expect(r.status).toBe(400);
    expect(r.codes).toEqual(['SkipEmptyWalArchiveCheck']);
  });

  it.each([
    [
      'spec.projectedVolumeTemplate',
      (m: any) =>
        (m.spec.projectedVolumeTemplate = {
          sources: [{ secret: { name: 'other-team-creds' } }],
        }),
      'ForbiddenField',
    ],
    [
      'spec.ephemeralVolumeSource',
      (m: any) => (m.spec.ephemeralVolumeSource = { volumeClaimTemplate: {} }),
      'ForbiddenField',
    ],
    [
      'spec.managed',
      (m: any) =>
        (m.spec.managed = {
          roles: [{ name: 'root', superuser: true, login: true }],
        }),
      'ForbiddenField',
    ],
    [
      'spec.imageName',
      (m: any) => (m.spec.imageName = 'evil.example/postgres:latest'),
      'SourceFieldChanged',
    ],
    [
      'spec.postgresql',
      (m: any) =>
        (m.spec.postgresql = { pg_hba: ['host all all 0.0.0.0/0 trust'] }),
      'SourceFieldChanged',
    ],
    [
      'spec.plugins',
      (m: any) => m.spec.plugins.push({ name: 'sidecar-injector.example.com' }),
      'SourceFieldChanged',
    ],
    [
      'spec.bootstrap.recovery.volumeSnapshots',
      (m: any) =>
        (m.spec.bootstrap.recovery.volumeSnapshots = {
          storage: { name: 'x', kind: 'VolumeSnapshot' },
        }),
      'ForbiddenField',
    ],
    [
      'spec.externalClusters[0].connectionParameters',
      (m: any) =>
        (m.spec.externalClusters[0].connectionParameters = {
          host: 'other-db',
        }),
      'ForbiddenField',
    ],
  ])(
    'refuses extra volumes / images / managed roles: %s (400)',
    (path, mutate, code) => {
      const m = manifest();
      mutate(m);
      const r = check(m);
      expect(r.status).toBe(400);
      expect(r.violations).toContainEqual(
        expect.objectContaining({ code, path }),
      );
    },
  );

  it("refuses labels that attach the Cluster to another team's entity (400 ForbiddenField metadata.labels)", () => {
    const m = manifest();
    m.metadata.labels = { 'backstage.io/kubernetes-id': 'payments' };
    const r = check(m);
    expect(r.status).toBe(400);
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'ForbiddenField',
        path: 'metadata.labels',
      }),
    ]);
  });

  it('refuses a recovery source the entity does not own (403 RecoverySourceNotOwned)', () => {
    const m = manifest();
    m.spec.externalClusters[0].plugin.parameters.serverName = 'billing';
    const r = check(m);
    expect(r.status).toBe(403);
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'RecoverySourceNotOwned',
        serverName: 'billing',
        message: expect.stringMatching(/prod\/postgres\/postgres-cluster/),
      }),
    ]);
    // Same serverName, another bucket: not owned either.
    const other = manifest();
    other.spec.externalClusters[0].plugin.parameters.barmanObjectName =
      'foreign-store';
    expect(
      check(other, {
        ...facts,
        objectStoreDestinations: {
          ...facts.objectStoreDestinations,
          'foreign-store': 's3://other-team/cnpg',
        },
      }).status,
    ).toBe(403);
  });

  it('structural rules alone (no facts) still refuse every attack that needs no live data', () => {
    expect(check(manifest(), {}).violations).toEqual([]);
    const m = manifest();
    m.spec.managed = { roles: [] };
    expect(check(m, {}).status).toBe(400);
  });

  it('names non-Cluster manifests and namespace mismatches', () => {
    expect(check('x').codes).toEqual(['NotACluster']);
    expect(check({ apiVersion: 'v1', kind: 'Secret' }).codes).toEqual([
      'NotACluster',
    ]);
    const m = manifest();
    m.metadata.namespace = 'other';
    expect(check(m).codes).toEqual(['NamespaceMismatch']);
  });
});
