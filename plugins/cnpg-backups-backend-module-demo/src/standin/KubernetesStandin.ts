/*
 * DEV/TEST ONLY: a stand-in for the Kubernetes API server, serving the CNPG custom resources (validated with the
 * real upstream CRD schemas), core v1 Secrets and Namespaces, and CustomResourceDefinitions, on 127.0.0.1.
 *
 * There is no real Kubernetes on the machines this project is built and tested on (no kube-apiserver, kind or
 * k3s; no Docker), so the backend is tested against this server, whose fidelity is itself checked with the real
 * `kubectl` client (KubernetesStandin.kubectl.test.ts). It follows the real REST conventions:
 * - paths /api/v1/..., /apis/<group>/<version>/[namespaces/<ns>/]<plural>[/<name>[/status]];
 * - legacy discovery and the OpenAPI v3 documents kubectl reads (see discovery.ts);
 * - `Status` failures: 401 (bearer token checked), 403 (configurable RBAC denies), 404 (object, namespace, or
 *   whole resource when its CRD is "not installed"), 409 AlreadyExists/Conflict, 422 Invalid with causes,
 *   400 for strict unknown fields (fieldValidation=Strict, what kubectl create sends);
 * - label and field selectors, list metadata.resourceVersion, per-object uid/resourceVersion/generation/
 *   creationTimestamp, the status subresource, merge and JSON patches.
 * Faults (status codes, delays, hangs, malformed bodies) can be injected per request for tests.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidLabelSelectorError } from './labelSelector';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiV3GroupVersion,
  openApiV3Root,
} from './discovery';
import { apiVersionOf, StandinResourceType } from './resources';
import { FieldValidation, StandinStore } from './StandinStore';
import { KubeStatus, StandinApiError, statusErrors } from './status';
import { toTable, wantsTable } from './table';

/** An RBAC deny rule: requests matching it get 403 Forbidden. */
export type StandinDenyRule = {
  /** Kubernetes verb(s): get, list, create, update, patch, delete. Omitted = every verb. */
  verb?: string | string[];
  /** `plural`, `plural.group`, or with a subresource `plural/status`. */
  resource: string;
  /** Only in this namespace. Omitted = everywhere. */
  namespace?: string;
};

/** A fault injected into matching requests (tests only). */
export type StandinFault = {
  method?: string;
  /** Request path (without query) prefix, or a RegExp tested against path + query. */
  path?: string | RegExp;
  /** Answer with this HTTP status and a `Status` body. */
  status?: number;
  message?: string;
  /** Wait this long before handling the request. */
  delayMs?: number;
  /** Never answer (until stop()). */
  hang?: boolean;
  /** Answer 200 with a truncated, unparseable JSON body. */
  malformedBody?: boolean;
  /** Apply to this many matching requests, then expire. Omitted = forever. */
  times?: number;
};

export type KubernetesStandinOptions = {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Bearer token to accept; random when omitted. */
  token?: string;
  /** User name shown in Forbidden messages. */
  user?: string;
  /** CRDs (`<plural>.<group>`) that start uninstalled, e.g. `objectstores.barmancloud.cnpg.io`. */
  uninstalledCrds?: string[];
  denyRules?: StandinDenyRule[];
  /** Clock for creationTimestamp. */
  now?: () => Date;
  /** Use an existing store (e.g. pre-seeded). */
  store?: StandinStore;
  /**
   * Serve HTTPS with a fresh self-signed certificate for 127.0.0.1 (made with the `openssl` CLI); its PEM is
   * `caPem`. Needed for kubectl and other client-go tools: they never send a bearer token over plain HTTP.
   * Default false (plain HTTP).
   */
  tls?: boolean;
};

