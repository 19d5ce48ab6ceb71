import { parse, parseAllDocuments } from 'yaml';
import {
  InvalidRecoveryInputError,
  RecoveryTargetAfterWindowError,
  RecoveryTargetBeforeWindowError,
  ServerNameConflictError,
  UnsupportedSourceClusterError,
} from './errors';
import { buildRecoveryManifests } from './buildRecoveryManifests';
import { applyJsonPatch } from './jsonPatch';
import { validateRecoveryTarget } from './target';
import type { RecoveryTargetRequest, SourceCluster } from './types';
import { checkClusterWebhookRules } from './webhookRules';
import { legacySource, pluginSource } from './__fixtures__/recoveryFixtures';

const BACKUP = '20250601T020000';
const TARGETS: RecoveryTargetRequest[] = [
  { kind: 'latest' },
  { kind: 'latest', backupId: BACKUP },
  { kind: 'time', targetTime: '2025-06-01T11:15:00+02:00', backupId: BACKUP },
  { kind: 'lsn', targetLSN: '0/3000060', backupId: BACKUP },
  { kind: 'backup', backupId: BACKUP },
  { kind: 'name', targetName: `barman_${BACKUP}`, backupId: BACKUP },
  { kind: 'xid', targetXID: '1234', backupId: BACKUP, exclusive: true },
];
const SOURCES: Array<[string, SourceCluster, string]> = [
  ['plugin', pluginSource, 'postgres-cluster'],
  ['legacy', legacySource, 'immich-database-v1'],
];

function build(
  source: SourceCluster,
  serverName: string,
  request: RecoveryTargetRequest,
  extra = {},
) {
  return buildRecoveryManifests({
    source,
    newClusterName: `${source.name}-restore`,
    target: validateRecoveryTarget(request),
    sourceServerName: serverName,
    targetServerName: `${serverName.replace(/-v\d+$/, '')}-v2`,
    ...extra,
  });
}

