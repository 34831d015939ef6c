import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock } from "../runtime/clock.ts";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";
import { LoadingCache } from "./loading-cache.ts";
import { MemoryCacheStore } from "./memory-cache-store.ts";
import { RedisCacheStore } from "./redis-cache-store.ts";

interface Product {
  name: string;
}

/** A source of truth whose loads finish when the test says so, counting them. */
function source(entries: Record<string, Product> = { "p-1": { name: "Widget" } }) {
  const calls: string[] = [];
  let release: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  return {
    calls,
    entries,
    hold() {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
    release: () => release(),
    load: async (key: string): Promise<Product | undefined> => {
      calls.push(key);
      await gate;
      if (key === "broken") throw new Error("source down");
      return entries[key];
    },
  };
}

function cache(src = source(), clock = new ManualClock(0)) {
  const store = new MemoryCacheStore<Product>({ clock });
  return { src, clock, cache: new LoadingCache<Product>({ store, ttlMs: 60_000, load: src.load }) };
}

describe("LoadingCache", () => {
  it("loads a miss from the source, stores it, and answers later reads from the store", async () => {
    const { cache: products, src } = cache();
    assert.deepEqual(await products.get("p-1"), { name: "Widget" });
    assert.deepEqual(await products.get("p-1"), { name: "Widget" });
    assert.deepEqual(src.calls, ["p-1"]);
    assert.deepEqual(products.stats(), { hits: 1, misses: 1, loads: 1, loadFailures: 0 });
    assert.equal(products.kind, "memory");
  });

  it("lets concurrent misses for one key share one load", async () => {
    const { cache: products, src } = cache();
    src.hold();
    const reads = Promise.all([products.get("p-1"), products.get("p-1"), products.get("p-1")]);
    await new Promise((resolve) => setImmediate(resolve));
    src.release();
    assert.deepEqual(await reads, [{ name: "Widget" }, { name: "Widget" }, { name: "Widget" }]);
    assert.deepEqual(src.calls, ["p-1"]);
    assert.equal(products.stats().misses, 3);
  });

  it("rejects every waiter of a failed load, caches nothing, and loads again on the next read", async () => {
    const { cache: products, src } = cache();
    src.hold();
    const reads = [products.get("broken"), products.get("broken")];
    await new Promise((resolve) => setImmediate(resolve));
    src.release();
    for (const read of reads) await assert.rejects(read, /source down/);
    await assert.rejects(products.get("broken"), /source down/);
    assert.deepEqual(src.calls, ["broken", "broken"]);
    assert.equal(products.stats().loadFailures, 2);
  });

  it("answers undefined for a key the source lacks, without caching the absence", async () => {
    const { cache: products, src } = cache();
    assert.equal(await products.get("p-404"), undefined);
    src.entries["p-404"] = { name: "Arrived" };
    assert.deepEqual(await products.get("p-404"), { name: "Arrived" });
  });

  it("reloads an entry once its TTL has passed on the clock", async () => {
    const { cache: products, src, clock } = cache();
    await products.get("p-1");
    clock.advance(59_999);
    await products.get("p-1");
    assert.equal(src.calls.length, 1);
    clock.advance(1);
    src.entries["p-1"] = { name: "Widget v2" };
    assert.deepEqual(await products.get("p-1"), { name: "Widget v2" });
    assert.equal(src.calls.length, 2);
  });

  it("does not store a load that an invalidation overtook, and reloads after invalidations", async () => {
    const { cache: products, src } = cache();
    src.hold();
    const stale = products.get("p-1");
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await products.invalidate("p-1"), false);
    src.release();
    assert.deepEqual(await stale, { name: "Widget" }, "the waiting reader still gets its answer");
    src.entries["p-1"] = { name: "Widget v2" };
    assert.deepEqual(await products.get("p-1"), { name: "Widget v2" });
    assert.equal(await products.invalidate("p-1"), true);
    await products.get("p-1");
    await products.invalidateAll();
    await products.get("p-1");
    assert.equal(src.calls.length, 4);
  });

  it("without a source, serves only what was set", async () => {
    const store = new MemoryCacheStore<Product>();
    const products = new LoadingCache<Product>({ store, ttlMs: 1000 });
    assert.equal(await products.get("p-1"), undefined);
    await products.set("p-1", { name: "Put" });
    assert.deepEqual(await products.get("p-1"), { name: "Put" });
    assert.throws(
      () => new LoadingCache({ store, ttlMs: 0 }),
      (e) => hasErrorCode(e, "configuration"),
    );
  });
});

describe("LoadingCache on a shared Redis", () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server.stop();
  });

  it("serves one instance's load from another, and an invalidation on one makes both reload", async () => {
    const keyPrefix = `test:${randomUUID()}`;
    const src = source();
    const stores = [0, 1].map(() => new RedisCacheStore<Product>({ url: server.url, keyPrefix }));
    const [a, b] = stores.map((store) => new LoadingCache<Product>({ store, ttlMs: 60_000, load: src.load }));
    try {
      assert.deepEqual(await a?.get("p-1"), { name: "Widget" });
      assert.deepEqual(await b?.get("p-1"), { name: "Widget" });
      assert.equal(b?.stats().loads, 0);
      src.entries["p-1"] = { name: "Widget v2" };
      assert.equal(await b?.invalidate("p-1"), true);
      assert.deepEqual(await a?.get("p-1"), { name: "Widget v2" });
      assert.deepEqual(src.calls, ["p-1", "p-1"]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
