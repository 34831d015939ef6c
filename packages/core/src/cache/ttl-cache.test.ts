import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock } from "../runtime/clock.ts";
import { TtlCache } from "./ttl-cache.ts";

describe("TtlCache", () => {
  it("expires entries after their ttl, on the injected clock", () => {
    const clock = new ManualClock(0);
    const cache = new TtlCache<string>({ ttlMs: 1000, clock });
    cache.set("a", "A");
    cache.set("b", "B", 5000);
    clock.advance(999);
    assert.equal(cache.get("a"), "A");
    clock.advance(1);
    assert.equal(cache.get("a"), undefined);
    assert.equal(cache.get("b"), "B");
    assert.equal(cache.size, 1);
    clock.advance(4000);
    assert.equal(cache.size, 0);
    assert.deepEqual(cache.stats(), { hits: 2, misses: 1, evictions: 0, size: 0 });
  });

  it("evicts the least recently used beyond maxEntries", () => {
    const cache = new TtlCache<number>({ ttlMs: 1000, maxEntries: 2, clock: new ManualClock() });
    cache.set("a", 1);
    cache.set("b", 2);
    assert.equal(cache.get("a"), 1);
    cache.set("c", 3);
    assert.equal(cache.get("b"), undefined, "b was least recently used");
    assert.equal(cache.get("a"), 1);
    assert.equal(cache.get("c"), 3);
    assert.equal(cache.stats().evictions, 1);
  });

  it("drops expired entries before evicting live ones", () => {
    const clock = new ManualClock();
    const cache = new TtlCache<number>({ ttlMs: 1000, maxEntries: 2, clock });
    cache.set("short", 1, 10);
    cache.set("long", 2);
    clock.advance(10);
    cache.set("new", 3);
    assert.equal(cache.get("long"), 2);
    assert.equal(cache.get("new"), 3);
    assert.equal(cache.stats().evictions, 0);
  });

  it("delete and clear", () => {
    const cache = new TtlCache<number>({ ttlMs: 1000, clock: new ManualClock() });
    cache.set("a", 1);
    cache.set("b", 2);
    assert.equal(cache.delete("a"), true);
    assert.equal(cache.delete("a"), false);
    cache.clear();
    assert.equal(cache.size, 0);
  });

  it("getOrLoad shares one load among concurrent misses and caches the result", async () => {
    const clock = new ManualClock();
    const cache = new TtlCache<string>({ ttlMs: 1000, clock });
    const load = Promise.withResolvers<string>();
    let loads = 0;
    const loader = () => {
      loads += 1;
      return load.promise;
    };
    const first = cache.getOrLoad("k", loader);
    const second = cache.getOrLoad("k", loader);
    await new Promise((resolve) => setImmediate(resolve));
    load.resolve("value");
    assert.deepEqual(await Promise.all([first, second]), ["value", "value"]);
    assert.equal(loads, 1);
    assert.equal(await cache.getOrLoad("k", loader), "value");
    assert.equal(loads, 1);
    clock.advance(1000);
    await cache.getOrLoad("k", async () => "fresh");
    assert.equal(cache.get("k"), "fresh");
  });

  it("does not cache a failed load, and every waiter sees the failure", async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000, clock: new ManualClock() });
    const load = Promise.withResolvers<string>();
    const waiters = [cache.getOrLoad("k", () => load.promise), cache.getOrLoad("k", () => load.promise)];
    load.reject(new Error("backend down"));
    for (const waiter of waiters) await assert.rejects(waiter, /backend down/);
    assert.equal(await cache.getOrLoad("k", async () => "ok"), "ok");
  });

  it("does not store a load that was invalidated by delete while it ran", async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000, clock: new ManualClock() });
    const load = Promise.withResolvers<string>();
    const pending = cache.getOrLoad("k", () => load.promise);
    cache.delete("k");
    load.resolve("stale");
    assert.equal(await pending, "stale");
    assert.equal(cache.get("k"), undefined);
  });

  it("rejects a non-positive ttl or maxEntries", () => {
    assert.throws(
      () => new TtlCache({ ttlMs: 0 }),
      (e) => hasErrorCode(e, "configuration"),
    );
    assert.throws(
      () => new TtlCache({ ttlMs: 1, maxEntries: 0 }),
      (e) => hasErrorCode(e, "configuration"),
    );
    assert.throws(
      () => new TtlCache<number>({ ttlMs: 1 }).set("a", 1, -5),
      (e) => hasErrorCode(e, "configuration"),
    );
  });
});