describe.each(SOURCES)(
  'buildRecoveryManifests (%s form)',
  (form, source, serverName) => {
    it.each(TARGETS.map(t => [t.kind, t] as const))(
      'target %s: every output passes the webhook rules',
      (_kind, request) => {
        const result = build(source, serverName, request);
        expect(result.form).toBe(form);

        // kubectl manifest: parse the rendered YAML back; it must equal the object.
        const recovery = parse(result.files.recovery.content);
        expect(recovery).toEqual(result.recoveryCluster);
        expect(
          checkClusterWebhookRules(recovery, { requireRecovery: true }),
        ).toEqual([]);
        expect(recovery.spec.bootstrap.initdb).toBeUndefined();
        expect(Object.keys(recovery.spec.bootstrap)).toEqual(['recovery']);
        expect(recovery.metadata.uid).toBeUndefined();

        // after-recovery manifest: no bootstrap, same archive serverName.
        const after = parse(result.files.afterRecovery.content);
        expect(
          checkClusterWebhookRules(after, { forbidBootstrap: true }),
        ).toEqual([]);
        expect(after.spec.bootstrap).toBeUndefined();
        expect(after.spec.externalClusters).toBeUndefined();

        // kustomize: the overlay applied to the source base gives exactly the recovery spec.
        const kustomization = parse(result.files.kustomization.content);
        expect(kustomization.kind).toBe('Kustomization');
        expect(kustomization.resources).toEqual(['../../base']);
        const patchOps = parse(kustomization.patches[0].patch);
        expect(patchOps).toEqual(result.kustomizePatch);
        const base = {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Cluster',
          metadata: { name: source.name, namespace: source.namespace },
          spec: source.spec,
        };
        const patched = applyJsonPatch(base, patchOps);
        expect(patched.metadata.name).toBe(`${source.name}-restore`);
        expect(patched.spec).toEqual(recovery.spec);
        expect(
          checkClusterWebhookRules(patched, { requireRecovery: true }),
        ).toEqual([]);
      },
    );

    it('copies the operational spec and never initdb', () => {
      const { recoveryCluster } = build(source, serverName, { kind: 'latest' });
      const spec = recoveryCluster.spec as any;
      for (const key of ['instances', 'imageName', 'storage', 'postgresql']) {
        expect(spec[key]).toEqual(source.spec[key]);
      }
      expect(JSON.stringify(recoveryCluster)).not.toContain('initdb');
    });

    it('has the kubectl create header', () => {
      const { files } = build(source, serverName, { kind: 'latest' });
      expect(files.recovery.content).toMatch(/^# CNPG recovery: /);
      expect(files.recovery.content).toContain(
        'kubectl create -f cluster-recovery.yaml',
      );
      expect(files.recovery.content).toContain('Never kubectl apply');
    });
  },
);

describe('plugin form details', () => {
  it('writes the source serverName explicitly and archives to the next generation', () => {
    const { recoveryCluster, afterRecoveryCluster } = build(
      pluginSource,
      'postgres-cluster',
      {
        kind: 'time',
        targetTime: '2025-06-01T09:15:00Z',
      },
    );
    const spec = recoveryCluster.spec as any;
    expect(spec.bootstrap.recovery).toEqual({
      source: 'origin',
      recoveryTarget: { targetTime: '2025-06-01T09:15:00Z' },
      database: 'awx',
      owner: 'awx',
      secret: { name: 'postgres-awx-owner' },
    });
    expect(spec.externalClusters).toEqual([
      {
        name: 'origin',
        plugin: {
          name: 'barman-cloud.cloudnative-pg.io',
          parameters: {
            barmanObjectName: 'hetzner-s3-store',
            serverName: 'postgres-cluster',
          },
        },
      },
    ]);
    expect(spec.plugins).toEqual([
      {
        name: 'barman-cloud.cloudnative-pg.io',
        isWALArchiver: true,
        parameters: {
          barmanObjectName: 'hetzner-s3-store',
          serverName: 'postgres-cluster-v2',
        },
      },
    ]);
    expect((afterRecoveryCluster.spec as any).plugins).toEqual(spec.plugins);
  });

  it('keeps other plugins and drops duplicate/disabled barman entries', () => {
    const source: SourceCluster = {
      ...pluginSource,
      spec: {
        ...pluginSource.spec,
        plugins: [
          {
            name: 'barman-cloud.cloudnative-pg.io',
            enabled: false,
            parameters: { barmanObjectName: 'old' },
          },
          { name: 'other.example.com', parameters: { a: 'b' } },
          {
            name: 'barman-cloud.cloudnative-pg.io',
            isWALArchiver: true,
            parameters: { barmanObjectName: 'store', serverName: 'pc-v3' },
          },
        ],
      },
    };
    const { recoveryCluster } = build(source, 'pc-v3', { kind: 'latest' });
    expect((recoveryCluster.spec as any).plugins).toEqual([
      { name: 'other.example.com', parameters: { a: 'b' } },
      {
        name: 'barman-cloud.cloudnative-pg.io',
        isWALArchiver: true,
        parameters: { barmanObjectName: 'store', serverName: 'pc-v2' },
      },
    ]);
  });

  it('reads barmanObjectName like the status does: the LAST barman entry wins even when disabled (issue 11)', () => {
    // Before issue 11 the builder took the last ENABLED entry's store ("store") while the status
    // showed the last entry's ("later"): both now use archive/declaration.ts.
    const source: SourceCluster = {
      ...pluginSource,
      spec: {
        ...pluginSource.spec,
        plugins: [
          {
            name: 'barman-cloud.cloudnative-pg.io',
            isWALArchiver: true,
            parameters: { barmanObjectName: 'store', serverName: 'pc-v3' },
          },
          {
            name: 'barman-cloud.cloudnative-pg.io',
            enabled: false,
            parameters: { barmanObjectName: 'later' },
          },
        ],
      },
    };
    const { recoveryCluster } = build(source, 'pc-v3', { kind: 'latest' });
    const spec = recoveryCluster.spec as any;
    expect(spec.externalClusters[0].plugin.parameters.barmanObjectName).toBe(
      'later',
    );
  });

  it('drops replica, old externalClusters and managed services with warnings', () => {
    const source: SourceCluster = {
      ...pluginSource,
      spec: {
        ...pluginSource.spec,
        replica: { enabled: false, source: 'old' },
        externalClusters: [{ name: 'old', plugin: { name: 'x' } }],
        managed: {
          services: {
            additional: [{ serviceTemplate: { metadata: { name: 'pc-lb' } } }],
          },
        },
      },
    };
    const result = build(source, 'postgres-cluster', { kind: 'latest' });
    const spec = result.recoveryCluster.spec as any;
    expect(spec.replica).toBeUndefined();
    expect(spec.managed).toBeUndefined();
    expect(spec.externalClusters.map((e: any) => e.name)).toEqual(['origin']);
    expect(result.warnings.join('\n')).toMatch(
      /externalClusters.*\n.*replica.*\n.*managed.services/s,
    );
    const patched = applyJsonPatch(
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: source.name },
        spec: source.spec,
      },
      result.kustomizePatch,
    );
    expect(patched.spec).toEqual(spec);
  });
});

