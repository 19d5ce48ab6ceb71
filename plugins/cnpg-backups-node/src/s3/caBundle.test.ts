import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createS3Client } from './createS3Client';
import { toS3AccessError } from './errors';
import {
  startS3rver,
  S3rverHarness,
  S3RVER_CREDENTIALS,
} from './__testUtils__/s3rverHarness';

const BUCKET = 'tls-backups';

/** A private CA and a server certificate for 127.0.0.1 it signed, made with the openssl CLI. */
function makeCertificates(dir: string) {
  const run = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=cnpg-test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
    '-out',
    'server.pem',
  );
  return {
    ca: fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'),
    cert: fs.readFileSync(path.join(dir, 'server.pem'), 'utf8'),
    key: fs.readFileSync(path.join(dir, 'server.key'), 'utf8'),
  };
}

describe('createS3Client with a custom CA bundle (endpointCA)', () => {
  let harness: S3rverHarness;
  let tls: https.Server;
  let endpoint: string;
  let ca: string;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-tls-'));
    const certs = makeCertificates(dir);
    ca = certs.ca;
    harness = await startS3rver({ buckets: [BUCKET] });
    await harness.put(
      BUCKET,
      'cnpg/db/wals/0000000100000000/000000010000000000000001.gz',
      'w',
    );
    // A TLS front for s3rver, signed by the private CA: like MinIO with its own CA.
    const upstream = new URL(harness.endpoint);
    tls = https.createServer(
      { cert: certs.cert, key: certs.key },
      (req, res) => {
        const forward = http.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          r => {
            res.writeHead(r.statusCode ?? 500, r.headers);
            r.pipe(res);
          },
        );
        req.pipe(forward);
      },
    );
    await new Promise<void>(resolve => tls.listen(0, '127.0.0.1', resolve));
    endpoint = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  }, 30_000);

  afterAll(async () => {
    tls.closeAllConnections();
    await new Promise<void>(resolve => tls.close(() => resolve()));
    await harness.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const list = (caBundle?: string) => {
    const client = createS3Client({
      endpoint,
      credentials: S3RVER_CREDENTIALS,
      caBundle,
      maxAttempts: 1,
    });
    return client
      .send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'cnpg/' }))
      .finally(() => client.destroy());
  };

  it('trusts the endpoint when given its CA', async () => {
    const page = await list(ca);
    expect(page.Contents?.map(c => c.Key)).toEqual([
      'cnpg/db/wals/0000000100000000/000000010000000000000001.gz',
    ]);
  });

  it('refuses the endpoint without the CA, as S3Unreachable (certificate error)', async () => {
    let caught: unknown;
    try {
      await list();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeDefined();
    const mapped = toS3AccessError(caught, { bucket: BUCKET });
    expect(mapped.name).toBe('S3Unreachable');
    expect(mapped.message).toMatch(/certificate|CERT/i);
  });
});
