/**
 * @module cache: a TTL cache in process, the `CacheStore` port (memory, Redis) and a read-through
 * `LoadingCache` over it, and response caching policies (TTL, stale-while-revalidate).
 */
export {
  type CachePolicyOptions,
  type CacheStrategy,
  createReadThroughCache,
  type ReadThroughCache,
} from "./cache-policy.ts";
export type { CacheStore } from "./cache-store.ts";
export { type HttpCacheSourceOptions, httpCacheSource } from "./http-cache-source.ts";
export {
  type CacheLoader,
  LoadingCache,
  type LoadingCacheOptions,
  type LoadingCacheStats,
} from "./loading-cache.ts";
export { MemoryCacheStore, type MemoryCacheStoreOptions } from "./memory-cache-store.ts";
export { type OpenCacheStoreOptions, openCacheStore } from "./open-cache-store.ts";
export { RedisCacheStore, type RedisCacheStoreOptions } from "./redis-cache-store.ts";
export {
  DEFAULT_STALE_LIMIT_FACTOR,
  StaleWhileRevalidateCache,
  type StaleWhileRevalidateOptions,
  type StaleWhileRevalidateStats,
} from "./stale-while-revalidate.ts";
export { TtlCache, type TtlCacheOptions, type TtlCacheStats } from "./ttl-cache.ts";
