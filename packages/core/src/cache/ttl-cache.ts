/**
 * An in-process cache with per-entry time-to-live and least-recently-used eviction: the embedded
 * default behind the `cache` archetype and read-through caching in services.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { type Clock, systemClock } from "../runtime/clock.ts";

/** Options for {@link TtlCache}. */
export interface TtlCacheOptions {
  /** Default time-to-live of an entry, in milliseconds (> 0). */
  ttlMs: number;
  /** Most entries kept; the least recently used goes first. Default 10000. */
  maxEntries?: number;
  /** Default: the system clock. Tests pass a `ManualClock`. */
  clock?: Clock;
}

/** Counters since construction. */
export interface TtlCacheStats {
  /** Reads (`get`, `getOrLoad`) answered from the cache. */
  hits: number;
  /** Reads that found nothing live. */
  misses: number;
  /** Entries dropped to stay within `maxEntries`. */
  evictions: number;
  /** Live entries now. */
  size: number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

function checkTtl(ttlMs: number): void {
  if (!(ttlMs > 0))
    throw new AllFrameError("configuration", `cache ttlMs must be > 0 milliseconds, got ${ttlMs}`);
}

/**
 * A string-keyed cache. An entry expires `ttlMs` after it was set; reading does not extend it.
 * Concurrent `getOrLoad` misses for one key share a single load.
 *
 * @throws AllFrameError `configuration` (constructor, `set`) for `ttlMs` ≤ 0 or `maxEntries` < 1.
 * @example
 * const prices = new TtlCache<number>({ ttlMs: 30_000, maxEntries: 1000 });
 * const price = await prices.getOrLoad(sku, () => catalog.price(sku));
 */
export class TtlCache<V> {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #clock: Clock;
  // Map iteration order is insertion order; re-inserting on read keeps the least recent first.
  readonly #entries = new Map<string, Entry<V>>();
  readonly #loading = new Map<string, Promise<V>>();
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(opts: TtlCacheOptions) {
    checkTtl(opts.ttlMs);
    const maxEntries = opts.maxEntries ?? 10_000;
    if (!(Number.isInteger(maxEntries) && maxEntries >= 1)) {
      throw new AllFrameError("configuration", `cache maxEntries must be an integer ≥ 1, got ${maxEntries}`);
    }
    this.#ttlMs = opts.ttlMs;
    this.#maxEntries = maxEntries;
    this.#clock = opts.clock ?? systemClock;
  }

  #now(): number {
    return this.#clock.now().getTime();
  }

  #live(key: string): Entry<V> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  /** The live value for `key` (marking it recently used), or `undefined`. Counts a hit or a miss. */
  get(key: string): V | undefined {
    const entry = this.#live(key);
    if (entry === undefined) this.#misses += 1;
    else this.#hits += 1;
    return entry?.value;
  }

  /** Stores `value` for `ttlMs` (default the cache's), evicting the least recently used beyond `maxEntries`. */
  set(key: string, value: V, ttlMs = this.#ttlMs): void {
    checkTtl(ttlMs);
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
    if (this.#entries.size <= this.#maxEntries) return;
    this.prune();
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
      this.#evictions += 1;
    }
  }

  /** Removes `key`; a load in progress for it will not be stored. True when a live entry was removed. */
  delete(key: string): boolean {
    this.#loading.delete(key);
    const live = this.#live(key) !== undefined;
    this.#entries.delete(key);
    return live;
  }

  /** Removes everything; loads in progress will not be stored. */
  clear(): void {
    this.#entries.clear();
    this.#loading.clear();
  }

  /**
   * The live value, or the result of `loader()`, which is then stored. While a load for `key` runs,
   * other misses for it wait for the same load. A rejected load is not stored and rejects every waiter.
   */
  getOrLoad(key: string, loader: () => Promise<V>): Promise<V> {
    const entry = this.#live(key);
    if (entry !== undefined) {
      this.#hits += 1;
      return Promise.resolve(entry.value);
    }
    this.#misses += 1;
    const pending = this.#loading.get(key);
    if (pending !== undefined) return pending;
    const load = Promise.resolve()
      .then(loader)
      .then(
        (value) => {
          // Only the load still registered may store: delete() or clear() since then means "stale".
          if (this.#loading.get(key) === load) {
            this.#loading.delete(key);
            this.set(key, value);
          }
          return value;
        },
        (error: unknown) => {
          if (this.#loading.get(key) === load) this.#loading.delete(key);
          throw error;
        },
      );
    this.#loading.set(key, load);
    return load;
  }

  /** Drops every expired entry now; returns how many. (Expired entries are otherwise dropped when touched.) */
  prune(): number {
    const now = this.#now();
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Live entries (expired ones are pruned first, so this is O(n)). */
  get size(): number {
    this.prune();
    return this.#entries.size;
  }

  /** Hit, miss and eviction counters, and the live size. */
  stats(): TtlCacheStats {
    return { hits: this.#hits, misses: this.#misses, evictions: this.#evictions, size: this.size };
  }
}
