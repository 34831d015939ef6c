/**
 * One lazily connected Redis client (node-redis) with the connection policy every AllFrame Redis
 * backend shares: connect on first use, fail fast while disconnected, reconnect in the background once
 * connected, convert every failure at the boundary, close once.
 * @module
 */
import { createClient } from "redis";
import type { AllFrameError } from "../errors/allframe-error.ts";

/** A node-redis client as {@link RedisConnection} creates it. */
export type RedisClient = ReturnType<typeof createClient>;

/** Options for {@link RedisConnection}. */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`; never echoed in errors. */
  readonly url: string;
  /** Upper bound for connecting, in milliseconds; default 5000. */
  readonly connectTimeoutMs?: number | undefined;
  /** The error for any call after `close()`, naming the backend and `operation`. */
  readonly closedError: (operation: string) => AllFrameError;
  /** Converts a failure of `operation` (connecting or the command) into the backend's error. */
  readonly failure: (operation: string, cause: unknown) => AllFrameError;
}

/**
 * A Redis connection for one backend instance (cache store, idempotency store, realtime backplane).
 * No offline queue: while disconnected, commands fail at once instead of piling up. A first connection
 * that fails rejects the call (the next call tries again); once connected, a dropped connection is
 * retried in the background (50 ms doubling, at most 2 s between tries) while calls fail fast.
 *
 * @throws AllFrameError from {@link run}: `closedError(operation)` after `close()`, otherwise
 *   `failure(operation, cause)` for any error while connecting or running the command.
 * @example
 * const redis = new RedisConnection({ url, closedError: () => closedCacheStoreError("redis"),
 *   failure: (op, cause) => cacheStoreFailure("redis", op, cause) });
 * const json = await redis.run("get", (client) => client.get("k"));
 */
export class RedisConnection {
  /** The command connection. */
  readonly client: RedisClient;
  readonly #clients: RedisClient[];
  readonly #closedError: (operation: string) => AllFrameError;
  readonly #failure: (operation: string, cause: unknown) => AllFrameError;
  #connecting: Promise<unknown> | undefined;
  #closed = false;

  constructor(opts: RedisConnectionOptions) {
    this.#closedError = opts.closedError;
    this.#failure = opts.failure;
    let connected = false;
    this.client = createClient({
      url: opts.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: opts.connectTimeoutMs ?? 5000,
        reconnectStrategy: (retries: number, cause: Error) =>
          connected ? Math.min(50 * 2 ** retries, 2000) : cause,
      },
    });
    this.client.on("ready", () => {
      connected = true;
    });
    // Without a listener, a dropped connection would crash the process; commands report failures.
    this.client.on("error", () => undefined);
    this.#clients = [this.client];
  }

  /**
   * A second connection with the same options (for `SUBSCRIBE`, which takes a connection over) that
   * connects and closes with this one. Call it before the first {@link run}.
   */
  duplicate(): RedisClient {
    const client = this.client.duplicate();
    client.on("error", () => undefined);
    this.#clients.push(client);
    return client;
  }

  /**
   * Connects every client on first use (concurrent callers share the attempt), then runs `fn` on the
   * command connection.
   * @throws AllFrameError as the class says.
   */
  async run<R>(operation: string, fn: (client: RedisClient) => Promise<R>): Promise<R> {
    if (this.#closed) throw this.#closedError(operation);
    try {
      this.#connecting ??= Promise.all(this.#clients.map((client) => client.connect())).catch(
        (error: unknown) => {
          this.#connecting = undefined;
          throw error;
        },
      );
      await this.#connecting;
      return await fn(this.client);
    } catch (cause) {
      throw this.#failure(operation, cause);
    }
  }

  /**
   * Closes every client once (later calls return at once). When the command connection is ready,
   * first runs `farewell` on it, best effort: its failure is ignored.
   */
  async close(farewell?: (client: RedisClient) => Promise<unknown>): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#connecting?.catch(() => undefined);
    if (farewell !== undefined && this.client.isReady) await farewell(this.client).catch(() => undefined);
    for (const client of this.#clients.toReversed()) {
      if (client.isOpen) await client.close();
      else client.destroy();
    }
  }
}
