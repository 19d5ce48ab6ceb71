/*
 * DEMO ONLY: starts a complete, self-contained demo environment on 127.0.0.1 —
 * - the Kubernetes API stand-in (./standin) seeded with the demo databases' CNPG objects and Secrets;
 * - an in-process s3rver holding their Barman Cloud archives (written straight into s3rver's on-disk store so
 *   LastModified dates lie in the past: see s3/S3rverDiskWriter.ts);
 * - the simulated operator that completes new Backup CRs (DemoOperator.ts).
 *
 * Endpoint mapping: the CRs keep their real-looking S3 endpoints (RustFS, R2, Hetzner, MinIO, or none = AWS)
 * because that is what the product must read and show. The demo returns `s3.endpointOverrides`, a map from
 * each declared endpoint (the key 'aws' stands for "no endpointURL") to the local s3rver URL; the backend's S3
 * client factory uses it (config `cnpgBackups.demo`) to send requests for those endpoints to s3rver with
 * path-style addressing. The access keys stored in the demo Secrets are registered with s3rver, so the real
 * Secret → credentials path works; `s3.credentials` (S3RVER/S3RVER) is accepted as well.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DemoOperator } from './DemoOperator';
import { DemoClock, offsetClock } from './clock';
import {
  buildDemoDatabases,
  buildUnownedDemoObjects,
  DemoDatabase,
} from './scenarios';
import { S3rverDiskWriter } from './s3/S3rverDiskWriter';
import { KubernetesStandin } from './standin';

type Logger = {
  info(message: string, meta?: object): void;
  warn(message: string, meta?: object): void;
};

type S3rverInstance = {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
};
type S3rverConstructor = new (
  options: Record<string, unknown>,
) => S3rverInstance;
type S3rverAccount = {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  revokeAccessKey(accessKeyId: string): void;
};

// s3rver ships no type definitions.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver: S3rverConstructor = require('s3rver');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as {
  DUMMY_ACCOUNT: S3rverAccount;
};

// s3rver keeps access keys in one process-wide registry: count registrations so that stopping one demo
// environment does not revoke the keys of another one still running (tests start several).
const keyRegistrations = new Map<string, number>();

function registerKey(accessKeyId: string, secretAccessKey: string) {
  const count = keyRegistrations.get(accessKeyId) ?? 0;
  if (count === 0) DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
  keyRegistrations.set(accessKeyId, count + 1);
}

function unregisterKey(accessKeyId: string) {
  const count = keyRegistrations.get(accessKeyId) ?? 0;
  if (count <= 1) {
    keyRegistrations.delete(accessKeyId);
    DUMMY_ACCOUNT.revokeAccessKey(accessKeyId);
  } else {
    keyRegistrations.set(accessKeyId, count - 1);
  }
}

export type DemoEnvironmentOptions = {
  logger: Logger;
  /** Port of the Kubernetes stand-in (default: a free port). */
  kubernetesPort?: number;
  /** Port of s3rver (default: a free port). */
  s3Port?: number;
  /**
   * "Now" the demo data is dated against (default: the current time); the demo clock starts there and
   * advances in real time. The backend reads it from CNPG_DEMO_NOW (attachDemoEnvironment.ts).
   */
  now?: Date;
  /** Serve the Kubernetes stand-in over HTTPS (self-signed; see `kubernetes.caPem`), e.g. for kubectl. */
  kubernetesTls?: boolean;
  /** Delays of the simulated operator (default 1 s to start, 4 s more to complete). */
  operatorDelays?: { startMs?: number; completeMs?: number };
  /** Archive one more WAL per healthy database this often (default 5 min; 0 = off). */
  liveWalIntervalMs?: number;
  /**
   * Parent directory of s3rver's data directory. Default: /dev/shm when writable (tmpfs: seeding ~10k small
   * files on the build machines' disks takes over a minute, on tmpfs about two seconds), else the OS temp dir.
   */
  dataParentDirectory?: string;
};

