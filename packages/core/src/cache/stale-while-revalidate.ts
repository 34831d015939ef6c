/**
 * A read-through cache with the stale-while-revalidate policy (RFC 5861, `Cache-Control:
 * stale-while-revalidate`): a fresh entry is served as is; a stale one is served at once while one
 * background refresh runs; a refresh that fails keeps the stale value until a hard limit. The BFF's
 * response cache (`[services.bff] caching = { ttl_seconds, strategy = "stale-while-revalidate" }`).
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { type Clock, systemClock } from "../runtime/clock.ts";

/** How many times `ttlMs` a stale value may still be served when `staleLimitMs` is not given. */
export const DEFAULT_STALE_LIMIT_FACTOR = 10;

/** Options for {@link StaleWhileRevalidateCache}. */
export interface StaleWhileRevalidateOptions {
  /** How long after it was stored an entry is fresh, in milliseconds (> 0). */
  ttlMs: number;
  /**
   * Hard limit: the age in milliseconds (≥ `ttlMs`) beyond which a stale value is never served and a
   * read waits for a new load. Default `DEFAULT_STALE_LIMIT_FACTOR × ttlMs`. Equal to `ttlMs`: plain TTL.
   */
  staleLimitMs?: number;
  /** Most entries kept; the least recently used goes first. Default 10000. */
  maxEntries?: number;
  /** Default: the system clock. Tests pass a `ManualClock`. */
  clock?: Clock;
  /** Called when a background refresh fails (the stale value stays); default: ignored. */
  onRefreshError?: (key: string, error: unknown) => void;
}

/** Counters since construction. */
export interface StaleWhileRevalidateStats {
  /** Reads answered with a fresh value. */
  fresh: number;
  /** Reads answered with a stale value (each may have started a refresh). */
  stale: number;
  /** Reads that had no servable value and waited for a load. */
  misses: number;
  /** Background refreshes started. */
  refreshes: number;
  /** Background refreshes that failed, keeping the stale value. */
  refreshFailures: number;
  /** Entries dropped to stay within `maxEntries`. */
  evictions: number;
  /** Entries held now, fresh or stale. */
  size: number;
}

interface Entry<V> {
  value: V;
  storedAt: number;
}

function check(valid: boolean, rule: string, value: number): number {
  if (!valid) throw new AllFrameError("configuration", `stale-while-revalidate cache: ${rule}, got ${value}`);
  return value;
}

/**
 * A string-keyed read-through cache. At most one load per key runs at a time (single-flight): misses
 * and refreshes of one key share it. A failed load is never stored.
 *
 * @throws AllFrameError `configuration` (constructor) for `ttlMs` ≤ 0, `staleLimitMs` < `ttlMs` or
 *   `maxEntries` < 1.
 * @example
 * const overview = new StaleWhileRevalidateCache<Overview>({ ttlMs: 60_000 });
 * const answer = await overview.get("overview", () => loadOverview());
 */
export class StaleWhileRevalidateCache<V> {
  readonly #ttlMs: number;
  readonly #staleLimitMs: number;
  readonly #maxEntries: number;
  readonly #clock: Clock;
  readonly #onRefreshError: (key: string, error: unknown) => void;
  // Map iteration order is insertion order; re-inserting on read keeps the least recent first.
  readonly #entries = new Map<string, Entry<V>>();
  readonly #loading = new Map<string, Promise<V>>();
  readonly #stats = { fresh: 0, stale: 0, misses: 0, refreshes: 0, refreshFailures: 0, evictions: 0 };

  constructor(opts: StaleWhileRevalidateOptions) {
    const { ttlMs, staleLimitMs = ttlMs * DEFAULT_STALE_LIMIT_FACTOR, maxEntries = 10_000 } = opts;
    this.#ttlMs = check(ttlMs > 0 && Number.isFinite(ttlMs), "ttlMs must be > 0 milliseconds", ttlMs);
    this.#staleLimitMs = check(staleLimitMs >= ttlMs, "staleLimitMs must be ≥ ttlMs", staleLimitMs);
    this.#maxEntries = check(
      Number.isInteger(maxEntries) && maxEntries >= 1,
      "maxEntries must be an integer ≥ 1",
      maxEntries,
    );
    this.#clock = opts.clock ?? systemClock;
    this.#onRefreshError = opts.onRefreshError ?? (() => {});
  }

  #now(): number {
    return this.#clock.now().getTime();
  }

  /**
   * The value for `key`: fresh → served; stale (older than `ttlMs`, within `staleLimitMs`) → served
   * at once and refreshed in the background unless a load already runs; none or too old → `load()`,
   * stored on success. A miss rejects with whatever `load` throws.
   */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.#entries.get(key);
    const age = entry === undefined ? Number.POSITIVE_INFINITY : this.#now() - entry.storedAt;
    if (entry !== undefined && age < this.#staleLimitMs) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      if (age < this.#ttlMs) {
        this.#stats.fresh += 1;
      } else {
        this.#stats.stale += 1;
        if (!this.#loading.has(key)) this.#refresh(key, load);
      }
      return Promise.resolve(entry.value);
    }
    if (entry !== undefined) this.#entries.delete(key);
    this.#stats.misses += 1;
    return this.#loading.get(key) ?? this.#load(key, load);
  }

  #refresh(key: string, load: () => Promise<V>): void {
    this.#stats.refreshes += 1;
    this.#load(key, load).catch((error: unknown) => {
      this.#stats.refreshFailures += 1;
      this.#onRefreshError(key, error);
    });
  }

  #load(key: string, load: () => Promise<V>): Promise<V> {
    const loading: Promise<V> = Promise.resolve()
      .then(load)
      .then(
        (value) => {
          // Only the load still registered may store: delete() or clear() since then means "outdated".
          if (this.#loading.get(key) === loading) {
            this.#loading.delete(key);
            this.#store(key, value);
          }
          return value;
        },
        (error: unknown) => {
          if (this.#loading.get(key) === loading) this.#loading.delete(key);
          throw error;
        },
      );
    this.#loading.set(key, loading);
    return loading;
  }

  #store(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, storedAt: this.#now() });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
      this.#stats.evictions += 1;
    }
  }

  /** Forgets `key`; a load in progress for it will not be stored. True when an entry was held. */
  delete(key: string): boolean {
    this.#loading.delete(key);
    return this.#entries.delete(key);
  }

  /** Forgets everything; loads in progress will not be stored. */
  clear(): void {
    this.#entries.clear();
    this.#loading.clear();
  }

  /** Read, refresh and eviction counters, and the number of entries held. */
  stats(): StaleWhileRevalidateStats {
    return { ...this.#stats, size: this.#entries.size };
  }
}
