/**
 * Test harness: an HTTP proxy in front of s3rver that injects faults into matching
 * requests: error statuses, connection resets, hangs and broken XML. Real sockets, so the
 * SDK's real retry, timeout and parsing code runs. Test-only code.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** @public */
export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. `/bucket?list-type=2&prefix=...`. */
  url: string;
  /** Decoded query parameters. */
  query: URLSearchParams;
}

/** @public */
export type FaultAction =
  | { type: 'status'; status: number; code: string; message?: string }
  | { type: 'reset' }
  | { type: 'hang' }
  /** Forward to s3rver but cut the response body after `bytes` bytes (valid headers). */
  | { type: 'truncate'; bytes: number }
  /** Answer 200 with this body instead (content type `application/xml` unless given). */
  | { type: 'body'; body: string; contentType?: string };

/** @public */
export interface FaultRule {
  when: (request: ProxiedRequest) => boolean;
  action: FaultAction;
  /** How many matching requests to fault; default: all. */
  times?: number;
}

/** @public */
export interface FaultProxy {
  endpoint: string;
  /** Every request seen (method + url), faulted or not. */
  log: ProxiedRequest[];
  faulted: number;
  setRules(rules: FaultRule[]): void;
  close(): Promise<void>;
}

function errorXml(code: string, message: string) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
}

/** @public */
export async function startFaultProxy(options: {
  upstreamPort: number;
}): Promise<FaultProxy> {
  let rules: Array<FaultRule & { remaining: number }> = [];
  const log: ProxiedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const state = { faulted: 0 };

  const forward = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    transform?: (
      status: number,
      body: Buffer,
    ) => { status: number; body: Buffer },
  ) => {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: options.upstreamPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      upstreamRes => {
        if (!transform) {
          res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers);
          upstreamRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upstreamRes.on('data', c => chunks.push(c));
        upstreamRes.on('end', () => {
          const out = transform(
            upstreamRes.statusCode ?? 500,
            Buffer.concat(chunks),
          );
          const headers = { ...upstreamRes.headers };
          delete headers['content-length'];
          delete headers['transfer-encoding'];
          res.writeHead(out.status, {
            ...headers,
            'content-length': out.body.length,
          });
          res.end(out.body);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const request: ProxiedRequest = {
      method: req.method ?? 'GET',
      url,
      query: new URL(url, 'http://proxy').searchParams,
    };
    log.push(request);
    const rule = rules.find(r => r.remaining > 0 && r.when(request));
    if (!rule) {
      forward(req, res);
      return;
    }
    rule.remaining -= 1;
    state.faulted += 1;
    const action = rule.action;
    switch (action.type) {
      case 'status': {
        const body = errorXml(action.code, action.message ?? action.code);
        req.resume();
        res.writeHead(action.status, {
          'content-type': 'application/xml',
          'content-length': Buffer.byteLength(body),
        });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        // Never answer; the client's timeout must fire.
        req.resume();
        return;
      case 'body':
        req.resume();
        res.writeHead(200, {
          'content-type': action.contentType ?? 'application/xml',
          'content-length': Buffer.byteLength(action.body),
        });
        res.end(action.body);
        return;
      case 'truncate':
        forward(req, res, (status, body) => ({
          status,
          body: body.subarray(0, action.bytes),
        }));
        return;
      default:
        res.destroy();
    }
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    get faulted() {
      return state.faulted;
    },
    setRules(next) {
      rules = next.map(r => ({ ...r, remaining: r.times ?? Infinity }));
      state.faulted = 0;
      log.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
