/**
 * The cache store port: string keys, JSON values, a time-to-live per entry. The `cache` archetype and
 * `ReadThroughCache` sit on it; memory (`MemoryCacheStore`) is the embedded default, Redis
 * (`RedisCacheStore`) shares the entries between instances (DESIGN.md: "Embedded defaults and real
 * engines").
 * @module
 */
import { AllFrameError, isAllFrameError } from "../errors/allframe-error.ts";

/** The cache store port; implementations pass `runCacheStoreContract` (`cache-store.contract.ts`). */
export interface CacheStore<V> {
  /** Backend name: `"memory"`, `"redis"`. */
  readonly kind: string;
  /** A copy of the live value for `key`, or `undefined` (never stored, expired, deleted). */
  get(key: string): Promise<V | undefined>;
  /**
   * Stores `value` (JSON-serialisable) for `ttlMs` milliseconds, replacing any entry.
   * @throws AllFrameError `validation` for `ttlMs` that is not a positive number or a value JSON cannot hold.
   */
  set(key: string, value: V, ttlMs: number): Promise<void>;
  /** Removes `key`; true when an entry was there. */
  delete(key: string): Promise<boolean>;
  /** Removes every entry of this store (only this store's, when the backend is shared). */
  clear(): Promise<void>;
  /** Releases connections; later calls fail with AllFrameError `unavailable`. Idempotent. */
  close(): Promise<void>;
}

/**
 * Checks a time-to-live and serialises a value for storage.
 * @throws AllFrameError `validation` for `ttlMs` ≤ 0 (or not finite) or a value JSON cannot hold.
 */
export function serialiseCacheEntry(key: string, value: unknown, ttlMs: number): string {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new AllFrameError(
      "validation",
      `cache entry "${key}": ttlMs must be > 0 milliseconds, got ${ttlMs}`,
    );
  }
  const json = (() => {
    try {
      return JSON.stringify(value);
    } catch (cause) {
      throw new AllFrameError("validation", `cache entry "${key}" cannot be serialised to JSON`, { cause });
    }
  })();
  if (json === undefined) {
    throw new AllFrameError("validation", `cache entry "${key}" has no JSON form (undefined or a function)`);
  }
  return json;
}

/** The error for any call on a closed store. */
export function closedCacheStoreError(kind: string): AllFrameError {
  return new AllFrameError("unavailable", `${kind} cache store is closed`);
}

/**
 * Converts a backend failure at the store boundary: AllFrame errors pass through, anything else becomes
 * `unavailable` naming the store and the operation, keeping the original as `cause`.
 */
export function cacheStoreFailure(kind: string, operation: string, cause: unknown): AllFrameError {
  if (isAllFrameError(cause)) return cause;
  return new AllFrameError(
    "unavailable",
    `${kind} cache store: ${operation} failed: ${(cause as Error).message}`,
    {
      cause,
    },
  );
}