/** A self-signed certificate + key for 127.0.0.1/localhost, made with the openssl CLI (dev/test only). */
function selfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cnpg-standin-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '30',
        '-subj',
        '/CN=cnpg-backups-kubernetes-standin',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'pipe' },
    );
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } catch (error) {
    throw new Error(
      `Cannot create a TLS certificate for the Kubernetes stand-in (is the openssl CLI installed?): ${
        (error as Error).message
      }`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;

type ParsedPath =
  | {
      kind: 'resource';
      type: StandinResourceType;
      namespace?: string;
      name?: string;
      subresource?: string;
    }
  | { kind: 'unknown' };

/** Dev/test-only Kubernetes API stand-in. Start with {@link KubernetesStandin.start}. */
export class KubernetesStandin {
  readonly url: string;
  readonly token: string;
  readonly store: StandinStore;
  readonly user: string;
  /** PEM of the self-signed server certificate when started with `tls: true` (use it as the CA). */
  readonly caPem?: string;
  readonly #server: http.Server;
  readonly #denyRules: StandinDenyRule[];
  readonly #faults: Array<StandinFault & { remaining: number }> = [];
  readonly #hanging = new Set<http.ServerResponse>();
  readonly #now: () => Date;
  /** Every request seen (method + path with query), for tests. */
  readonly requests: Array<{ method: string; url: string }> = [];

  static async start(
    options: KubernetesStandinOptions = {},
  ): Promise<KubernetesStandin> {
    const tls = options.tls ? selfSignedCertificate() : undefined;
    const server: http.Server = tls
      ? https.createServer({ cert: tls.cert, key: tls.key })
      : http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new KubernetesStandin(
      server,
      `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
      options,
      tls?.cert,
    );
  }

  private constructor(
    server: http.Server,
    url: string,
    options: KubernetesStandinOptions,
    caPem?: string,
  ) {
    this.#server = server;
    this.url = url;
    this.caPem = caPem;
    this.#now = options.now ?? (() => new Date());
    this.token = options.token ?? `standin-${randomBytes(16).toString('hex')}`;
    this.user = options.user ?? 'system:serviceaccount:backstage:cnpg-backups';
    this.store =
      options.store ??
      new StandinStore({
        now: options.now,
        uninstalledCrds: options.uninstalledCrds,
      });
    this.#denyRules = [...(options.denyRules ?? [])];
    server.on('request', (req, res) => {
      this.#handle(req, res).catch(error => {
        this.#sendStatus(
          res,
          statusErrors.internal(String((error as Error)?.message ?? error))
            .status,
        );
      });
    });
  }

  /** Stops the server and drops every open connection (the port is free when this resolves). */
  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    await new Promise<void>(resolve => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** Adds a deny rule (403 for matching requests); returns a function that removes it. */
  deny(rule: StandinDenyRule): () => void {
    this.#denyRules.push(rule);
    return () => {
      const i = this.#denyRules.indexOf(rule);
      if (i >= 0) this.#denyRules.splice(i, 1);
    };
  }

  /** Injects a fault; returns a function that removes it. */
  injectFault(fault: StandinFault): () => void {
    const entry = {
      ...fault,
      remaining: fault.times ?? Number.POSITIVE_INFINITY,
    };
    this.#faults.push(entry);
    return () => {
      const i = this.#faults.indexOf(entry);
      if (i >= 0) this.#faults.splice(i, 1);
    };
  }

  clearFaults(): void {
    this.#faults.length = 0;
  }

  #sendJson(
    res: http.ServerResponse,
    code: number,
    body: unknown,
    warnings: string[] = [],
  ) {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'audit-id': randomBytes(8).toString('hex'),
      'cache-control': 'no-cache, private',
    };
    if (warnings.length) {
      headers.warning = warnings
        .map(w => `299 - ${JSON.stringify(w)}`)
        .join(', ');
    }
    res.writeHead(code, headers);
    res.end(text);
  }

  #sendStatus(res: http.ServerResponse, status: KubeStatus) {
    this.#sendJson(res, status.code, status);
  }

  #matchFault(method: string, pathname: string, fullUrl: string) {
    return this.#faults.find(f => {
      if (f.remaining <= 0) return false;
      if (f.method && f.method.toUpperCase() !== method) return false;
      if (typeof f.path === 'string' && !pathname.startsWith(f.path))
        return false;
      if (f.path instanceof RegExp && !f.path.test(fullUrl)) return false;
      return true;
    });
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.url);
    const pathname = url.pathname.replace(/\/+$/, '') || '/';
    this.requests.push({ method, url: `${url.pathname}${url.search}` });

    const fault = this.#matchFault(
      method,
      pathname,
      `${url.pathname}${url.search}`,
    );
    if (fault) {
      fault.remaining -= 1;
      if (fault.delayMs) await new Promise(r => setTimeout(r, fault.delayMs));
      if (fault.hang) {
        this.#hanging.add(res);
        res.on('close', () => this.#hanging.delete(res));
        return;
      }
      if (fault.malformedBody) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"kind":"List","items":[{"metadata":');
        return;
      }
      if (fault.status) {
        const reason = fault.status >= 500 ? 'InternalError' : 'BadRequest';
        this.#sendStatus(res, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: fault.message ?? `injected fault ${fault.status}`,
          reason,
          code: fault.status,
        });
        return;
      }
    }

    if (['/healthz', '/readyz', '/livez'].includes(pathname)) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (pathname === '/version') {
      this.#sendJson(res, 200, {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.0-cnpg-backups-standin',
        platform: 'linux/amd64',
      });
      return;
    }

    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${this.token}`) {
      this.#sendStatus(res, statusErrors.unauthorized().status);
      return;
    }

    try {
      const body = await this.#route(req, method, pathname, url.searchParams);
      this.#sendJson(res, body.code, body.body, body.warnings);
    } catch (error) {
      if (error instanceof StandinApiError) {
        this.#sendStatus(res, error.status);
      } else if (error instanceof InvalidLabelSelectorError) {
        this.#sendStatus(res, statusErrors.badRequest(error.message).status);
      } else {
        throw error;
      }
    }
  }

  #parseResourcePath(pathname: string): ParsedPath {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 3) {
      group = '';
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 4) {
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else {
      return { kind: 'unknown' };
    }
    let namespace: string | undefined;
    if (
      rest[0] === 'namespaces' &&
      rest.length >= 3 &&
      !(group === '' && rest.length === 3 && rest[2] === 'status')
    ) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource, ...extra] = rest;
    const type = this.store.findType(group, version, plural);
    if (!type || extra.length > 0) return { kind: 'unknown' };
    if (namespace !== undefined && !type.namespaced) return { kind: 'unknown' };
    if (subresource !== undefined && !type.subresources.includes(subresource))
      return { kind: 'unknown' };
    return { kind: 'resource', type, namespace, name, subresource };
  }

  #checkRbac(
    verb: string,
    type: StandinResourceType,
    namespace?: string,
    name?: string,
    subresource?: string,
  ) {
    const resource = subresource
      ? `${type.plural}/${subresource}`
      : type.plural;
    const denied = this.#denyRules.some(rule => {
      const verbs = rule.verb === undefined ? undefined : [rule.verb].flat();
      if (verbs && !verbs.includes(verb)) return false;
      const [ruleResource, ruleGroup] = splitRuleResource(rule.resource);
      if (ruleResource !== resource) return false;
      if (ruleGroup !== undefined && ruleGroup !== type.group) return false;
      if (rule.namespace !== undefined && rule.namespace !== namespace)
        return false;
      return true;
    });
    if (denied) {
      throw statusErrors.forbidden({
        type,
        verb,
        user: this.user,
        namespace,
        name,
      });
    }
  }

  async #readBody(req: http.IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES)
        throw statusErrors.badRequest('the request body is too large');
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw statusErrors.badRequest(
        `couldn't get version/kind; json parse error: ${
          (error as Error).message
        }`,
      );
    }
  }

  async #route(
    req: http.IncomingMessage,
    method: string,
    pathname: string,
    query: URLSearchParams,
  ): Promise<{ code: number; body: unknown; warnings?: string[] }> {
    const types = this.store.servedTypes();
    if (method === 'GET') {
      const discovery = this.#discovery(pathname, types);
      if (discovery) return { code: 200, body: discovery };
    }
    const parsed = this.#parseResourcePath(pathname);
    if (parsed.kind !== 'resource') throw statusErrors.resourceNotFound();
    const { type, namespace, name, subresource } = parsed;
    const fieldValidation = parseFieldValidation(query.get('fieldValidation'));
    const warnings: string[] = [];
    const contentType = String(
      req.headers['content-type'] ?? 'application/json',
    );
    const table = wantsTable(req.headers.accept);
    // dryRun=All (kubectl --dry-run=server): full admission (pruning, defaulting, validation), nothing stored.
    const dryRunParam = query.get('dryRun');
    if (dryRunParam !== null && dryRunParam !== 'All') {
      throw statusErrors.badRequest(
        `dryRun must be "All" (got "${dryRunParam}")`,
      );
    }
    const dryRun = dryRunParam === 'All';

    if (!name) {
      if (method === 'GET') {
        this.#checkRbac('list', type, namespace);
        const { items, resourceVersion } = this.store.list(type, {
          namespace,
          labelSelector: query.get('labelSelector') ?? undefined,
          fieldSelector: query.get('fieldSelector') ?? undefined,
        });
        return {
          code: 200,
          body: table
            ? toTable(type, items, resourceVersion, this.#now())
            : {
                apiVersion: apiVersionOf(type),
                kind: type.listKind,
                metadata: { resourceVersion },
                items,
              },
        };
      }
      if (method === 'POST') {
        if (type.namespaced && namespace === undefined)
          throw statusErrors.methodNotAllowed();
        this.#checkRbac('create', type, namespace);
        if (!contentType.startsWith('application/json'))
          throw statusErrors.unsupportedMediaType(contentType);
        const body = await this.#readBody(req);
        const created = this.store.create(type, namespace, body, {
          fieldValidation,
          warnings,
          dryRun,
        });
        return { code: 201, body: created, warnings };
      }
      throw statusErrors.methodNotAllowed();
    }

    if (type.namespaced && namespace === undefined)
      throw statusErrors.resourceNotFound();
    const status = subresource === 'status' ? ('status' as const) : undefined;
    switch (method) {
      case 'GET':
        this.#checkRbac('get', type, namespace, name, subresource);
        if (table) {
          const obj = this.store.get(type, namespace, name);
          return {
            code: 200,
            body: toTable(
              type,
              [obj],
              obj.metadata.resourceVersion ?? '',
              this.#now(),
            ),
          };
        }
        return { code: 200, body: this.store.get(type, namespace, name) };
      case 'PUT': {
        this.#checkRbac('update', type, namespace, name, subresource);
        if (!contentType.startsWith('application/json'))
          throw statusErrors.unsupportedMediaType(contentType);
        const body = await this.#readBody(req);
        return {
          code: 200,
          body: this.store.update(type, namespace, name, body, {
            subresource: status,
            fieldValidation,
            warnings,
            dryRun,
          }),
          warnings,
        };
      }
      case 'PATCH': {
        this.#checkRbac('patch', type, namespace, name, subresource);
        const body = await this.#readBody(req);
        return {
          code: 200,
          body: this.store.patch(type, namespace, name, body, contentType, {
            subresource: status,
            fieldValidation,
            warnings,
            dryRun,
          }),
          warnings,
        };
      }
      case 'DELETE':
        if (status) throw statusErrors.methodNotAllowed();
        this.#checkRbac('delete', type, namespace, name);
        return {
          code: 200,
          body: this.store.delete(type, namespace, name, { dryRun }),
        };
      default:
        throw statusErrors.methodNotAllowed();
    }
  }

  #discovery(
    pathname: string,
    types: StandinResourceType[],
  ): unknown | undefined {
    const serverAddress = this.url.replace(/^https?:\/\//, '');
    if (pathname === '/api') return apiVersions(serverAddress);
    if (pathname === '/apis') return apiGroupList(types);
    if (pathname === '/openapi/v3') return openApiV3Root(types);
    let m = /^\/api\/([^/]+)$/.exec(pathname);
    if (m) return apiResourceList('', m[1], types) ?? notFound();
    m = /^\/apis\/([^/]+)$/.exec(pathname);
    if (m) return apiGroup(m[1], types) ?? notFound();
    m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(pathname);
    if (m) return apiResourceList(m[1], m[2], types) ?? notFound();
    m = /^\/openapi\/v3\/api\/([^/]+)$/.exec(pathname);
    if (m) return openApiV3GroupVersion('', m[1], types) ?? notFound();
    m = /^\/openapi\/v3\/apis\/([^/]+)\/([^/]+)$/.exec(pathname);
    if (m) return openApiV3GroupVersion(m[1], m[2], types) ?? notFound();
    return undefined;
  }
}

function notFound(): never {
  throw statusErrors.resourceNotFound();
}

function splitRuleResource(resource: string): [string, string | undefined] {
  // "backups.postgresql.cnpg.io/status" → ["backups/status", "postgresql.cnpg.io"]
  const [main, sub] = resource.split('/');
  const dot = main.indexOf('.');
  const plural = dot === -1 ? main : main.slice(0, dot);
  const group = dot === -1 ? undefined : main.slice(dot + 1);
  return [sub ? `${plural}/${sub}` : plural, group];
}

function parseFieldValidation(
  value: string | null,
): FieldValidation | undefined {
  if (value === null || value === '') return undefined;
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore')
    return value;
  throw statusErrors.badRequest(
    `fieldValidation must be one of Ignore, Warn, Strict (got "${value}")`,
  );
}
