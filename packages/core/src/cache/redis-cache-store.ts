/**
 * The Redis cache store: one string key per entry with Redis expiry (`SET … PX`), so every instance
 * of a service reads, writes and invalidates the same entries. Selected by `REDIS_URL`; uses the
 * official client (node-redis).
 * @module
 */
import { RedisConnection } from "../persistence/redis-connection.ts";
import { type Clock, systemClock } from "../runtime/clock.ts";
import {
  type CacheStore,
  cacheStoreFailure,
  closedCacheStoreError,
  serialiseCacheEntry,
} from "./cache-store.ts";

/** Options for {@link RedisCacheStore}. */
export interface RedisCacheStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`; never echoed in errors. */
  url: string;
  /** Prefix of every key, e.g. the service name; default `"allframe:cache"`. */
  keyPrefix?: string;
  /**
   * Time source for expiry. Entries carry `PX ttlMs` in real milliseconds, so Redis drops them on its
   * own; each also records its `expiresAt` on this clock and reads treat it as gone once the clock
   * passes it, which lets tests run on fake time. Default the system clock.
   */
  clock?: Clock;
  /** Upper bound for connecting, in milliseconds; default 5000. */
  connectTimeoutMs?: number;
}

/**
 * A {@link CacheStore} in Redis. Key `<prefix>:<key>` holds `{"v": value, "e": expiresAtMs}` as JSON
 * with `PX ttlMs`; `clear()` removes `<prefix>:*` with `SCAN` + `UNLINK` (never `FLUSHDB`, the server
 * may be shared). Connects on first use; a dropped connection is retried in the background while
 * calls fail fast.
 *
 * @throws AllFrameError `unavailable` when Redis cannot be reached or a command fails, and after
 *   `close()`; `validation` from `set` as the port says.
 * @example
 * const store = new RedisCacheStore<Product>({ url: process.env.REDIS_URL!, keyPrefix: "product-cache" });
 */
export class RedisCacheStore<V> implements CacheStore<V> {
  readonly kind = "redis";
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #clock: Clock;

  constructor(opts: RedisCacheStoreOptions) {
    this.#prefix = opts.keyPrefix ?? "allframe:cache";
    this.#clock = opts.clock ?? systemClock;
    this.#redis = new RedisConnection({
      url: opts.url,
      connectTimeoutMs: opts.connectTimeoutMs,
      closedError: () => closedCacheStoreError(this.kind),
      failure: (operation, cause) => cacheStoreFailure(this.kind, operation, cause),
    });
  }

  #key(key: string): string {
    return `${this.#prefix}:${key}`;
  }

  async get(key: string): Promise<V | undefined> {
    const json = await this.#redis.run("get", (client) => client.get(this.#key(key)));
    if (json === null) return undefined;
    const entry = JSON.parse(json) as { v: V; e: number };
    return entry.e > this.#clock.now().getTime() ? entry.v : undefined;
  }

  async set(key: string, value: V, ttlMs: number): Promise<void> {
    const json = serialiseCacheEntry(key, value, ttlMs);
    const expiresAt = this.#clock.now().getTime() + ttlMs;
    await this.#redis.run("set", (client) =>
      client.set(this.#key(key), `{"v":${json},"e":${expiresAt}}`, {
        expiration: { type: "PX", value: Math.max(1, Math.ceil(ttlMs)) },
      }),
    );
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#redis.run("delete", (client) => client.del(this.#key(key)))) > 0;
  }

  async clear(): Promise<void> {
    await this.#redis.run("clear", async (client) => {
      for await (const keys of client.scanIterator({ MATCH: `${this.#prefix}:*`, COUNT: 500 })) {
        if (keys.length > 0) await client.unlink(keys);
      }
    });
  }

  close(): Promise<void> {
    return this.#redis.close();
  }
}
