import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createClient } from "redis";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { useRedisServer } from "../persistence/redis-server.fixture.ts";
import { runCacheStoreContract } from "./cache-store.contract.ts";
import { RedisCacheStore } from "./redis-cache-store.ts";

const server = useRedisServer();
const prefix = server.prefix;

runCacheStoreContract(
  "redis",
  (clock) => new RedisCacheStore({ url: server.url, keyPrefix: prefix(), clock }),
);

describe("RedisCacheStore", () => {
  it("keeps each entry under <prefix>:<key> with a Redis expiry of ttlMs", async () => {
    const keyPrefix = prefix();
    const store = new RedisCacheStore({ url: server.url, keyPrefix });
    const raw = createClient({ url: server.url });
    await raw.connect();
    try {
      await store.set("p-1", { name: "Widget" }, 30_000);
      const ttl = await raw.pTTL(`${keyPrefix}:p-1`);
      assert.ok(ttl > 0 && ttl <= 30_000, `PTTL ${ttl}`);
      await raw.del(`${keyPrefix}:p-1`);
      assert.equal(await store.get("p-1"), undefined, "Redis is the only copy");
    } finally {
      await raw.close();
      await store.close();
    }
  });

  it("shares entries between instances: one instance's delete is every instance's miss", async () => {
    const keyPrefix = prefix();
    const a = new RedisCacheStore({ url: server.url, keyPrefix });
    const b = new RedisCacheStore({ url: server.url, keyPrefix });
    try {
      await a.set("k", "v", 60_000);
      assert.equal(await b.get("k"), "v");
      assert.equal(await a.delete("k"), true);
      assert.equal(await b.get("k"), undefined);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("reports an unreachable server as unavailable without echoing the password", async () => {
    const store = new RedisCacheStore({ url: "redis://u:hunter2@127.0.0.1:1", connectTimeoutMs: 500 });
    await assert.rejects(
      store.get("k"),
      (e) => hasErrorCode(e, "unavailable") && /get failed/.test(e.message) && !e.message.includes("hunter2"),
    );
    await store.close();
  });
});
