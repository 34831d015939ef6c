/**
 * The response-caching policies an architecture can name (`caching = { ttl_seconds, strategy }` in
 * `[services.bff]`), behind one read-through shape, so a service picks its policy from config alone.
 * @module
 */
import type { Clock } from "../runtime/clock.ts";
import { StaleWhileRevalidateCache } from "./stale-while-revalidate.ts";

/**
 * `stale-while-revalidate`: serve a stale value at once while one background refresh runs (RFC 5861);
 * `ttl`: serve only fresh values, load otherwise; `none`: always load.
 */
export type CacheStrategy = "stale-while-revalidate" | "ttl" | "none";

/** A cache that loads what it does not hold (single-flight per key for the caching strategies). */
export interface ReadThroughCache<V> {
  /** The cached value for `key`, or `load()`'s; rejects with `load`'s error when nothing servable is held. */
  get(key: string, load: () => Promise<V>): Promise<V>;
  /** Forgets `key`; true when something was held. */
  delete(key: string): boolean;
  /** Forgets everything. */
  clear(): void;
}

/** Options for {@link createReadThroughCache}. */
export interface CachePolicyOptions {
  readonly strategy: CacheStrategy;
  /** Freshness in milliseconds (> 0); ignored by `none`. */
  readonly ttlMs: number;
  /** `stale-while-revalidate` only: age in milliseconds beyond which a stale value is not served. */
  readonly staleLimitMs?: number;
  /** Most entries kept (LRU); default 10000. */
  readonly maxEntries?: number;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** `stale-while-revalidate` only: a background refresh failed (the stale value stays). */
  readonly onRefreshError?: (key: string, error: unknown) => void;
}

const PASS_THROUGH: ReadThroughCache<never> = {
  get: (_key, load) => load(),
  delete: () => false,
  clear: () => {},
};

/**
 * The read-through cache for a strategy: a {@link StaleWhileRevalidateCache} (with its hard limit
 * equal to `ttlMs` for `ttl`), or a pass-through for `none`.
 * @throws AllFrameError `configuration` for `ttlMs` ≤ 0 (caching strategies) or `staleLimitMs` < `ttlMs`.
 * @example
 * const cache = createReadThroughCache<Overview>({ strategy: "stale-while-revalidate", ttlMs: 60_000 });
 */
export function createReadThroughCache<V>(options: CachePolicyOptions): ReadThroughCache<V> {
  if (options.strategy === "none") return PASS_THROUGH as ReadThroughCache<V>;
  const staleLimitMs = options.strategy === "ttl" ? options.ttlMs : options.staleLimitMs;
  return new StaleWhileRevalidateCache<V>({ ...options, staleLimitMs });
}
