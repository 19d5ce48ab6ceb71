/*
 * The in-process building block of the short-lived caches (statuses, Kubernetes reads, entity
 * responses): a bounded TTL map where concurrent loads of one key share one promise.
 */

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** A bounded, in-process TTL map with single-flight loading. Failures are not stored. */
export class SingleFlightMap<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #inflight = new Map<string, Promise<T>>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(maxEntries: number, now: () => number) {
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  peek(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, ttlMs: number): void {
    this.#entries.delete(key);
    if (ttlMs <= 0) return;
    const now = this.#now();
    this.#entries.set(key, { value, expiresAt: now + ttlMs });
    // Expired entries are otherwise only dropped when read: sweep from the oldest (entries
    // share one TTL, so insertion order is expiry order) until one is still valid.
    for (const [oldKey, entry] of this.#entries) {
      if (entry.expiresAt > now) break;
      this.#entries.delete(oldKey);
    }
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  /**
   * The stored value, or one load at a time per key. A refresh skips the stored value but
   * joins a load already running: it started after the caller asked, so it is as fresh.
   */
  load(
    key: string,
    refresh: boolean,
    compute: () => Promise<{ value: T; ttlMs: number }>,
  ): Promise<T> {
    const inflight = this.#inflight.get(key);
    if (inflight) return inflight;
    if (!refresh) {
      const stored = this.peek(key);
      if (stored !== undefined) return Promise.resolve(stored);
    }
    const generation = this.#generation;
    const promise = compute().then(({ value, ttlMs }) => {
      // An invalidation while loading means the value may predate it: serve it, don't keep it.
      if (generation === this.#generation) this.set(key, value, ttlMs);
      return value;
    });
    this.#inflight.set(key, promise);
    const clear = () => {
      if (this.#inflight.get(key) === promise) this.#inflight.delete(key);
    };
    promise.then(clear, clear);
    return promise;
  }

  #generation = 0;

  deleteWhere(matches: (key: string) => boolean): void {
    this.#generation += 1;
    for (const key of [...this.#entries.keys()]) {
      if (matches(key)) this.#entries.delete(key);
    }
    for (const key of [...this.#inflight.keys()]) {
      if (matches(key)) this.#inflight.delete(key);
    }
  }

  clear(): void {
    this.deleteWhere(() => true);
  }
}
