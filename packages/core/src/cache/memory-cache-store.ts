/**
 * The in-process cache store: the embedded default of the `cache` archetype, on `TtlCache`.
 * @module
 */
import type { Clock } from "../runtime/clock.ts";
import { type CacheStore, closedCacheStoreError, serialiseCacheEntry } from "./cache-store.ts";
import { TtlCache } from "./ttl-cache.ts";

/** Options for {@link MemoryCacheStore}. */
export interface MemoryCacheStoreOptions {
  /** Most entries kept; the least recently used goes first. Default 10000. */
  maxEntries?: number;
  /** Default: the system clock. Tests pass a `ManualClock`. */
  clock?: Clock;
}

/**
 * A {@link CacheStore} in this process: entries kept as JSON text (reads return fresh copies, and a
 * value JSON cannot hold fails here as it would in Redis), expiring on the clock, least recently used
 * evicted beyond `maxEntries`. Not shared between instances; lost when the process ends.
 *
 * @throws AllFrameError `configuration` (constructor) for `maxEntries` < 1.
 * @example
 * const store = new MemoryCacheStore<Product>({ maxEntries: 50_000 });
 */
export class MemoryCacheStore<V> implements CacheStore<V> {
  readonly kind = "memory";
  // The TtlCache's own default TTL is never used: every set passes the entry's.
  readonly #entries: TtlCache<string>;
  #closed = false;

  constructor(opts: MemoryCacheStoreOptions = {}) {
    this.#entries = new TtlCache<string>({ ttlMs: 1, maxEntries: opts.maxEntries, clock: opts.clock });
  }

  #open(): void {
    if (this.#closed) throw closedCacheStoreError(this.kind);
  }

  async get(key: string): Promise<V | undefined> {
    this.#open();
    const json = this.#entries.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as V);
  }

  async set(key: string, value: V, ttlMs: number): Promise<void> {
    this.#open();
    this.#entries.set(key, serialiseCacheEntry(key, value, ttlMs), ttlMs);
  }

  async delete(key: string): Promise<boolean> {
    this.#open();
    return this.#entries.delete(key);
  }

  async clear(): Promise<void> {
    this.#open();
    this.#entries.clear();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#entries.clear();
  }
}
