/*
 * Every manifest the builder can produce, validated against the real CNPG CRD schemas and
 * webhook rules (validateCnpgResource) and against this package's recovery rules:
 * archive form (plugin | legacy) × target kind × output (kubectl | after-recovery | kustomize).
 */
import {
  buildRecoveryManifests,
  validateRecoveryTarget,
  type RecoveryTargetRequest,
  type SourceCluster,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { validateCnpgResource } from '@cnpg-backups/plugin-cnpg-backups-node';
import { parse } from 'yaml';
import { validateRecoveryManifests } from '../actions/renderManifests';

const BACKUP = '20250601T020000';
const sources: Record<
  'plugin' | 'legacy',
  { source: SourceCluster; serverName: string }
> = {
  plugin: {
    serverName: 'postgres-cluster',
    source: {
      name: 'postgres-cluster',
      namespace: 'postgres',
      spec: {
        instances: 3,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:17.2',
        storage: { size: '10Gi', storageClass: 'hcloud-volumes' },
        walStorage: { size: '2Gi', storageClass: 'hcloud-volumes' },
        postgresql: { parameters: { max_connections: '200' } },
        resources: { requests: { cpu: '500m', memory: '1Gi' } },
        affinity: {
          enablePodAntiAffinity: true,
          topologyKey: 'kubernetes.io/hostname',
        },
        bootstrap: {
          initdb: {
            database: 'awx',
            owner: 'awx',
            secret: { name: 'postgres-awx-owner' },
          },
        },
        managed: {
          roles: [
            {
              name: 'awx',
              ensure: 'present',
              login: true,
              passwordSecret: { name: 'postgres-awx-owner' },
            },
          ],
        },
        plugins: [
          {
            name: 'barman-cloud.cloudnative-pg.io',
            isWALArchiver: true,
            parameters: { barmanObjectName: 'hetzner-s3-store' },
          },
        ],
      },
    },
  },
  legacy: {
    serverName: 'immich-database-v1',
    source: {
      name: 'immich-database',
      namespace: 'cloudnative-pg',
      spec: {
        instances: 1,
        imageName: 'ghcr.io/tensorchord/cloudnative-vectorchord:16-0.3.0',
        postgresql: { shared_preload_libraries: ['vchord.so'] },
        storage: { size: '8Gi' },
        bootstrap: { initdb: { database: 'immich', owner: 'immich' } },
        backup: {
          retentionPolicy: '30d',
          barmanObjectStore: {
            destinationPath: 's3://postgres-backups/cnpg/immich',
            endpointURL: 'http://minio.storage:9000',
            serverName: 'immich-database-v1',
            s3Credentials: {
              accessKeyId: {
                name: 'cnpg-s3-credentials',
                key: 'AWS_ACCESS_KEY_ID',
              },
              secretAccessKey: {
                name: 'cnpg-s3-credentials',
                key: 'AWS_SECRET_ACCESS_KEY',
              },
            },
            wal: { compression: 'gzip' },
            data: { compression: 'gzip' },
          },
        },
      },
    },
  },
};

const targets: RecoveryTargetRequest[] = [
  { kind: 'latest' },
  { kind: 'latest', backupId: BACKUP },
  { kind: 'time', targetTime: '2025-06-01T11:15:00+02:00' },
  {
    kind: 'time',
    targetTime: '2025-06-01T09:15:00.123456Z',
    backupId: BACKUP,
    exclusive: true,
  },
  { kind: 'lsn', targetLSN: '0/3000060' },
  { kind: 'backup', backupId: BACKUP },
  { kind: 'name', targetName: `barman_${BACKUP}`, backupId: BACKUP },
  { kind: 'xid', targetXID: '1234', backupId: BACKUP },
];

const cases = (['plugin', 'legacy'] as const).flatMap(form =>
  targets.map(
    target =>
      [
        form,
        `${target.kind}${target.backupId ? '+backupId' : ''}${
          'exclusive' in target ? '+exclusive' : ''
        }`,
        target,
      ] as const,
  ),
);

describe('recovery manifest matrix', () => {
  it.each(cases)(
    '%s form, %s target: all outputs pass the CRDs and webhook rules',
    (form, _label, request) => {
      const { source, serverName } = sources[form];
      const manifests = buildRecoveryManifests({
        source,
        newClusterName: `${source.name}-restore`,
        target: validateRecoveryTarget(request),
        sourceServerName: serverName,
        targetServerName: `${source.name}-v2`,
      });
      expect(manifests.form).toBe(form);
      expect(validateRecoveryManifests(manifests, source)).toEqual([]);
      // The rendered text (what operators actually use) is what gets validated too.
      const recovery = parse(manifests.files.recovery.content);
      const after = parse(manifests.files.afterRecovery.content);
      expect(validateCnpgResource(recovery)).toMatchObject({
        valid: true,
        errors: [],
      });
      expect(validateCnpgResource(after)).toMatchObject({
        valid: true,
        errors: [],
      });
      expect(recovery.spec.bootstrap.initdb).toBeUndefined();
    },
  );

  it('the validator really catches what the builder must never produce', () => {
    const { source, serverName } = sources.plugin;
    const manifests = buildRecoveryManifests({
      source,
      newClusterName: 'pc-restore',
      target: validateRecoveryTarget({ kind: 'latest' }),
      sourceServerName: serverName,
      targetServerName: 'pc-v2',
    });
    const broken = JSON.parse(JSON.stringify(manifests.recoveryCluster));
    broken.spec.bootstrap.initdb = { database: 'app', owner: 'app' };
    broken.spec.bootstrap.recovery.recoveryTarget = { targetName: 'x' };
    const result = validateCnpgResource(broken);
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(/bootstrap/);
  });
});
