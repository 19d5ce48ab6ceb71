/*
 * Reliability suite (issue 7), end to end through the REAL backend plugin (startTestBackend),
 * the Kubernetes stand-in and s3rver behind the S3 fault proxy (see reliabilityWorld.ts):
 *  1. read-only: every S3 command any path sends is recorded (a spy on S3Client#send), and
 *     only ListObjectsV2/GetObject/HeadObject/HeadBucket are allowed; the guard refuses writes;
 *  2. 22 injected faults → a NAMED error on the affected database, HTTP 200, the others intact;
 *  3. secrets never appear in a response, a log line or an error message;
 *  4. authorization: read allowed + create denied.
 * Faults that already have focused tests elsewhere (kept, not duplicated here):
 *  - BarmanArchiveScanner.faults.test.ts (node): retries, 500/503/403/404, hang, reset,
 *    truncated XML, NoSuchKey race, repeated keys across pages, endless-pagination guard;
 *  - HttpCnpgKubernetesClient.test.ts: REST error mapping (401/403/404/409/5xx/timeout/refused);
 *  - DefaultCnpgBackupsService.integration.test.ts: 9 faults at the service level;
 *  - plugin.test.ts: every route → 403 under a DENY policy.
 */
import {
  coreServices,
  createServiceFactory,
  type LoggerService,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type PermissionEvaluator,
} from '@backstage/plugin-permission-common';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  BarmanArchiveScanner,
  createS3Client,
  READ_ONLY_COMMANDS,
  ReadOnlyViolationError,
  runCnpgBackupsCli,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import request from 'supertest';
import cnpgBackupsPlugin from '@cnpg-backups/plugin-cnpg-backups-backend';
import {
  BUCKET,
  SECRETS,
  startReliabilityWorld,
  type ReliabilityWorld,
} from './reliabilityWorld';
import type {
  FaultRule,
  ProxiedRequest,
} from '@cnpg-backups/plugin-cnpg-backups-node/testUtils';

jest.setTimeout(120_000);

// ---- S3 spy: every command object handed to any S3Client in this process -----------------
const sentCommands: string[] = [];
const originalSend = S3Client.prototype.send;
jest
  .spyOn(S3Client.prototype, 'send')
  .mockImplementation(function spy(this: S3Client, ...args: any[]) {
    sentCommands.push(args[0]?.constructor?.name ?? 'unknown');
    return (originalSend as any).apply(this, args);
  });

function expectOnlyReadCommands(names: string[]) {
  expect(names.length).toBeGreaterThan(0);
  const writes = names.filter(n => !READ_ONLY_COMMANDS.has(n));
  expect(writes).toEqual([]);
  for (const n of names)
    expect([
      'ListObjectsV2Command',
      'GetObjectCommand',
      'HeadObjectCommand',
      'HeadBucketCommand',
    ]).toContain(n);
}

// ---- log capture ---------------------------------------------------------------------------
const logLines: string[] = [];
function capturingLogger(
  fields: Record<string, unknown> = {},
): RootLoggerService {
  const write =
    (level: string) =>
    (message: string, meta?: Error | Record<string, unknown>) => {
      const rendered =
        meta instanceof Error
          ? `${meta.name}: ${meta.message}\n${meta.stack}`
          : JSON.stringify(meta ?? {}, (_k, v) =>
              v instanceof Error ? `${v.name}: ${v.message}\n${v.stack}` : v,
            );
      logLines.push(
        `${level} ${message} ${JSON.stringify(fields)} ${rendered}`,
      );
    };
  const logger: LoggerService = {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: meta => capturingLogger({ ...fields, ...meta }),
  };
  return logger as RootLoggerService;
}
const loggerFactories = [
  createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => capturingLogger(),
  }),
  createServiceFactory({
    service: coreServices.logger,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => capturingLogger({ plugin: plugin.getId() }),
  }),
];

/** Allows `cnpg-backups.status.read`, denies everything else. */
const readOnlyPolicy = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: (): PermissionEvaluator =>
    ({
      authorize: async (requests: any[]) =>
        requests.map(r => ({
          result:
            r.permission.name === 'cnpg-backups.status.read'
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })),
      authorizeConditional: async (requests: any[]) =>
        requests.map(() => ({ result: AuthorizeResult.DENY })),
    } as any),
});

