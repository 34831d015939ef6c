/** @module cache: in-process caching (later: Redis behind the same shape). */
export { TtlCache, type TtlCacheOptions, type TtlCacheStats } from "./ttl-cache.ts";
