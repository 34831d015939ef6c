/**
 * Test fixture for the Redis backends' own tests: one throwaway Redis server per test file, and a
 * fresh key prefix per store so tests never see each other's keys.
 * @module
 */
import { randomUUID } from "node:crypto";
import { after, before } from "node:test";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";

/** The server of the calling test file, as {@link useRedisServer} returns it. */
export interface RedisServerForTests {
  /** `redis://127.0.0.1:<port>`; read it inside tests and hooks (it is set by `before`). */
  readonly url: string;
  /** A new key prefix, `test:<uuid>`, on every call. */
  prefix(): string;
}

/**
 * Registers node:test hooks on the calling file: `before` starts a server ({@link startRedis}),
 * `after` stops it. Call at the top level of a test file.
 * @throws Error from `url` when read before the `before` hook ran.
 */
export function useRedisServer(): RedisServerForTests {
  let server: RedisServer | undefined;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server?.stop();
  });
  return {
    get url(): string {
      if (server === undefined)
        throw new Error("useRedisServer: the url is only known once the before hook ran");
      return server.url;
    },
    prefix: () => `test:${randomUUID()}`,
  };
}
