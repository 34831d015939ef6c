import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock } from "../runtime/clock.ts";
import { createReadThroughCache } from "./cache-policy.ts";
import { StaleWhileRevalidateCache } from "./stale-while-revalidate.ts";

/** Lets queued promise callbacks (a background refresh's settlement) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A loader answering "v1", "v2", ... and counting its calls. */
function counter() {
  const loader = { calls: 0, load: () => Promise.resolve(`v${++loader.calls}`) };
  return loader;
}

describe("StaleWhileRevalidateCache", () => {
  it("serves a fresh entry without loading", async () => {
    const clock = new ManualClock();
    const cache = new StaleWhileRevalidateCache<string>({ ttlMs: 1000, clock });
    const source = counter();
    assert.equal(await cache.get("k", source.load), "v1");
    clock.advance(999);
    assert.equal(await cache.get("k", source.load), "v1");
    assert.equal(source.calls, 1);
    assert.deepEqual(cache.stats(), {
      fresh: 1,
      stale: 0,
      misses: 1,
      refreshes: 0,
      refreshFailures: 0,
      evictions: 0,
      size: 1,
    });
  });

  it("serves a stale entry at once and refreshes it once in the background (single-flight)", async () => {
    const clock = new ManualClock();
    const cache = new StaleWhileRevalidateCache<string>({ ttlMs: 1000, clock });
    await cache.get("k", () => Promise.resolve("old"));
    clock.advance(1000);
    const refresh = Promise.withResolvers<string>();
    let refreshes = 0;
    const load = () => {
      refreshes += 1;
      return refresh.promise;
    };
    assert.equal(await cache.get("k", load), "old", "the stale value is served without waiting");
    assert.equal(await cache.get("k", load), "old");
    await settle();
    assert.equal(refreshes, 1, "concurrent stale reads share one refresh");
    refresh.resolve("new");
    await settle();
    assert.equal(await cache.get("k", load), "new");
    assert.equal(refreshes, 1, "the refreshed value is fresh again");
    assert.equal(cache.stats().stale, 2);
    assert.equal(cache.stats().refreshes, 1);
  });

  it("keeps the stale value when a refresh fails, and reports the failure", async () => {
    const clock = new ManualClock();
    const failures: Array<[string, unknown]> = [];
    const cache = new StaleWhileRevalidateCache<string>({
      ttlMs: 1000,
      staleLimitMs: 5000,
      clock,
      onRefreshError: (key, error) => failures.push([key, error]),
    });
    await cache.get("k", () => Promise.resolve("kept"));
    clock.advance(2000);
    const down = new Error("upstream down");
    const failing = () => Promise.reject(down);
    assert.equal(await cache.get("k", failing), "kept");
    await settle();
    assert.deepEqual(failures, [["k", down]]);
    assert.equal(await cache.get("k", failing), "kept", "still served after the failed refresh");
    await settle();
    assert.equal(cache.stats().refreshFailures, 2, "each stale read after a failure may try again");
  });

  it("stops serving a stale value at the hard limit and waits for a load", async () => {
    const clock = new ManualClock();
    const cache = new StaleWhileRevalidateCache<string>({ ttlMs: 1000, staleLimitMs: 5000, clock });
    await cache.get("k", () => Promise.resolve("old"));
    clock.advance(5000);
    await assert.rejects(
      cache.get("k", () => Promise.reject(new Error("still down"))),
      /still down/,
    );
    assert.equal(cache.stats().size, 0, "a failed load is not stored and the outdated entry is gone");
    assert.equal(await cache.get("k", () => Promise.resolve("new")), "new");
  });

  it("shares one load among concurrent misses, including one joining a refresh past the hard limit", async () => {
    const clock = new ManualClock();
    const cache = new StaleWhileRevalidateCache<string>({ ttlMs: 1000, staleLimitMs: 2000, clock });
    await cache.get("k", () => Promise.resolve("old"));
    clock.advance(1500);
    const refresh = Promise.withResolvers<string>();
    let loads = 0;
    const load = () => {
      loads += 1;
      return refresh.promise;
    };
    assert.equal(await cache.get("k", load), "old");
    clock.advance(1000);
    const waiting = [cache.get("k", load), cache.get("k", load)];
    await settle();
    refresh.resolve("new");
    assert.deepEqual(await Promise.all(waiting), ["new", "new"]);
    assert.equal(loads, 1);
  });

  it("does not store a load that delete() or clear() overtook", async () => {
    const cache = new StaleWhileRevalidateCache<string>({ ttlMs: 1000, clock: new ManualClock() });
    const load = Promise.withResolvers<string>();
    const pending = cache.get("k", () => load.promise);
    assert.equal(cache.delete("k"), false);
    load.resolve("outdated");
    assert.equal(await pending, "outdated");
    assert.equal(await cache.get("k", () => Promise.resolve("current")), "current");
    cache.clear();
    assert.equal(cache.stats().size, 0);
  });

  it("evicts the least recently used beyond maxEntries", async () => {
    const cache = new StaleWhileRevalidateCache<number>({
      ttlMs: 1000,
      maxEntries: 2,
      clock: new ManualClock(),
    });
    await cache.get("a", () => Promise.resolve(1));
    await cache.get("b", () => Promise.resolve(2));
    await cache.get("a", () => Promise.resolve(-1));
    await cache.get("c", () => Promise.resolve(3));
    assert.equal(await cache.get("b", () => Promise.resolve(20)), 20, "b was least recently used");
    assert.equal(cache.stats().evictions, 2);
  });

  it("rejects a bad configuration, naming the option", () => {
    for (const [opts, rule] of [
      [{ ttlMs: 0 }, /ttlMs must be > 0/],
      [{ ttlMs: 1000, staleLimitMs: 500 }, /staleLimitMs must be ≥ ttlMs/],
      [{ ttlMs: 1000, maxEntries: 0.5 }, /maxEntries must be an integer ≥ 1/],
    ] as const) {
      assert.throws(
        () => new StaleWhileRevalidateCache(opts),
        (e) => hasErrorCode(e, "configuration") && rule.test((e as Error).message),
      );
    }
  });
});

describe("createReadThroughCache", () => {
  it("ttl serves only fresh values", async () => {
    const clock = new ManualClock();
    const cache = createReadThroughCache<string>({ strategy: "ttl", ttlMs: 1000, clock });
    const source = counter();
    assert.equal(await cache.get("k", source.load), "v1");
    clock.advance(1000);
    assert.equal(await cache.get("k", source.load), "v2", "expired: the caller waits for the load");
  });

  it("stale-while-revalidate serves stale values within its limit", async () => {
    const clock = new ManualClock();
    const cache = createReadThroughCache<string>({ strategy: "stale-while-revalidate", ttlMs: 1000, clock });
    const source = counter();
    await cache.get("k", source.load);
    clock.advance(9999);
    assert.equal(await cache.get("k", source.load), "v1", "within the default limit of 10 × ttl");
    await settle();
    assert.equal(await cache.get("k", source.load), "v2");
  });

  it("none always loads", async () => {
    const cache = createReadThroughCache<string>({ strategy: "none", ttlMs: 1000 });
    const source = counter();
    await cache.get("k", source.load);
    assert.equal(await cache.get("k", source.load), "v2");
    assert.equal(cache.delete("k"), false);
  });
});