function defaultDataParent(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

/** A running demo environment. */
export type DemoEnvironment = {
  kubernetes: { url: string; token: string; name: 'demo'; caPem?: string };
  s3: {
    /** The local s3rver URL. */
    endpoint: string;
    bucketNames: string[];
    region: string;
    forcePathStyle: true;
    /** Credentials s3rver accepts (the demo Secrets' own keys work too). */
    credentials: { accessKeyId: string; secretAccessKey: string };
    /** Declared endpoint (or 'aws' for none) → local s3rver URL. */
    endpointOverrides: Record<string, string>;
  };
  /** What was seeded, for tests and the console banner. */
  databases: Array<
    Pick<
      DemoDatabase,
      'entity' | 'namespace' | 'clusterName' | 'declaredEndpoint'
    > & { serverNames: string[] }
  >;
  /** The stand-in (tests: faults, RBAC denies, store access). */
  standin: KubernetesStandin;
  /** The s3rver data directory. */
  s3Directory: string;
  /** The demo clock (starts at `options.now`, advances in real time): the backend's status uses it too. */
  now: DemoClock;
  /** Runs every pending step of the simulated operator now. */
  advanceOperator(): Promise<void>;
  stop(): Promise<void>;
};

/** Starts the demo environment (see file comment). Stop it with `stop()`; it frees both ports. */
export async function startDemoEnvironment(
  options: DemoEnvironmentOptions,
): Promise<DemoEnvironment> {
  const started = Date.now();
  // The demo's one clock: runs forward from `now` at wall-clock speed (see clock.ts).
  const demoNow = offsetClock(options.now);
  const baseNow = demoNow();
  const directory = fs.mkdtempSync(
    path.join(
      options.dataParentDirectory ?? defaultDataParent(),
      'cnpg-demo-s3-',
    ),
  );
  const writer = new S3rverDiskWriter(directory);
  const databases = buildDemoDatabases({ now: baseNow, writer });

  const registeredKeys: string[] = [];
  for (const db of databases) {
    registerKey(db.credentials.accessKeyId, db.credentials.secretAccessKey);
    registeredKeys.push(db.credentials.accessKeyId);
  }

  let standin: KubernetesStandin | undefined;
  let s3: S3rverInstance | undefined;
  let operator: DemoOperator | undefined;
  const cleanup = async () => {
    operator?.stop();
    await standin?.stop().catch(() => undefined);
    await s3?.close().catch(() => undefined);
    registeredKeys.splice(0).forEach(unregisterKey);
    fs.rmSync(directory, { recursive: true, force: true });
  };

  try {
    standin = await KubernetesStandin.start({
      port: options.kubernetesPort,
      tls: options.kubernetesTls,
      now: demoNow,
      user: 'system:serviceaccount:backstage:cnpg-backups',
    });
    for (const db of databases) {
      for (const obj of db.objects) standin.store.seed(obj);
    }
    // A Cluster no entity claims: the fleet page's "unowned" row.
    for (const obj of buildUnownedDemoObjects({ now: baseNow }))
      standin.store.seed(obj);
    s3 = new S3rver({
      port: options.s3Port ?? 0,
      address: '127.0.0.1',
      silent: true,
      directory,
      configureBuckets: [],
    });
    const { port } = await s3.run();
    const endpoint = `http://127.0.0.1:${port}`;
    operator = new DemoOperator({
      store: standin.store,
      databases,
      writer,
      logger: options.logger,
      now: demoNow,
      startDelayMs: options.operatorDelays?.startMs,
      completeDelayMs: options.operatorDelays?.completeMs,
      walIntervalMs: options.liveWalIntervalMs,
    });
    operator.start();

    const bucketNames = [
      ...new Set(databases.flatMap(d => d.archives.map(a => a.bucket))),
    ].sort();
    const endpointOverrides = Object.fromEntries(
      databases.map(d => [d.declaredEndpoint, endpoint]),
    );
    options.logger.info(
      `CNPG Backups demo environment: Kubernetes stand-in ${
        standin.url
      }, S3 ${endpoint} (${writer.objectCount} archive objects in ${
        bucketNames.length
      } buckets, seeded in ${Date.now() - started} ms)`,
    );
    const running = standin;
    const runningOperator = operator;
    return {
      kubernetes: {
        url: running.url,
        token: running.token,
        name: 'demo',
        ...(running.caPem ? { caPem: running.caPem } : {}),
      },
      s3: {
        endpoint,
        bucketNames,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        endpointOverrides,
      },
      databases: databases.map(d => ({
        entity: d.entity,
        namespace: d.namespace,
        clusterName: d.clusterName,
        declaredEndpoint: d.declaredEndpoint,
        serverNames: d.archives.map(a => a.serverName),
      })),
      standin: running,
      s3Directory: directory,
      now: demoNow,
      advanceOperator: () => runningOperator.advance(),
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
