/*
 * Fidelity check of the stand-in with the REAL kubectl client (Debian package `kubectl`). In CI the test fails
 * (never skips) when kubectl is missing and cannot be installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubernetesStandin } from './KubernetesStandin';

jest.setTimeout(120_000);

function findKubectl(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function ensureKubectl(): string {
  let path = findKubectl();
  if (path) return path;
  const ensureApt = resolve(__dirname, '../../../../../scripts/ensure-apt.sh');
  const r = existsSync(ensureApt)
    ? spawnSync('bash', [ensureApt, 'kubectl'], { encoding: 'utf8' })
    : spawnSync(
        'sh',
        [
          '-c',
          'flock /tmp/cnpg-apt.lock env DEBIAN_FRONTEND=noninteractive apt-get install -y kubectl',
        ],
        {
          encoding: 'utf8',
        },
      );
  path = findKubectl();
  if (!path) {
    throw new Error(
      `kubectl is not installed and could not be installed: ${r.stderr}`,
    );
  }
  return path;
}

describe('KubernetesStandin with the real kubectl', () => {
  let kubectlPath: string | undefined;
  let standin: KubernetesStandin;
  let dir: string;

  beforeAll(async () => {
    try {
      kubectlPath = ensureKubectl();
    } catch (error) {
      if (process.env.CI) throw error;
      // eslint-disable-next-line no-console
      console.warn(
        `skipping kubectl fidelity tests: ${(error as Error).message}`,
      );
    }
    standin = await KubernetesStandin.start({ tls: true });
    standin.store.seed({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'db' },
    });
    standin.store.seed({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: {
        name: 'orders-db',
        namespace: 'db',
        labels: { team: 'payments' },
      },
      spec: {
        instances: 3,
        storage: { size: '10Gi' },
        plugins: [
          {
            name: 'barman-cloud.cloudnative-pg.io',
            isWALArchiver: true,
            parameters: { barmanObjectName: 'store' },
          },
        ],
      },
      status: {
        phase: 'Cluster in healthy state',
        instances: 3,
        readyInstances: 3,
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'standin-kubectl-'));
    writeFileSync(
      join(dir, 'kubeconfig'),
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: standin\n  cluster:\n    server: ${
          standin.url
        }\n    certificate-authority-data: ${Buffer.from(
          standin.caPem!,
        ).toString('base64')}`,
        'users:',
        `- name: tester\n  user:\n    token: ${standin.token}`,
        'contexts:',
        '- name: standin\n  context:\n    cluster: standin\n    user: tester\n    namespace: db',
        'current-context: standin',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'backup.yaml'),
      [
        'apiVersion: postgresql.cnpg.io/v1',
        'kind: Backup',
        'metadata:',
        '  name: orders-db-manual',
        '  namespace: db',
        'spec:',
        '  cluster:',
        '    name: orders-db',
        '  method: plugin',
        '  pluginConfiguration:',
        '    name: barman-cloud.cloudnative-pg.io',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await standin?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // The stand-in runs in this process: kubectl must run asynchronously (spawnSync would block the server).
  function run(
    args: string[],
    env: NodeJS.ProcessEnv,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(kubectlPath!, args, {
        env: { ...process.env, HOME: dir, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', d => (stdout += d));
      child.stderr.on('data', d => (stderr += d));
      child.on('error', reject);
      child.on('close', code => resolvePromise({ code, stdout, stderr }));
    });
  }

  function kubectl(...args: string[]) {
    return run(
      [
        '--kubeconfig',
        join(dir, 'kubeconfig'),
        '--cache-dir',
        join(dir, 'cache'),
        '--request-timeout',
        '20s',
        ...args,
      ],
      {},
    );
  }

  it('kubectl get clusters.postgresql.cnpg.io -A -o json lists the seeded Cluster', async () => {
    if (!kubectlPath) return;
    const r = await kubectl(
      'get',
      'clusters.postgresql.cnpg.io',
      '-A',
      '-o',
      'json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(
      list.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`),
    ).toEqual(['db/orders-db']);
    expect(list.items[0].status.phase).toBe('Cluster in healthy state');
  });

  it('kubectl get with a label selector and the human-readable table', async () => {
    if (!kubectlPath) return;
    expect(
      (
        await kubectl(
          'get',
          'clusters.postgresql.cnpg.io',
          '-A',
          '-l',
          'team=payments',
          '-o',
          'name',
        )
      ).stdout.trim(),
    ).toBe('cluster.postgresql.cnpg.io/orders-db');
    expect(
      (
        await kubectl(
          'get',
          'clusters.postgresql.cnpg.io',
          '-A',
          '-l',
          'team!=payments',
          '-o',
          'name',
        )
      ).stdout.trim(),
    ).toBe('');
    // server-side printing: the CRD's additionalPrinterColumns, NAMESPACE added by kubectl for -A
    const table = await kubectl('get', 'clusters.postgresql.cnpg.io', '-A');
    expect(table.stderr).toBe('');
    const lines = table.stdout.trim().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual([
      'NAMESPACE',
      'NAME',
      'AGE',
      'INSTANCES',
      'READY',
      'STATUS',
      'PRIMARY',
    ]);
    expect(lines[1]).toMatch(
      /^db\s+orders-db\s+\d+s\s+3\s+3\s+Cluster in healthy state\s*$/,
    );
  });

  it('kubectl create -f backup.yaml succeeds once, then fails with AlreadyExists', async () => {
    if (!kubectlPath) return;
    const first = await kubectl('create', '-f', join(dir, 'backup.yaml'));
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe(
      'backup.postgresql.cnpg.io/orders-db-manual created',
    );
    const stored = standin.store.list(
      standin.store.findType('postgresql.cnpg.io', 'v1', 'backups')!,
      { namespace: 'db' },
    );
    expect(stored.items.map(b => b.metadata.name)).toEqual([
      'orders-db-manual',
    ]);
    // kubectl asked the server to validate strictly (it found fieldValidation in the OpenAPI v3 document)
    expect(
      standin.requests.some(
        r => r.method === 'POST' && r.url.includes('fieldValidation=Strict'),
      ),
    ).toBe(true);

    const dry = await kubectl(
      'create',
      '-f',
      join(dir, 'backup.yaml'),
      '--dry-run=server',
    );
    expect(dry.stderr).toContain('already exists'); // server-side dry run still sees the existing object

    const second = await kubectl('create', '-f', join(dir, 'backup.yaml'));
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(
      `Error from server (AlreadyExists): error when creating "${join(
        dir,
        'backup.yaml',
      )}": backups.postgresql.cnpg.io "orders-db-manual" already exists`,
    );
  });

  it('kubectl create of an invalid or unknown-field manifest shows the server error', async () => {
    if (!kubectlPath) return;
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'apiVersion: postgresql.cnpg.io/v1\nkind: Backup\nmetadata:\n  name: bad\nspec:\n  method: plugin\n',
    );
    const invalid = await kubectl('create', '-f', bad);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain(
      'The Backup "bad" is invalid: spec.cluster: Required value',
    );

    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(
      unknown,
      'apiVersion: postgresql.cnpg.io/v1\nkind: Backup\nmetadata:\n  name: unknown\nspec:\n  cluster:\n    name: orders-db\n  retention: 7d\n',
    );
    const fresh = join(dir, 'fresh.yaml');
    writeFileSync(
      fresh,
      'apiVersion: postgresql.cnpg.io/v1\nkind: Backup\nmetadata:\n  name: fresh\nspec:\n  cluster:\n    name: orders-db\n',
    );
    const serverDry = await kubectl('create', '-f', fresh, '--dry-run=server');
    expect(serverDry.stdout.trim()).toBe(
      'backup.postgresql.cnpg.io/fresh created (server dry run)',
    );
    expect(
      (await kubectl('get', 'backups.postgresql.cnpg.io', 'fresh')).code,
    ).not.toBe(0);

    const strict = await kubectl('create', '-f', unknown);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain('unknown field "spec.retention"');
  });

  it("a forbidden resource shows kubectl's forbidden message", async () => {
    if (!kubectlPath) return;
    const undo = standin.deny({
      verb: 'list',
      resource: 'scheduledbackups.postgresql.cnpg.io',
    });
    try {
      const r = await kubectl(
        'get',
        'scheduledbackups.postgresql.cnpg.io',
        '-n',
        'db',
      );
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(
        `Error from server (Forbidden): scheduledbackups.postgresql.cnpg.io is forbidden: User "${standin.user}" cannot list resource "scheduledbackups" in API group "postgresql.cnpg.io" in the namespace "db"`,
      );
    } finally {
      undo();
    }
  });

  it("a wrong token is rejected with kubectl's Unauthorized message", async () => {
    if (!kubectlPath) return;
    const r = await run(
      [
        '--server',
        standin.url,
        '--token',
        'wrong',
        '--insecure-skip-tls-verify',
        '--cache-dir',
        join(dir, 'cache2'),
        'get',
        'clusters.postgresql.cnpg.io',
        '-A',
      ],
      { KUBECONFIG: join(dir, 'none') },
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Unauthorized|You must be logged in/);
  });

  it('an uninstalled CRD makes kubectl report the resource type as unknown', async () => {
    if (!kubectlPath) return;
    standin.store.setCrdInstalled('objectstores.barmancloud.cnpg.io', false);
    try {
      const r = await kubectl(
        'get',
        'objectstores.barmancloud.cnpg.io',
        '-A',
        '--cache-dir',
        join(dir, 'cache3'),
      );
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(
        'the server doesn\'t have a resource type "objectstores"',
      );
    } finally {
      standin.store.setCrdInstalled('objectstores.barmancloud.cnpg.io', true);
    }
  });
});