describe('legacy form details', () => {
  it('copies the store with explicit serverNames on both sides', () => {
    const { recoveryCluster, afterRecoveryCluster } = build(
      legacySource,
      'immich-database-v1',
      { kind: 'backup', backupId: BACKUP },
    );
    const spec = recoveryCluster.spec as any;
    expect(spec.externalClusters[0].barmanObjectStore).toEqual({
      ...(legacySource.spec.backup as any).barmanObjectStore,
      serverName: 'immich-database-v1',
    });
    expect(spec.backup.barmanObjectStore.serverName).toBe('immich-database-v2');
    expect(spec.backup.retentionPolicy).toBe('30d');
    expect(spec.bootstrap.recovery.recoveryTarget).toEqual({
      backupID: BACKUP,
      targetImmediate: true,
    });
    expect(
      (afterRecoveryCluster.spec as any).backup.barmanObjectStore.serverName,
    ).toBe('immich-database-v2');
  });
});

describe('refusals', () => {
  const target = validateRecoveryTarget({ kind: 'latest' });
  const base = {
    source: pluginSource,
    newClusterName: 'pc-restore',
    target,
    sourceServerName: 'postgres-cluster',
    targetServerName: 'postgres-cluster-v2',
  };

  it.each([
    [
      { newClusterName: 'x'.repeat(51) },
      InvalidRecoveryInputError,
      /at most 50/,
    ],
    [
      { newClusterName: 'pc\nkind: Secret' },
      InvalidRecoveryInputError,
      /DNS-1035/,
    ],
    [{ newClusterName: 'pc: x' }, InvalidRecoveryInputError, /DNS-1035/],
    [{ targetServerName: '../other' }, InvalidRecoveryInputError, /serverName/],
    [{ targetServerName: 'a/b' }, InvalidRecoveryInputError, /serverName/],
    [{ targetServerName: 'a b' }, InvalidRecoveryInputError, /serverName/],
    [{ sourceServerName: 'x#y' }, InvalidRecoveryInputError, /serverName/],
    [
      { targetServerName: 'postgres-cluster' },
      ServerNameConflictError,
      /Expected empty archive/,
    ],
    [
      { externalClusterName: 'Origin' },
      InvalidRecoveryInputError,
      /externalClusterName/,
    ],
    [
      { kustomizeBase: '../base\nresources: [x]' },
      InvalidRecoveryInputError,
      /kustomizeBase/,
    ],
    [{ kustomizeBase: '/etc' }, InvalidRecoveryInputError, /kustomizeBase/],
    [
      { source: { ...pluginSource, spec: { instances: 1 } } },
      UnsupportedSourceClusterError,
      /neither/,
    ],
    [
      { source: { ...pluginSource, namespace: 'Bad NS' } },
      InvalidRecoveryInputError,
      /namespace/,
    ],
  ])('%j', (override, errorClass, message) => {
    expect(() =>
      buildRecoveryManifests({ ...base, ...override } as any),
    ).toThrow(errorClass);
    expect(() =>
      buildRecoveryManifests({ ...base, ...override } as any),
    ).toThrow(message);
  });

  it('refuses time targets outside the given window', () => {
    const window = { from: '2025-06-01T02:00:10Z', to: '2025-06-02T12:00:00Z' };
    expect(() =>
      buildRecoveryManifests({
        ...base,
        window,
        target: validateRecoveryTarget({
          kind: 'time',
          targetTime: '2030-01-01T00:00:00Z',
        }),
      }),
    ).toThrow(RecoveryTargetAfterWindowError);
    expect(() =>
      buildRecoveryManifests({
        ...base,
        window,
        target: validateRecoveryTarget({
          kind: 'time',
          targetTime: '1999-01-01T00:00:00Z',
        }),
      }),
    ).toThrow(RecoveryTargetBeforeWindowError);
  });

  it('keeps hostile-looking but valid data as data', () => {
    const source: SourceCluster = {
      ...pluginSource,
      spec: {
        ...pluginSource.spec,
        postgresql: {
          parameters: {
            application_name: 'x\nkind: Secret',
            search_path: '"$user", public # c',
          },
        },
      },
    };
    const { files } = buildRecoveryManifests({ ...base, source });
    const docs = parseAllDocuments(files.recovery.content);
    expect(docs).toHaveLength(1);
    expect(docs[0].toJS().kind).toBe('Cluster');
    expect(docs[0].toJS().spec.postgresql.parameters.application_name).toBe(
      'x\nkind: Secret',
    );
  });
});

