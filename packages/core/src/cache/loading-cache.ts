/**
 * Read-through caching over a {@link CacheStore}: a miss loads the entry from the source of truth,
 * stores it for the TTL and answers it (Caffeine's and Guava's `LoadingCache`; "Read-Through" in
 * Microsoft's Caching Guidance). Concurrent misses for one key share one load (single flight, as Go's
 * `singleflight`); a failed load is not cached. Unlike `createReadThroughCache` (in-process, a loader
 * per call, for response caching), the entries live in a store that Redis can share between instances.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { CacheStore } from "./cache-store.ts";

/** Loads one entry from the source of truth; `undefined` when the source has none. */
export type CacheLoader<V> = (key: string) => Promise<V | undefined>;

/** Options for {@link LoadingCache}. */
export interface LoadingCacheOptions<V> {
  readonly store: CacheStore<V>;
  /** Time-to-live of every entry, in milliseconds (> 0). */
  readonly ttlMs: number;
  /** The source of truth; without one, a miss stays a miss (entries come only from `set`). */
  readonly load?: CacheLoader<V>;
}

/** Counters since construction (this instance's, also when the store is shared). */
export interface LoadingCacheStats {
  /** Reads answered from the store. */
  hits: number;
  /** Reads the store could not answer. */
  misses: number;
  /** Loads started (concurrent misses for one key start one). */
  loads: number;
  /** Loads that rejected; nothing was stored for them. */
  loadFailures: number;
}

interface Flight<V> {
  readonly promise: Promise<V | undefined>;
}

/**
 * A read-through cache on a store. `get` answers from the store, else loads from `load` (one load per key at a
 * time; waiters share its result or its error), stores a found entry for `ttlMs`, and answers it.
 * `invalidate`/`invalidateAll` remove entries and make loads in progress not store their (possibly
 * stale) result. With a shared store (Redis), an invalidation on one instance is seen by all; a load
 * already running on another instance may still store the value it read before the invalidation, for
 * at most one TTL.
 *
 * @throws AllFrameError `configuration` (constructor) for `ttlMs` ≤ 0; the store's errors and the
 *   loader's rejections pass through `get` unchanged.
 * @example
 * const products = new LoadingCache<Product>({
 *   store: openCacheStore(process.env.REDIS_URL), ttlMs: 3_600_000,
 *   load: (id) => catalog.find(id),
 * });
 * const product = await products.get("p-1");
 */
export class LoadingCache<V> {
  readonly #store: CacheStore<V>;
  readonly #ttlMs: number;
  readonly #load: CacheLoader<V> | undefined;
  readonly #flights = new Map<string, Flight<V>>();
  readonly #stats: LoadingCacheStats = { hits: 0, misses: 0, loads: 0, loadFailures: 0 };

  constructor(opts: LoadingCacheOptions<V>) {
    if (!(Number.isFinite(opts.ttlMs) && opts.ttlMs > 0)) {
      throw new AllFrameError(
        "configuration",
        `read-through cache ttlMs must be > 0 milliseconds, got ${opts.ttlMs}`,
      );
    }
    this.#store = opts.store;
    this.#ttlMs = opts.ttlMs;
    this.#load = opts.load;
  }

  /** The store's backend name, e.g. `"memory"` or `"redis"`. */
  get kind(): string {
    return this.#store.kind;
  }

  /** The entry for `key`: cached, else loaded and cached; `undefined` when the source has none. */
  async get(key: string): Promise<V | undefined> {
    const cached = await this.#store.get(key);
    if (cached !== undefined) {
      this.#stats.hits += 1;
      return cached;
    }
    this.#stats.misses += 1;
    if (this.#load === undefined) return undefined;
    const running = this.#flights.get(key);
    if (running !== undefined) return running.promise;
    return this.#startLoad(key, this.#load);
  }

  #startLoad(key: string, load: CacheLoader<V>): Promise<V | undefined> {
    this.#stats.loads += 1;
    const flight: { promise: Promise<V | undefined> } = {
      promise: Promise.resolve()
        .then(() => load(key))
        .then(
          async (value) => {
            // Only the flight still registered may store: an invalidation since then means "stale".
            if (this.#flights.get(key) !== flight) return value;
            this.#flights.delete(key);
            if (value !== undefined) await this.#store.set(key, value, this.#ttlMs);
            return value;
          },
          (error: unknown) => {
            if (this.#flights.get(key) === flight) this.#flights.delete(key);
            this.#stats.loadFailures += 1;
            throw error;
          },
        ),
    };
    this.#flights.set(key, flight);
    return flight.promise;
  }

  /** Stores `value` for `key` directly (write-through from the caller), for `ttlMs` or the default. */
  async set(key: string, value: V, ttlMs = this.#ttlMs): Promise<void> {
    this.#flights.delete(key);
    await this.#store.set(key, value, ttlMs);
  }

  /** Removes `key`; a load in progress for it will not store. True when an entry was there. */
  invalidate(key: string): Promise<boolean> {
    this.#flights.delete(key);
    return this.#store.delete(key);
  }

  /** Removes every entry; loads in progress will not store. */
  invalidateAll(): Promise<void> {
    this.#flights.clear();
    return this.#store.clear();
  }

  /** Hit, miss, load and load-failure counters. */
  stats(): LoadingCacheStats {
    return { ...this.#stats };
  }
}
