import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createClient } from "redis";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { useRedisServer } from "../persistence/redis-server.fixture.ts";
import { ManualClock } from "../runtime/clock.ts";
import { runIdempotencyStoreContract } from "./idempotency-store.contract.ts";
import { RedisIdempotencyStore } from "./redis-idempotency-store.ts";

const server = useRedisServer();
const prefix = server.prefix;

runIdempotencyStoreContract(
  "redis",
  (clock) => new RedisIdempotencyStore({ url: server.url, keyPrefix: prefix(), clock }),
);

describe("RedisIdempotencyStore", () => {
  it("holds the lock as a SET NX PX key and the response as a hash with a TTL", async () => {
    const keyPrefix = prefix();
    const store = new RedisIdempotencyStore({ url: server.url, keyPrefix, clock: new ManualClock(5_000) });
    const raw = createClient({ url: server.url });
    await raw.connect();
    try {
      const begun = await store.begin("k", "fp", 30_000);
      assert.equal(begun.state, "started");
      const lockTtl = await raw.pTTL(`${keyPrefix}:lock:k`);
      assert.ok(lockTtl > 0 && lockTtl <= 30_000, `lock PTTL ${lockTtl}`);
      if (begun.state === "started") {
        await store.complete("k", begun.lockToken, { status: 200, headers: {}, bodyBase64: "" }, 60_000);
      }
      assert.equal(await raw.exists(`${keyPrefix}:lock:k`), 0);
      assert.equal(await raw.type(`${keyPrefix}:response:k`), "hash");
      const ttl = await raw.pTTL(`${keyPrefix}:response:k`);
      assert.ok(ttl > 30_000 && ttl <= 60_000, `response PTTL ${ttl}`);
    } finally {
      await raw.close();
      await store.close();
    }
  });

  it("recovers when the server forgot its scripts (SCRIPT FLUSH)", async () => {
    const store = new RedisIdempotencyStore({ url: server.url, keyPrefix: prefix() });
    const raw = createClient({ url: server.url });
    await raw.connect();
    try {
      assert.equal((await store.begin("a", "fp", 1000)).state, "started");
      await raw.scriptFlush();
      assert.equal((await store.begin("b", "fp", 1000)).state, "started");
    } finally {
      await raw.close();
      await store.close();
    }
  });

  it("reports an unreachable server as unavailable without echoing the password", async () => {
    const store = new RedisIdempotencyStore({ url: "redis://u:hunter2@127.0.0.1:1", connectTimeoutMs: 500 });
    await assert.rejects(
      store.begin("k", "fp", 1000),
      (e) =>
        hasErrorCode(e, "unavailable") && /begin failed/.test(e.message) && !e.message.includes("hunter2"),
    );
    await store.close();
  });
});
