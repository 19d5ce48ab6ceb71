/*
 * HTTP load generator for bench/backend.ts, run in a worker thread so the clients' CPU work (timing, reading
 * bodies) does not share the event loop of the backend under test. Plain CommonJS: worker threads do not get
 * the TypeScript transform of the main thread.
 *
 * Each job: { id, baseUrl, paths, concurrency, headers, inspect }. `concurrency` clients each take the next
 * path until all are done, over one keep-alive undici pool with `concurrency` connections (real sockets).
 * Reply: { id, latenciesMs, statuses, networkErrors, sourceErrors, elapsedMs, bytes }.
 */
const { parentPort } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { Agent, request } = require('undici');

const agents = new Map();
function agentFor(baseUrl, connections) {
  const key = `${baseUrl} ${connections}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 60_000 });
    agents.set(key, agent);
  }
  return agent;
}

/** SourceErrors in an EntityBackupStatusResponse: entity-level plus per-database. */
function countSourceErrors(body, examples) {
  let count = 0;
  const note = e => {
    count += 1;
    if (examples.length < 5)
      examples.push(
        `${e.source ?? '?'}:${e.name ?? '?'} ${e.message ?? ''}`.slice(0, 200),
      );
  };
  for (const e of body.errors ?? []) note(e);
  for (const db of body.databases ?? [])
    for (const e of db.errors ?? []) note(e);
  return count;
}

async function run(job) {
  const dispatcher = agentFor(job.baseUrl, job.concurrency);
  const latenciesMs = new Array(job.paths.length);
  const statuses = {};
  const examples = [];
  let networkErrors = 0;
  let sourceErrors = 0;
  let bytes = 0;
  let next = 0;
  const started = performance.now();
  const client = async () => {
    for (;;) {
      const index = next++;
      if (index >= job.paths.length) return;
      const t0 = performance.now();
      try {
        const res = await request(`${job.baseUrl}${job.paths[index]}`, {
          method: 'GET',
          headers: job.headers,
          dispatcher,
        });
        const text = await res.body.text();
        latenciesMs[index] = performance.now() - t0;
        bytes += text.length;
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode !== 200 && examples.length < 5)
          examples.push(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
        if (job.inspect && res.statusCode === 200)
          sourceErrors += countSourceErrors(JSON.parse(text), examples);
      } catch (error) {
        latenciesMs[index] = performance.now() - t0;
        networkErrors += 1;
        if (examples.length < 5) examples.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, client));
  return {
    id: job.id,
    latenciesMs,
    statuses,
    networkErrors,
    sourceErrors,
    examples,
    elapsedMs: performance.now() - started,
    bytes,
  };
}

parentPort.on('message', async message => {
  if (message.type === 'close') {
    await Promise.all([...agents.values()].map(a => a.close()));
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage(await run(message));
  } catch (error) {
    parentPort.postMessage({
      id: message.id,
      failure: String(error && error.stack ? error.stack : error),
    });
  }
});
