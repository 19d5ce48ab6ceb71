/*
 * Drives bench/lib/loadWorker.cjs (HTTP clients in a worker thread, real sockets, keep-alive).
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** One batch of GET requests. */
export interface LoadJob {
  baseUrl: string;
  /** One path per request, in the order clients take them. */
  paths: string[];
  /** Clients running at once (= keep-alive connections). */
  concurrency: number;
  headers?: Record<string, string>;
  /** Parse 200 bodies as EntityBackupStatusResponse and count their SourceErrors. */
  inspect?: boolean;
}

/** What one batch measured. */
export interface LoadResult {
  latenciesMs: number[];
  statuses: Record<string, number>;
  networkErrors: number;
  sourceErrors: number;
  /** First few failures (HTTP status + body start, network error, SourceError), for the log. */
  examples: string[];
  elapsedMs: number;
  bytes: number;
}

/** A worker thread that runs {@link LoadJob}s one at a time. */
export class LoadGenerator {
  readonly #worker: Worker;
  #nextId = 0;
  readonly #pending = new Map<
    number,
    { resolve: (r: LoadResult) => void; reject: (e: Error) => void }
  >();

  constructor() {
    this.#worker = new Worker(join(__dirname, 'loadWorker.cjs'));
    this.#worker.on('message', message => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.failure) pending.reject(new Error(message.failure));
      else pending.resolve(message as LoadResult);
    });
    this.#worker.on('error', (error: Error) => {
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
    });
  }

  run(job: LoadJob): Promise<LoadResult> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...job });
    });
  }

  async close(): Promise<void> {
    this.#worker.postMessage({ type: 'close' });
    await new Promise(resolve => this.#worker.once('exit', resolve));
  }
}

/** Requests that did not return 200 (any status) or failed on the network. */
export function failedRequests(result: LoadResult): number {
  const non200 = Object.entries(result.statuses)
    .filter(([status]) => status !== '200')
    .reduce((sum, [, n]) => sum + n, 0);
  return non200 + result.networkErrors;
}
