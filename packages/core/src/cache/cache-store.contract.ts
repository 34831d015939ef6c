/**
 * The contract every {@link CacheStore} passes (house style rule 4):
 * `runCacheStoreContract("memory", (clock) => new MemoryCacheStore({ clock }))`. Each case gets fresh,
 * isolated stores on a {@link ManualClock} it can move, and closes them.
 * @module
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import type { ManualClock } from "../runtime/clock.ts";
import { storeCases } from "../testing/store-cases.ts";
import type { CacheStore } from "./cache-store.ts";

/** Makes a fresh, empty store isolated from every other one it made, whose expiry follows `clock`. */
export type CacheStoreFactory = (clock: ManualClock) => CacheStore<unknown> | Promise<CacheStore<unknown>>;

const START = Date.UTC(2026, 0, 1);

/** Registers the cache store contract as a `describe` block. */
export function runCacheStoreContract(name: string, factory: CacheStoreFactory): void {
  const withStore = storeCases(factory, START);

  describe(`CacheStore contract: ${name}`, () => {
    it(
      "answers what was set, as a copy, and undefined for a key never set",
      withStore(async (store) => {
        await store.set("p-1", { name: "Widget", tags: ["a"] }, 60_000);
        const read = (await store.get("p-1")) as { tags: string[] };
        assert.deepEqual(read, { name: "Widget", tags: ["a"] });
        read.tags.push("mutated");
        assert.deepEqual(await store.get("p-1"), { name: "Widget", tags: ["a"] });
        assert.equal(await store.get("nope"), undefined);
        await store.set("falsy", 0, 60_000);
        assert.equal(await store.get("falsy"), 0);
      }),
    );

    it(
      "expires an entry ttlMs after it was set, on the store's clock; a new set restarts the TTL",
      withStore(async (store, clock) => {
        await store.set("k", "v1", 1000);
        clock.advance(999);
        assert.equal(await store.get("k"), "v1");
        await store.set("k", "v2", 1000);
        clock.advance(999);
        assert.equal(await store.get("k"), "v2");
        clock.advance(1);
        assert.equal(await store.get("k"), undefined);
      }),
    );

    it(
      "deletes one entry and tells whether it was there",
      withStore(async (store) => {
        await store.set("a", 1, 60_000);
        await store.set("b", 2, 60_000);
        assert.equal(await store.delete("a"), true);
        assert.equal(await store.delete("a"), false);
        assert.equal(await store.get("a"), undefined);
        assert.equal(await store.get("b"), 2);
      }),
    );

    it(
      "clears its own entries only",
      withStore(async (store, clock) => {
        const other = await factory(clock);
        try {
          await store.set("a", 1, 60_000);
          await store.set("b", 2, 60_000);
          await other.set("a", "other", 60_000);
          await store.clear();
          assert.equal(await store.get("a"), undefined);
          assert.equal(await store.get("b"), undefined);
          assert.equal(await other.get("a"), "other");
        } finally {
          await other.close();
        }
      }),
    );

    it(
      "rejects a TTL that is not positive and a value JSON cannot hold",
      withStore(async (store) => {
        const invalid = (e: unknown) => hasErrorCode(e, "validation");
        await assert.rejects(store.set("k", 1, 0), invalid);
        await assert.rejects(store.set("k", 1, Number.NaN), invalid);
        await assert.rejects(store.set("k", undefined, 1000), invalid);
        await assert.rejects(store.set("k", { n: 1n }, 1000), invalid);
        assert.equal(await store.get("k"), undefined);
      }),
    );

    it(
      "fails every call after close with unavailable",
      withStore(async (store) => {
        await store.close();
        await store.close();
        await assert.rejects(store.get("k"), (e) => hasErrorCode(e, "unavailable"));
        await assert.rejects(store.set("k", 1, 1000), (e) => hasErrorCode(e, "unavailable"));
      }),
    );
  });
}
