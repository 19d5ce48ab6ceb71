/*
 * The kustomize overlay rendered by the REAL `kubectl kustomize` (kustomize v5 inside kubectl)
 * over a base holding the source Cluster must give exactly the kubectl-create recovery Cluster's
 * spec, for both archive forms, and pass the CRD + webhook validation. Fails (never skips) when
 * kubectl is missing and cannot be installed.
 */
import {
  buildRecoveryManifests,
  validateRecoveryTarget,
  type SourceCluster,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { validateCnpgResource } from '@cnpg-backups/plugin-cnpg-backups-node';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import yaml from 'yaml';

jest.setTimeout(120_000);

function findKubectl(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function ensureKubectl(): string {
  const found = findKubectl();
  if (found) return found;
  const ensureApt = resolve(__dirname, '../../../../scripts/ensure-apt.sh');
  const r = spawnSync('bash', [ensureApt, 'kubectl'], { encoding: 'utf8' });
  const installed = findKubectl();
  if (!installed) {
    throw new Error(
      `kubectl is not installed and could not be installed (scripts/ensure-apt.sh kubectl): ${r.stderr}`,
    );
  }
  return installed;
}

const sources: Array<[string, SourceCluster, string]> = [
  [
    'plugin',
    {
      name: 'postgres-cluster',
      namespace: 'postgres',
      spec: {
        instances: 3,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:17.2',
        storage: { size: '10Gi', storageClass: 'hcloud-volumes' },
        walStorage: { size: '2Gi' },
        bootstrap: {
          initdb: {
            database: 'awx',
            owner: 'awx',
            postInitSQL: ['CREATE EXTENSION IF NOT EXISTS pg_stat_statements;'],
          },
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
    'postgres-cluster',
  ],
  [
    'legacy',
    {
      name: 'immich-database',
      namespace: 'cloudnative-pg',
      spec: {
        instances: 1,
        storage: { size: '8Gi' },
        bootstrap: { initdb: { database: 'immich', owner: 'immich' } },
        backup: {
          barmanObjectStore: {
            destinationPath: 's3://postgres-backups/cnpg/immich',
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
          },
        },
      },
    },
    'immich-database-v1',
  ],
];

describe('kustomize overlay rendered by the real kubectl kustomize', () => {
  let kubectl: string;
  let dir: string;

  beforeAll(() => {
    kubectl = ensureKubectl();
    dir = mkdtempSync(join(tmpdir(), 'cnpg-kustomize-'));
  });

  afterAll(() => {
    if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  });

  it.each(sources)(
    '%s form: overlay over the base = the recovery Cluster',
    (form, source, serverName) => {
      const manifests = buildRecoveryManifests({
        source,
        newClusterName: `${source.name}-restore`,
        target: validateRecoveryTarget({
          kind: 'time',
          targetTime: '2025-06-01T11:15:00+02:00',
          backupId: '20250601T020000',
        }),
        sourceServerName: serverName,
        targetServerName: `${source.name}-v2`,
        // one schedule the base holds, one the status knows but the base does not (no error).
        scheduledBackups: [`${source.name}-daily`, 'not-in-base'],
      });
      const root = join(dir, form);
      mkdirSync(join(root, 'base'), { recursive: true });
      mkdirSync(join(root, 'overlays', 'recovery'), { recursive: true });
      writeFileSync(
        join(root, 'base', 'cluster.yaml'),
        yaml.stringify({
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Cluster',
          metadata: { name: source.name, namespace: source.namespace },
          spec: source.spec,
        }),
      );
      const schedule = (name: string, cluster: string) => ({
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'ScheduledBackup',
        metadata: { name, namespace: source.namespace },
        spec: {
          schedule: '0 0 2 * * *',
          method: 'plugin',
          cluster: { name: cluster },
        },
      });
      writeFileSync(
        join(root, 'base', 'scheduled.yaml'),
        [
          yaml.stringify(schedule(`${source.name}-daily`, source.name)),
          // a schedule of ANOTHER cluster in the same base stays untouched
          yaml.stringify(schedule('other-daily', 'other-cluster')),
        ].join('---\n'),
      );
      writeFileSync(
        join(root, 'base', 'kustomization.yaml'),
        yaml.stringify({
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: ['cluster.yaml', 'scheduled.yaml'],
        }),
      );
      writeFileSync(
        join(root, 'overlays', 'recovery', 'kustomization.yaml'),
        manifests.files.kustomization.content,
      );

      const run = spawnSync(
        kubectl,
        ['kustomize', join(root, 'overlays', 'recovery')],
        { encoding: 'utf8' },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const docs = yaml.parseAllDocuments(run.stdout).map(d => d.toJS());
      expect(docs.map(d => `${d.kind}/${d.metadata.name}`).sort()).toEqual(
        [
          `Cluster/${source.name}-restore`,
          `ScheduledBackup/${source.name}-restore-daily`,
          'ScheduledBackup/other-daily',
        ].sort(),
      );
      const rendered = docs.find(d => d.kind === 'Cluster');
      // No ScheduledBackup of the overlay still points at the old cluster.
      const schedules = docs.filter(d => d.kind === 'ScheduledBackup');
      expect(schedules.map(d => d.spec.cluster.name).sort()).toEqual(
        [`${source.name}-restore`, 'other-cluster'].sort(),
      );
      for (const scheduled of schedules) {
        expect(validateCnpgResource(scheduled).errors).toEqual([]);
      }
      expect(rendered.spec.bootstrap.recovery).toMatchObject({
        database:
          source.spec.bootstrap &&
          (source.spec.bootstrap as any).initdb.database,
        owner: (source.spec.bootstrap as any).initdb.owner,
      });
      expect(rendered.metadata).toEqual({
        name: `${source.name}-restore`,
        namespace: source.namespace,
      });
      expect(rendered.spec).toEqual(manifests.recoveryCluster.spec);
      expect(rendered.spec.bootstrap.initdb).toBeUndefined();
      expect(validateCnpgResource(rendered).errors).toEqual([]);
    },
  );
});