describe('rendering for YAML 1.1 readers (kubectl)', () => {
  it('quotes timestamps and other ambiguous scalars', () => {
    const { files } = build(pluginSource, 'postgres-cluster', {
      kind: 'time',
      targetTime: '2025-06-01T09:15:00Z',
    });
    expect(files.recovery.content).toContain(
      'targetTime: "2025-06-01T09:15:00Z"',
    );
    expect(files.recovery.content).toContain('max_connections: "200"');
    expect(files.recovery.content).not.toMatch(/^%YAML/m);
  });
});

describe('recovery keeps the application database (issue 10, point 9)', () => {
  it.each(SOURCES)(
    '%s form: bootstrap.recovery carries the source database/owner, in both forms and the overlay',
    (_form, source, serverName) => {
      const initdb = (source.spec.bootstrap as any).initdb;
      const result = build(source, serverName, { kind: 'latest' });
      const recovery = parse(result.files.recovery.content).spec.bootstrap
        .recovery;
      expect(recovery.database).toBe(initdb.database);
      expect(recovery.owner).toBe(initdb.owner);
      expect(recovery.database).not.toBe('app');
      const ops = parse(
        parse(result.files.kustomization.content).patches[0].patch,
      );
      const bootstrapOp = ops.find((op: any) => op.path === '/spec/bootstrap');
      expect(bootstrapOp.value.recovery).toMatchObject({
        database: initdb.database,
        owner: initdb.owner,
      });
    },
  );

  it('carries the owner Secret, and takes database/owner from a recovery or pg_basebackup bootstrap', () => {
    for (const method of ['initdb', 'recovery', 'pg_basebackup']) {
      const source: SourceCluster = {
        ...pluginSource,
        spec: {
          ...pluginSource.spec,
          bootstrap: {
            [method]: {
              database: 'orders',
              owner: 'orders_rw',
              secret: { name: 'orders-credentials' },
            },
          },
        },
      };
      const { recoveryCluster } = build(source, 'postgres-cluster', {
        kind: 'latest',
      });
      expect((recoveryCluster.spec as any).bootstrap).toEqual({
        recovery: {
          source: 'origin',
          database: 'orders',
          owner: 'orders_rw',
          secret: { name: 'orders-credentials' },
        },
      });
    }
  });

  it('defaults like CNPG: no bootstrap → app/app, owner defaults to the database', () => {
    const noBootstrap: SourceCluster = {
      ...pluginSource,
      spec: { ...pluginSource.spec, bootstrap: undefined },
    };
    expect(
      (
        build(noBootstrap, 'postgres-cluster', { kind: 'latest' })
          .recoveryCluster.spec as any
      ).bootstrap.recovery,
    ).toMatchObject({ database: 'app', owner: 'app' });
    const onlyDb: SourceCluster = {
      ...pluginSource,
      spec: {
        ...pluginSource.spec,
        bootstrap: { initdb: { database: 'shop' } },
      },
    };
    expect(
      (
        build(onlyDb, 'postgres-cluster', { kind: 'latest' }).recoveryCluster
          .spec as any
      ).bootstrap.recovery,
    ).toMatchObject({ database: 'shop', owner: 'shop' });
  });

  it.each([
    ['database', { database: 42 }, 'source.spec.bootstrap.initdb.database'],
    ['database', { database: 'a\nb' }, 'source.spec.bootstrap.initdb.database'],
    [
      'owner',
      { database: 'x', owner: 'o'.repeat(64) },
      'source.spec.bootstrap.initdb.owner',
    ],
    [
      'secret',
      { database: 'x', secret: { name: 'Bad Name' } },
      'source.spec.bootstrap.initdb.secret.name',
    ],
  ])('refuses a hostile %s with a named error', (_what, initdb, field) => {
    const source: SourceCluster = {
      ...pluginSource,
      spec: { ...pluginSource.spec, bootstrap: { initdb } },
    };
    expect(() => build(source, 'postgres-cluster', { kind: 'latest' })).toThrow(
      InvalidRecoveryInputError,
    );
    expect(() => build(source, 'postgres-cluster', { kind: 'latest' })).toThrow(
      field,
    );
  });

  it('the overlay re-points the ScheduledBackups of the source at the new cluster under new names', () => {
    const result = build(
      pluginSource,
      'postgres-cluster',
      { kind: 'latest' },
      {
        scheduledBackups: ['postgres-cluster-daily', 'nightly'],
      },
    );
    const patches = parse(result.files.kustomization.content).patches;
    expect(patches).toHaveLength(3);
    expect(patches[1].target).toEqual({
      group: 'postgresql.cnpg.io',
      version: 'v1',
      kind: 'ScheduledBackup',
      name: 'postgres-cluster-daily',
    });
    expect(parse(patches[1].patch)).toEqual([
      {
        op: 'replace',
        path: '/metadata/name',
        value: 'postgres-cluster-restore-daily',
      },
      {
        op: 'replace',
        path: '/spec/cluster/name',
        value: 'postgres-cluster-restore',
      },
    ]);
    expect(parse(patches[2].patch)[0].value).toBe(
      'postgres-cluster-restore-nightly',
    );
    // Same-name restore: nothing to re-point.
    const same = buildRecoveryManifests({
      source: pluginSource,
      newClusterName: pluginSource.name,
      target: validateRecoveryTarget({ kind: 'latest' }),
      sourceServerName: 'postgres-cluster',
      targetServerName: 'postgres-cluster-v2',
      scheduledBackups: ['postgres-cluster-daily'],
    });
    expect(parse(same.files.kustomization.content).patches).toHaveLength(1);
    expect(() =>
      build(
        pluginSource,
        'postgres-cluster',
        { kind: 'latest' },
        { scheduledBackups: 'nightly' },
      ),
    ).toThrow(InvalidRecoveryInputError);
    expect(() =>
      build(
        pluginSource,
        'postgres-cluster',
        { kind: 'latest' },
        { scheduledBackups: ['../x'] },
      ),
    ).toThrow('scheduledBackups[0]');
  });
});