// ---- every response body, for the leak check ----------------------------------------------
const responseTexts: string[] = [];
function record(res: request.Response) {
  responseTexts.push(
    `${res.status} ${JSON.stringify(res.headers)} ${res.text}`,
  );
  return res;
}

describe('cnpg-backups reliability (real plugin, stand-in, s3rver + fault proxy)', () => {
  let world: ReliabilityWorld;
  let server: any;
  let stopBackend: () => Promise<void>;

  beforeAll(async () => {
    world = await startReliabilityWorld();
    const backend = await startTestBackend({
      features: [
        cnpgBackupsPlugin,
        mockServices.rootConfig.factory({ data: world.config }),
        catalogServiceMock.factory({ entities: world.entities }),
        ...loggerFactories,
      ],
    });
    server = backend.server;
    stopBackend = () => backend.stop();
  });

  afterAll(async () => {
    await stopBackend?.();
    await world?.close();
  });

  afterEach(() => {
    world.proxy.setRules([]);
    world.standin.clearFaults();
    world.standin.store.setCrdInstalled(
      'objectstores.barmancloud.cnpg.io',
      true,
    );
  });

  const get = async (path: string) =>
    record(await request(server).get(`/api/cnpg-backups${path}`));
  const post = async (path: string, body: unknown) =>
    record(
      await request(server)
        .post(`/api/cnpg-backups${path}`)
        .send(body as any),
    );

  const byName = (res: request.Response) =>
    Object.fromEntries(
      (res.body.databases as DatabaseStatus[]).map(d => [d.id, d]),
    );

  function expectFullStatus(db: DatabaseStatus | undefined, backups: number) {
    expect(db).toBeDefined();
    expect(db!.errors).toEqual([]);
    expect(db!.catalog?.backups.filter(b => b.status === 'DONE')).toHaveLength(
      backups,
    );
    expect(db!.catalog?.scan.complete).toBe(true);
  }

  describe('baseline and read-only guarantee', () => {
    it('serves the full status of all three databases', async () => {
      const res = await get('/entities/component/default/shop/status');
      expect(res.status).toBe(200);
      const dbs = byName(res);
      expectFullStatus(dbs['k8s/shop/orders'], 2);
      expectFullStatus(dbs['k8s/pay/billing'], 2);
      expectFullStatus(dbs['k8s/shop/ledger'], 1);
      expect(
        dbs['k8s/pay/billing'].catalog!.wal.timelines[0].segmentCount,
      ).toBe(5);
    });

    it('backend routes (entity status, refresh, database status, server-names) send only read commands', async () => {
      sentCommands.length = 0;
      expect(
        (await get('/entities/component/default/shop/status')).status,
      ).toBe(200);
      expect(
        (await get('/entities/component/default/shop/status?refresh=true'))
          .status,
      ).toBe(200);
      expect(
        (await get('/databases/k8s/pay/billing/status?refresh=true')).status,
      ).toBe(200);
      const free = await get(
        '/databases/k8s/pay/billing/server-names/billing-v2',
      );
      expect(free.body).toMatchObject({ empty: true });
      const used = await get('/databases/k8s/pay/billing/server-names/billing');
      expect(used.body).toMatchObject({ empty: false });
      expectOnlyReadCommands(sentCommands);
      // And nothing but GET/HEAD ever reached the S3 server.
      expect(new Set(world.proxy.log.map(r => r.method))).toEqual(
        new Set(['GET']),
      );
    });

    it('scanner (full + incremental), listServerNames, isServerNameEmpty send only read commands', async () => {
      sentCommands.length = 0;
      const client = createS3Client({
        endpoint: world.proxy.endpoint,
        provider: 'generic',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      const scanner = BarmanArchiveScanner.create({ client });
      const destination = `s3://${BUCKET}/cnpg`;
      const full = await scanner.scan({ destination, serverName: 'orders' });
      expect(full.catalog.backups).toHaveLength(2);
      const incremental = await scanner.scan({
        destination,
        serverName: 'orders',
        previous: full.state,
      });
      expect(incremental.catalog.backups).toHaveLength(2);
      expect(
        (await scanner.listServerNames({ destination })).map(s => s.serverName),
      ).toEqual(expect.arrayContaining(['orders', 'ledger']));
      expect(
        await scanner.isServerNameEmpty({
          destination,
          serverName: 'orders-v2',
        }),
      ).toMatchObject({ empty: true });
      client.destroy();
      expectOnlyReadCommands(sentCommands);
    });

    it('the CLI inspect (one serverName and the serverName list) sends only read commands', async () => {
      sentCommands.length = 0;
      const out: string[] = [];
      const io = {
        stdout: (t: string) => out.push(t),
        stderr: (t: string) => out.push(t),
        env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
      };
      const args = [
        '--destination',
        `s3://${BUCKET}/cnpg`,
        '--endpoint',
        world.proxy.endpoint,
      ];
      expect(
        await runCnpgBackupsCli(
          [
            'node',
            'cnpg-backups',
            'inspect',
            ...args,
            '--server-name',
            'orders',
            '--format',
            'json',
          ],
          io,
        ),
      ).toBe(0);
      expect(JSON.parse(out.join('')).backups).toHaveLength(2);
      await runCnpgBackupsCli(['node', 'cnpg-backups', 'inspect', ...args], io);
      expectOnlyReadCommands(sentCommands);
    });

    it.each([
      [
        'PutObject',
        () => new PutObjectCommand({ Bucket: BUCKET, Key: 'x', Body: 'x' }),
      ],
      [
        'DeleteObject',
        () =>
          new DeleteObjectCommand({
            Bucket: BUCKET,
            Key: 'cnpg/orders/base/20250610T020000/backup.info',
          }),
      ],
      [
        'DeleteObjects',
        () =>
          new DeleteObjectsCommand({
            Bucket: BUCKET,
            Delete: { Objects: [{ Key: 'x' }] },
          }),
      ],
      [
        'CopyObject',
        () =>
          new CopyObjectCommand({
            Bucket: BUCKET,
            Key: 'y',
            CopySource: `${BUCKET}/x`,
          }),
      ],
    ])(
      'the read-only guard refuses %s before anything is sent',
      async (name, command) => {
        world.proxy.setRules([]);
        const client = createS3Client({
          endpoint: world.proxy.endpoint,
          provider: 'generic',
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        });
        const error = await client.send(command() as any).catch(e => e);
        client.destroy();
        expect(error).toBeInstanceOf(ReadOnlyViolationError);
        expect(error.name).toBe('ReadOnlyViolationError');
        expect(error.message).toContain(`${name}Command`);
        expect(world.proxy.log).toEqual([]);
      },
    );
  });

  describe('faults end to end through GET /entities/:kind/:ns/:name/status', () => {
    const billingS3 = (r: ProxiedRequest) =>
      (r.query.get('prefix') ?? '').startsWith('pay/billing/') ||
      r.url.split('?')[0].startsWith(`/${BUCKET}/pay/billing/`);
    const billingList = (part: 'base' | 'wals') => (r: ProxiedRequest) =>
      (r.query.get('prefix') ?? '').startsWith(`pay/billing/${part}/`);
    const firstBackupInfo = (r: ProxiedRequest) =>
      r.url.startsWith(
        `/${BUCKET}/pay/billing/base/20250608T020000/backup.info`,
      );
    const CLUSTER =
      '/apis/postgresql.cnpg.io/v1/namespaces/pay/clusters/billing';

    type Fault = {
      what: string;
      s3?: FaultRule[];
      kube?: () => void;
      /** Names acceptable for billing's error (some faults surface as a scan timeout). */
      names: string[];
      entity?: string;
      /** The database that must carry the error (default billing). */
      affected?: string;
      /** Billing still has a (partial) catalog. */
      partial?: boolean;
      /**
       * Needs a full (not incremental) scan: served by a fresh backend, because this one keeps
       * the scanner's incremental state and would not list/get those objects again.
       */
      fresh?: boolean;
    };
    const s3 = (
      when: FaultRule['when'],
      action: FaultRule['action'],
      times?: number,
    ): FaultRule[] => [{ when, action, times }];
    const FAULTS: Fault[] = [
      {
        what: 'S3 500 InternalError',
        s3: s3(billingS3, {
          type: 'status',
          status: 500,
          code: 'InternalError',
        }),
        names: ['S3Unavailable'],
      },
      {
        what: 'S3 503 SlowDown (every attempt)',
        s3: s3(billingS3, { type: 'status', status: 503, code: 'SlowDown' }),
        names: ['S3Unavailable', 'S3Throttled'],
      },
      {
        what: 'S3 socket timeout (no answer)',
        s3: s3(billingS3, { type: 'hang' }),
        names: ['S3Timeout', 'ScanTimeout'],
      },
      {
        what: 'S3 connection reset',
        s3: s3(billingS3, { type: 'reset' }),
        names: ['S3Unreachable', 'S3Unavailable'],
      },
      {
        what: 'S3 truncated XML listing',
        s3: s3(billingList('base'), { type: 'truncate', bytes: 120 }),
        names: ['S3InvalidResponse'],
        partial: true,
      },
      {
        what: 'S3 invalid XML listing',
        s3: s3(billingList('wals'), {
          type: 'body',
          body: '<<<this is not XML>>>',
        }),
        names: ['S3InvalidResponse'],
        partial: true,
      },
      {
        what: 'S3 403 AccessDenied',
        s3: s3(billingS3, {
          type: 'status',
          status: 403,
          code: 'AccessDenied',
        }),
        names: ['AccessDenied'],
      },
      {
        what: 'S3 404 NoSuchBucket',
        s3: s3(billingS3, {
          type: 'status',
          status: 404,
          code: 'NoSuchBucket',
        }),
        names: ['NoSuchBucket'],
      },
      {
        what: 'S3 NoSuchKey mid-scan (a listing answers 404 NoSuchKey)',
        s3: s3(billingList('wals'), {
          type: 'status',
          status: 404,
          code: 'NoSuchKey',
        }),
        names: [
          'NoSuchKey',
          'S3InvalidResponse',
          'S3Unavailable',
          'ObjectNotFound',
        ],
        partial: true,
      },
      {
        what: 'S3 backup.info deleted between list and get',
        // Listed, then gone: every GET of it answers 404 NoSuchKey (retries included).
        s3: s3(firstBackupInfo, {
          type: 'status',
          status: 404,
          code: 'NoSuchKey',
        }),
        names: ['BackupInfoVanished'],
        partial: true,
        fresh: true,
      },
      {
        what: 'S3 a key listed twice across pages',
        s3: [],
        names: [],
        partial: true,
        fresh: true,
      },
      {
        what: 'Kubernetes 401',
        kube: () => injectKube({ path: CLUSTER, status: 401 }),
        names: ['KubernetesUnauthorized'],
      },
      {
        what: 'Kubernetes 403',
        kube: () => injectKube({ path: CLUSTER, status: 403 }),
        names: ['KubernetesForbidden'],
      },
      {
        what: 'Kubernetes 404 CRD missing (ObjectStore)',
        kube: () =>
          world.standin.store.setCrdInstalled(
            'objectstores.barmancloud.cnpg.io',
            false,
          ),
        names: ['CrdNotInstalled'],
      },
      {
        what: 'Kubernetes 404 object (Cluster does not exist)',
        entity: 'shop-ghost',
        affected: 'k8s/pay/ghost',
        names: ['ClusterNotFound'],
      },
      {
        what: 'Kubernetes 404 object (ObjectStore deleted)',
        kube: () =>
          removeObject(
            'barmancloud.cnpg.io/v1',
            'ObjectStore',
            'pay',
            'billing-store',
          ),
        names: [
          'ObjectStoreNotFound',
          'ArchiveConfigurationError',
          'KubernetesObjectNotFound',
        ],
      },
      {
        what: 'Kubernetes 500',
        kube: () => injectKube({ path: CLUSTER, status: 500 }),
        names: ['KubernetesUnavailable'],
      },
      {
        what: 'Kubernetes timeout',
        kube: () => injectKube({ path: CLUSTER, hang: true }),
        names: ['KubernetesTimeout'],
      },
      {
        what: 'Kubernetes malformed JSON',
        kube: () => injectKube({ path: CLUSTER, malformedBody: true }),
        names: ['KubernetesInvalidResponse'],
      },
      {
        what: 'Kubernetes 403 on the credentials Secret',
        kube: () =>
          injectKube({
            path: '/api/v1/namespaces/pay/secrets/billing-s3',
            status: 403,
          }),
        names: ['KubernetesForbidden', 'SecretForbidden'],
      },
      {
        what: 'Kubernetes 404 on the credentials Secret (deleted)',
        kube: () => removeObject('v1', 'Secret', 'pay', 'billing-s3'),
        names: ['SecretNotFound', 'SecretKeyNotFound'],
      },
      {
        what: 'a dead Kubernetes cluster among healthy ones',
        entity: 'shop-multi',
        affected: 'dead/shop/orders',
        names: ['KubernetesUnreachable'],
      },
    ];
    const removed: any[] = [];
    /** Really deletes an object (re-created after the test): a genuine Kubernetes 404. */
    function removeObject(
      apiVersion: string,
      kind: string,
      namespace: string,
      name: string,
    ) {
      const store = world.standin.store;
      const type = store.typeOf(apiVersion, kind)!;
      const object = store.get(type, namespace, name);
      store.delete(type, namespace, name);
      removed.push(object);
    }
    afterEach(() => {
      for (const object of removed.splice(0)) {
        const { metadata, ...rest } = object;
        world.standin.store.seed({
          ...rest,
          metadata: { name: metadata.name, namespace: metadata.namespace },
        });
      }
    });
    function injectKube(
      fault: Parameters<KubernetesStandinLike['injectFault']>[0],
    ) {
      world.standin.injectFault(fault);
    }
    type KubernetesStandinLike = ReliabilityWorld['standin'];

    /** What is wrong with the affected database's status (empty = as required). */
    function faultProblems(fault: Fault, db: DatabaseStatus): string[] {
      const problems: string[] = [];
      if (fault.names.length === 0) {
        // Benign races the scanner must absorb: the catalog is still right, no S3 error.
        if (db.errors.some(e => e.source === 's3'))
          problems.push(`unexpected S3 errors ${JSON.stringify(db.errors)}`);
        if (!db.catalog) problems.push('no catalog');
      } else {
        if (db.errors.length === 0) problems.push('no error reported');
        else if (!fault.names.includes(db.errors[0].name))
          problems.push(
            `first error ${
              db.errors[0].name
            }, expected one of ${fault.names.join(', ')}`,
          );
        for (const error of db.errors) {
          // Named (not Error/TypeError) and actionable (a real sentence, with its source).
          if (
            !/^[A-Z][A-Za-z0-9]+$/.test(error.name) ||
            ['Error', 'TypeError', 'InternalError'].includes(error.name)
          )
            problems.push(`unnamed error ${error.name}`);
          if (error.message.length <= 15)
            problems.push(`terse message "${error.message}"`);
          if (!['s3', 'kubernetes', 'config'].includes(error.source))
            problems.push(`source ${error.source}`);
        }
        // The card still renders and says something is wrong.
        if (db.health.level === 'ok')
          problems.push('health ok despite the fault');
      }
      if (fault.s3?.length && world.proxy.faulted === 0)
        problems.push('the S3 fault never fired');
      if (fault.what === 'S3 backup.info deleted between list and get') {
        const statuses = (db.catalog?.backups ?? []).map(b => b.status).sort();
        if (JSON.stringify(statuses) !== JSON.stringify(['DONE', 'INCOMPLETE']))
          problems.push(
            `backups ${statuses.join(',')}, expected DONE + INCOMPLETE`,
          );
      }
      if (fault.what === 'S3 a key listed twice across pages') {
        if (world.proxy.faulted !== 2)
          problems.push(`pages served ${world.proxy.faulted}, expected 2`);
        const segments = db.catalog?.wal.timelines[0]?.segmentCount;
        if (segments !== 5)
          problems.push(
            `${segments} WAL segments, expected 5 (the repeated key counted once)`,
          );
      }
      return problems;
    }

    function fullStatusProblems(
      id: string,
      db: DatabaseStatus | undefined,
      backups: number,
    ): string[] {
      if (!db) return [`${id} missing`];
      const problems: string[] = [];
      if (db.errors.length > 0)
        problems.push(`${id} errors ${JSON.stringify(db.errors)}`);
      const done = db.catalog?.backups.filter(b => b.status === 'DONE').length;
      if (done !== backups)
        problems.push(`${id} has ${done} DONE backups, expected ${backups}`);
      if (db.catalog?.scan.complete !== true)
        problems.push(`${id} scan incomplete`);
      return problems;
    }

    it('covers at least 20 distinct faults', () => {
      expect(new Set(FAULTS.map(f => f.what)).size).toBeGreaterThanOrEqual(20);
    });

    it.each(FAULTS.map(f => [f.what, f] as const))(
      '%s',
      async (_what, fault) => {
        if (fault.what === 'S3 a key listed twice across pages') {
          world.proxy.setRules(duplicateKeyPages());
        } else {
          world.proxy.setRules(fault.s3 ?? []);
        }
        fault.kube?.();
        const path = `/entities/component/default/${
          fault.entity ?? 'shop'
        }/status`;
        let res: request.Response;
        if (fault.fresh) {
          const fresh = await startTestBackend({
            features: [
              cnpgBackupsPlugin,
              mockServices.rootConfig.factory({ data: world.config }),
              catalogServiceMock.factory({ entities: world.entities }),
              ...loggerFactories,
            ],
          });
          res = record(
            await request(fresh.server).get(`/api/cnpg-backups${path}`),
          );
          await fresh.stop();
        } else {
          res = await get(path);
        }
        expect(res.status).toBe(200);
        const dbs = byName(res);
        const affectedId = fault.affected ?? 'k8s/pay/billing';
        expect(dbs[affectedId]).toBeDefined();
        expect(faultProblems(fault, dbs[affectedId])).toEqual([]);
        // The OTHER databases keep their full status.
        const others: Array<[string, number]> = [
          ['k8s/shop/orders', 2],
          ['k8s/shop/ledger', 1],
          ['k8s/pay/billing', 2],
        ];
        expect(
          others
            .filter(([id]) => id !== affectedId)
            .flatMap(([id, backups]) =>
              fullStatusProblems(id, dbs[id], backups),
            ),
        ).toEqual([]);
        // The backend survived: the next request is served normally.
        world.proxy.setRules([]);
        world.standin.clearFaults();
        world.standin.store.setCrdInstalled(
          'objectstores.barmancloud.cnpg.io',
          true,
        );
      },
    );

    it('Kubernetes 409 on create → 409 ConflictError (never 500); the status stays complete', async () => {
      injectKube({
        path: '/apis/postgresql.cnpg.io/v1/namespaces/pay/backups',
        method: 'POST',
        status: 409,
      });
      const created = await post('/backups', {
        entityRef: 'component:default/shop',
        kubernetesCluster: 'k8s',
        namespace: 'pay',
        cluster: 'billing',
      });
      expect(created.status).toBe(409);
      expect(created.body.error.name).toBe('ConflictError');
      const res = await get('/entities/component/default/shop/status');
      expect(res.status).toBe(200);
      expectFullStatus(byName(res)['k8s/pay/billing'], 2);
    });

    /**
     * Two pages for billing's first wals/ listing: the second repeats the last key of the first
     * (seen on some S3 implementations when objects change while listing).
     */
    function duplicateKeyPages(): FaultRule[] {
      const page = (keys: string[], truncated: boolean, token?: string) =>
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${BUCKET}</Name><Prefix>pay/billing/wals/</Prefix><KeyCount>${
          keys.length
        }</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>${truncated}</IsTruncated>${
          token ? `<NextContinuationToken>${token}</NextContinuationToken>` : ''
        }${keys
          .map(
            k =>
              `<Contents><Key>${k}</Key><LastModified>2025-06-10T02:00:00.000Z</LastModified><ETag>"x"</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents>`,
          )
          .join('')}</ListBucketResult>`;
      const key = (s: number) =>
        `pay/billing/wals/0000000100000000/0000000100000000000000${String(
          s,
        ).padStart(2, '0')}.gz`;
      const walList = (r: ProxiedRequest) =>
        r.query.get('prefix') === 'pay/billing/wals/' &&
        !r.query.get('delimiter');
      return [
        {
          when: r =>
            walList(r) &&
            !r.query.get('continuation-token') &&
            !r.query.get('start-after'),
          action: {
            type: 'body',
            body: page([key(1), key(2), key(3)], true, 'page-2'),
          },
          times: 1,
        },
        {
          // The scanner continues with the token, or (newer scanners) with StartAfter.
          when: r =>
            walList(r) &&
            (r.query.get('continuation-token') === 'page-2' ||
              !!r.query.get('start-after')),
          action: { type: 'body', body: page([key(3), key(4), key(5)], false) },
          times: 1,
        },
      ];
    }
  });

  describe('authorization: read allowed, create denied', () => {
    let readOnlyServer: any;
    let stopReadOnly: () => Promise<void>;
    beforeAll(async () => {
      const backend = await startTestBackend({
        features: [
          cnpgBackupsPlugin,
          mockServices.rootConfig.factory({ data: world.config }),
          catalogServiceMock.factory({ entities: world.entities }),
          readOnlyPolicy,
          ...loggerFactories,
        ],
      });
      readOnlyServer = backend.server;
      stopReadOnly = () => backend.stop();
    });
    afterAll(async () => {
      await stopReadOnly?.();
    });

    it('serves the status, the database status and server-names', async () => {
      for (const path of [
        '/entities/component/default/shop/status',
        '/databases/k8s/pay/billing/status',
        '/databases/k8s/pay/billing/server-names/billing-v2',
      ]) {
        const res = record(
          await request(readOnlyServer).get(`/api/cnpg-backups${path}`),
        );
        expect(res.status).toBe(200);
      }
    });

    it('refuses POST /backups and POST /databases/:k8s/:ns/clusters with 403 and creates nothing', async () => {
      const before = world.standin.requests.filter(
        r => r.method === 'POST',
      ).length;
      const backup = record(
        await request(readOnlyServer).post('/api/cnpg-backups/backups').send({
          entityRef: 'component:default/shop',
          kubernetesCluster: 'k8s',
          namespace: 'pay',
          cluster: 'billing',
        }),
      );
      expect(backup.status).toBe(403);
      expect(backup.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('cnpg-backups.backup.create'),
      });
      const cluster = record(
        await request(readOnlyServer)
          .post('/api/cnpg-backups/databases/k8s/pay/clusters')
          .send({
            entityRef: 'component:default/billing',
            manifest: {
              apiVersion: 'postgresql.cnpg.io/v1',
              kind: 'Cluster',
              metadata: { name: 'billing-restore' },
              spec: { instances: 1, storage: { size: '1Gi' } },
            },
          }),
      );
      expect(cluster.status).toBe(403);
      expect(cluster.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('cnpg-backups.recovery.create'),
      });
      expect(
        world.standin.requests.filter(r => r.method === 'POST').length,
      ).toBe(before);
    });
  });

  describe('secrets never leave the backend', () => {
    it('error routes answer without secrets too', async () => {
      const responses = await Promise.all([
        get('/databases/k8s/pay/nope/status'),
        get('/databases/unknown/pay/billing/status'),
        get('/databases/k8s/pay/billing/server-names/..%2F..'),
        get('/entities/component/default/missing/status'),
        post('/backups', { entityRef: 'nonsense' }),
        post('/databases/k8s/pay/clusters', { manifest: { kind: 'Secret' } }),
        post('/databases/k8s/pay/clusters', {
          manifest: {
            apiVersion: 'postgresql.cnpg.io/v1',
            kind: 'Cluster',
            metadata: { name: 'billing' },
            spec: { instances: 1, storage: { size: '1Gi' } },
          },
        }),
      ]);
      for (const res of responses) expect(res.status).toBeLessThan(500);
      // Access denied with the Secret's keys: the AWS message must not echo them.
      world.proxy.setRules([
        {
          when: r => (r.query.get('prefix') ?? '').startsWith('pay/billing/'),
          action: {
            type: 'status',
            status: 403,
            code: 'InvalidAccessKeyId',
            message:
              'The AWS Access Key Id you provided does not exist in our records.',
          },
        },
      ]);
      expect(
        (
          await get(
            '/entities/component/default/shop-multi/status?refresh=true',
          )
        ).status,
      ).toBe(200);
    });

    it('no response, log line or error message holds a secret value', () => {
      // Every test above recorded its responses and logs; this one checks them all.
      expect(responseTexts.length).toBeGreaterThan(30);
      expect(logLines.length).toBeGreaterThan(0);
      const everything = [...responseTexts, ...logLines].join('\n');
      for (const secret of [
        ...world.secretValues,
        // base64 forms, as stored in Secrets
        ...world.secretValues.map(s => Buffer.from(s).toString('base64')),
      ]) {
        expect(everything).not.toContain(secret);
      }
      expect(everything).not.toContain('DO-NOT-LEAK');
      expect(everything).not.toContain(SECRETS.token);
    });
  });
});
