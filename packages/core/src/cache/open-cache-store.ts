/**
 * Picks the cache store from `REDIS_URL`, so one generated cache service runs in memory in tests and
 * `npm run dev`, and on Redis, shared by every instance, in production.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import type { Clock } from "../runtime/clock.ts";
import type { CacheStore } from "./cache-store.ts";
import { MemoryCacheStore } from "./memory-cache-store.ts";
import { RedisCacheStore } from "./redis-cache-store.ts";

/** Options for {@link openCacheStore}. */
export interface OpenCacheStoreOptions {
  /** Redis key prefix, e.g. the service name; default `"allframe:cache"`. */
  keyPrefix?: string;
  /** Memory store capacity; default 10000. */
  maxEntries?: number;
  /** Time source for expiry; default the system clock. */
  clock?: Clock;
  /** Variable named in error messages; default `"REDIS_URL"`. */
  envVar?: string;
}

/**
 * Opens the store `url` names:
 * - `undefined`, `""` or `memory:` → {@link MemoryCacheStore};
 * - `redis://` / `rediss://` → {@link RedisCacheStore} (connects on first use).
 *
 * @throws AllFrameError `configuration` for any other scheme; the message names the variable and never
 *   echoes the URL (it may hold a password).
 * @example
 * const store = openCacheStore<Product>(process.env.REDIS_URL, { keyPrefix: "product-cache" });
 */
export function openCacheStore<V>(url: string | undefined, opts: OpenCacheStoreOptions = {}): CacheStore<V> {
  const value = url?.trim() ?? "";
  if (value === "" || value.toLowerCase() === "memory:") {
    return new MemoryCacheStore<V>({ maxEntries: opts.maxEntries, clock: opts.clock });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === "redis" || scheme === "rediss") {
    return new RedisCacheStore<V>({ url: value, keyPrefix: opts.keyPrefix, clock: opts.clock });
  }
  const shown = scheme === undefined ? "has no scheme" : `has scheme "${scheme}:", which is not supported`;
  throw new AllFrameError(
    "configuration",
    `${opts.envVar ?? "REDIS_URL"} ${shown} for the cache store; set it to redis://host:6379 (or rediss://), or unset it for the in-process cache`,
  );
}
