/**
 * The Redis idempotency store: the lock is a `SET NX PX` key, the stored response a hash with
 * `PEXPIRE`; both are read and written only inside Lua scripts, so each operation is atomic on the
 * server. Selected by `redis://` and `rediss://` URLs; uses the official client (node-redis).
 * @module
 */
import { createHash } from "node:crypto";
import { RedisConnection } from "../persistence/redis-connection.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../runtime/clock.ts";
import {
  type BeginResult,
  closedIdempotencyStoreError,
  type IdempotencyStore,
  idempotencyStoreFailure,
  type StoredResponse,
} from "./idempotency-store.ts";
import { BEGIN_SCRIPT, COMPLETE_SCRIPT, RELEASE_SCRIPT } from "./redis-scripts.ts";

/** Options for {@link RedisIdempotencyStore}. */
export interface RedisIdempotencyStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`; never echoed in errors. */
  url: string;
  /** Prefix of every key; default `"allframe:idempotency"`. */
  keyPrefix?: string;
  /**
   * Time source for expiry. Records also carry `PX`/`PEXPIRE` in real milliseconds, so Redis frees
   * them even if nobody reads them again; the scripts additionally treat a record as expired once the
   * clock passes its `expiresAt`, which lets tests run on fake time. Default the system clock.
   */
  clock?: Clock;
  /** Lock tokens; default random UUIDs. */
  ids?: IdGenerator;
  /** Upper bound for connecting, in milliseconds; default 5000. */
  connectTimeoutMs?: number;
}

interface Script {
  readonly source: string;
  readonly sha1: string;
}

const script = (source: string): Script => ({
  source,
  sha1: createHash("sha1").update(source).digest("hex"),
});
const SCRIPTS = {
  begin: script(BEGIN_SCRIPT),
  complete: script(COMPLETE_SCRIPT),
  release: script(RELEASE_SCRIPT),
} as const;

/**
 * An {@link IdempotencyStore} in Redis. Keys: `<prefix>:lock:<scopeKey>` (string
 * `"<expiresAt> <token> <fingerprint>"`, set with `SET NX PX lockTtlMs`) and `<prefix>:response:<scopeKey>`
 * (hash `fingerprint, status, headers, body, expiresAt`, with `PEXPIRE ttlMs`). Not Redis Cluster
 * ready: the two keys of one scope key are not hash-tagged into one slot.
 *
 * @throws AllFrameError `unavailable` when Redis cannot be reached or a script fails, and after `close()`.
 * @example
 * const store = new RedisIdempotencyStore({ url: process.env.IDEMPOTENCY_STORE_URL ?? "redis://127.0.0.1:6379" });
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly kind = "redis";
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;

  constructor(opts: RedisIdempotencyStoreOptions) {
    this.#prefix = opts.keyPrefix ?? "allframe:idempotency";
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    this.#redis = new RedisConnection({
      url: opts.url,
      connectTimeoutMs: opts.connectTimeoutMs,
      closedError: () => closedIdempotencyStoreError(this.kind),
      failure: (operation, cause) => idempotencyStoreFailure(this.kind, operation, cause),
    });
  }

  #keys(scopeKey: string): string[] {
    return [`${this.#prefix}:response:${scopeKey}`, `${this.#prefix}:lock:${scopeKey}`];
  }

  /** Runs script `which` (by SHA, loading it on `NOSCRIPT`); failures become `unavailable`. */
  #eval(operation: string, which: keyof typeof SCRIPTS, keys: string[], args: string[]): Promise<unknown> {
    return this.#redis.run(operation, async (client) => {
      const { source, sha1 } = SCRIPTS[which];
      try {
        return await client.evalSha(sha1, { keys, arguments: args });
      } catch (error) {
        if (!String((error as Error).message).startsWith("NOSCRIPT")) throw error;
        return await client.eval(source, { keys, arguments: args });
      }
    });
  }

  async begin(scopeKey: string, fingerprint: string, lockTtlMs: number): Promise<BeginResult> {
    const now = this.#clock.now().getTime();
    const lockToken = this.#ids();
    const reply = (await this.#eval("begin", "begin", this.#keys(scopeKey), [
      String(now),
      String(Math.max(1, Math.ceil(lockTtlMs))),
      lockToken,
      fingerprint,
    ])) as string[];
    const [state, replyFingerprint = "", status = "0", headers = "{}", body = ""] = reply;
    if (state === "started") return { state, lockToken };
    if (state === "in-flight") return { state, fingerprint: replyFingerprint };
    return {
      state: "completed",
      fingerprint: replyFingerprint,
      response: {
        status: Number(status),
        headers: JSON.parse(headers) as Record<string, string>,
        bodyBase64: body,
      },
    };
  }

  async complete(
    scopeKey: string,
    lockToken: string,
    response: StoredResponse,
    ttlMs: number,
  ): Promise<boolean> {
    const reply = await this.#eval("complete", "complete", this.#keys(scopeKey), [
      lockToken,
      String(response.status),
      JSON.stringify(response.headers),
      response.bodyBase64,
      String(this.#clock.now().getTime() + ttlMs),
      String(Math.max(1, Math.ceil(ttlMs))),
    ]);
    return Number(reply) === 1;
  }

  async release(scopeKey: string, lockToken: string): Promise<void> {
    await this.#eval("release", "release", this.#keys(scopeKey), [lockToken]);
  }

  close(): Promise<void> {
    return this.#redis.close();
  }
}
