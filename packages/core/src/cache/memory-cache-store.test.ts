import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { runCacheStoreContract } from "./cache-store.contract.ts";
import { MemoryCacheStore } from "./memory-cache-store.ts";
import { openCacheStore } from "./open-cache-store.ts";
import { RedisCacheStore } from "./redis-cache-store.ts";

runCacheStoreContract("memory", (clock) => new MemoryCacheStore({ clock }));

describe("MemoryCacheStore", () => {
  it("evicts the least recently used entry beyond maxEntries", async () => {
    const store = new MemoryCacheStore<number>({ maxEntries: 2 });
    await store.set("a", 1, 60_000);
    await store.set("b", 2, 60_000);
    await store.get("a");
    await store.set("c", 3, 60_000);
    assert.equal(await store.get("b"), undefined);
    assert.equal(await store.get("a"), 1);
  });
});

describe("openCacheStore", () => {
  it("opens memory without a URL and Redis for redis:// and rediss://", async () => {
    for (const url of [undefined, "", " memory: "]) assert.equal(openCacheStore(url).kind, "memory");
    const redis = openCacheStore("redis://127.0.0.1:1");
    assert.ok(redis instanceof RedisCacheStore);
    await redis.close();
    const tls = openCacheStore("rediss://127.0.0.1:1");
    assert.equal(tls.kind, "redis");
    await tls.close();
  });

  it("refuses another scheme, naming the variable and not echoing the URL", () => {
    assert.throws(
      () => openCacheStore("memcached://u:hunter2@h:11211", { envVar: "CACHE_URL" }),
      (e) =>
        hasErrorCode(e, "configuration") &&
        /^CACHE_URL has scheme "memcached:"/.test(e.message) &&
        !e.message.includes("hunter2"),
    );
  });
});
