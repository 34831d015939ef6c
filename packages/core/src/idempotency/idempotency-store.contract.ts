/**
 * The contract every {@link IdempotencyStore} passes (house style rule 4):
 * `runIdempotencyStoreContract("memory", (clock) => new MemoryIdempotencyStore({ clock }))`.
 * Each case gets a fresh, empty store on a {@link ManualClock} it can move, and closes it.
 * @module
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import type { ManualClock } from "../runtime/clock.ts";
import { storeCases } from "../testing/store-cases.ts";
import type { BeginResult, IdempotencyStore, StoredResponse } from "./idempotency-store.ts";

/** Makes a fresh, empty store whose expiry follows `clock`. */
export type IdempotencyStoreFactory = (clock: ManualClock) => IdempotencyStore | Promise<IdempotencyStore>;

/** Wall-clock-like start, so stores see realistic epoch milliseconds. */
const START = Date.UTC(2026, 0, 1);
const LOCK_TTL = 30_000;
const TTL = 24 * 3_600_000;

const response = (status = 201, text = '{"id":"o-1"}'): StoredResponse => ({
  status,
  headers: { "content-type": "application/json", location: "/orders/o-1" },
  bodyBase64: Buffer.from(text).toString("base64"),
});

function started(result: BeginResult): string {
  assert.equal(result.state, "started", `expected started, got ${JSON.stringify(result)}`);
  return result.state === "started" ? result.lockToken : "";
}

/** Registers the idempotency store contract as a `describe` block. */
export function runIdempotencyStoreContract(name: string, factory: IdempotencyStoreFactory): void {
  const withStore = storeCases(factory, START);

  describe(`idempotency store contract: ${name}`, () => {
    it(
      "starts a new key, then reports it in flight with the first fingerprint",
      withStore(async (store) => {
        const token = started(await store.begin("k", "fp-1", LOCK_TTL));
        assert.ok(token.length > 0);
        assert.deepEqual(await store.begin("k", "fp-2", LOCK_TTL), {
          state: "in-flight",
          fingerprint: "fp-1",
        });
      }),
    );

    it(
      "completes with the lock token, then returns the stored response and fingerprint",
      withStore(async (store) => {
        const token = started(await store.begin("k", "fp-1", LOCK_TTL));
        assert.equal(await store.complete("k", token, response(), TTL), true);
        assert.deepEqual(await store.begin("k", "fp-1", LOCK_TTL), {
          state: "completed",
          fingerprint: "fp-1",
          response: response(),
        });
      }),
    );

    it(
      "round-trips status, headers and a binary body with every byte value",
      withStore(async (store) => {
        const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        const stored: StoredResponse = {
          status: 200,
          headers: { "content-type": 'application/octet-stream; name="ü ☃"' },
          bodyBase64: bytes.toString("base64"),
        };
        const token = started(await store.begin("bin", "fp", LOCK_TTL));
        await store.complete("bin", token, stored, TTL);
        const again = await store.begin("bin", "fp", LOCK_TTL);
        assert.equal(again.state, "completed");
        if (again.state === "completed") {
          assert.deepEqual(again.response, stored);
          assert.deepEqual(Buffer.from(again.response.bodyBase64, "base64"), bytes);
        }
      }),
    );

    it(
      "stores an empty body and a fingerprint with spaces",
      withStore(async (store) => {
        const empty: StoredResponse = { status: 204, headers: {}, bodyBase64: "" };
        const token = started(await store.begin("empty", "POST /x body", LOCK_TTL));
        await store.complete("empty", token, empty, TTL);
        assert.deepEqual(await store.begin("empty", "other", LOCK_TTL), {
          state: "completed",
          fingerprint: "POST /x body",
          response: empty,
        });
      }),
    );

    it(
      "refuses complete and release with a wrong token, changing nothing",
      withStore(async (store) => {
        started(await store.begin("k", "fp", LOCK_TTL));
        assert.equal(await store.complete("k", "not-the-token", response(), TTL), false);
        await store.release("k", "not-the-token");
        assert.deepEqual(await store.begin("k", "fp", LOCK_TTL), { state: "in-flight", fingerprint: "fp" });
        assert.equal(await store.complete("never-begun", "t", response(), TTL), false);
      }),
    );

    it(
      "release frees the key: the next begin starts afresh with its own fingerprint",
      withStore(async (store) => {
        const first = started(await store.begin("k", "fp-1", LOCK_TTL));
        await store.release("k", first);
        const second = started(await store.begin("k", "fp-2", LOCK_TTL));
        assert.notEqual(second, first);
        assert.deepEqual(await store.begin("k", "fp-3", LOCK_TTL), {
          state: "in-flight",
          fingerprint: "fp-2",
        });
        await store.release("k", first);
        assert.equal(
          (await store.begin("k", "fp-3", LOCK_TTL)).state,
          "in-flight",
          "a stale release is a no-op",
        );
      }),
    );

    it(
      "keeps scope keys apart, including long unicode ones that differ only at the end",
      withStore(async (store) => {
        const base = `["acme POST /orders/:id","${"ü".repeat(255)}`;
        started(await store.begin(`${base}a"]`, "fp", LOCK_TTL));
        started(await store.begin(`${base}b"]`, "fp", LOCK_TTL));
        started(await store.begin("other", "fp", LOCK_TTL));
      }),
    );

    it(
      "a lock expires after lockTtlMs; the old holder can no longer complete",
      withStore(async (store, clock) => {
        const old = started(await store.begin("k", "fp-1", LOCK_TTL));
        clock.advance(LOCK_TTL - 1);
        assert.equal((await store.begin("k", "fp-1", LOCK_TTL)).state, "in-flight");
        clock.advance(1);
        const fresh = started(await store.begin("k", "fp-2", LOCK_TTL));
        assert.equal(await store.complete("k", old, response(200, "old"), TTL), false);
        assert.equal(await store.complete("k", fresh, response(201, "new"), TTL), true);
        const result = await store.begin("k", "fp-2", LOCK_TTL);
        assert.deepEqual(result, { state: "completed", fingerprint: "fp-2", response: response(201, "new") });
      }),
    );

    it(
      "a lock past its TTL that nobody took over can still be completed by its holder",
      withStore(async (store, clock) => {
        const token = started(await store.begin("k", "fp", LOCK_TTL));
        clock.advance(LOCK_TTL * 2);
        assert.equal(await store.complete("k", token, response(), TTL), true);
        assert.equal((await store.begin("k", "fp", LOCK_TTL)).state, "completed");
      }),
    );

    it(
      "a stored response expires after ttlMs, counted from complete",
      withStore(async (store, clock) => {
        const token = started(await store.begin("k", "fp", LOCK_TTL));
        clock.advance(1000);
        await store.complete("k", token, response(), TTL);
        clock.advance(TTL - 1);
        assert.equal((await store.begin("k", "fp", LOCK_TTL)).state, "completed");
        clock.advance(1);
        started(await store.begin("k", "fp-new", LOCK_TTL));
        assert.deepEqual(await store.begin("k", "fp", LOCK_TTL), {
          state: "in-flight",
          fingerprint: "fp-new",
        });
      }),
    );

    it(
      "of 50 concurrent begins on one key exactly one starts",
      withStore(async (store) => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.begin("hot", `fp-${i}`, LOCK_TTL)),
        );
        const winners = results.filter((r) => r.state === "started");
        assert.equal(winners.length, 1);
        const winner = results.indexOf(winners[0] as BeginResult);
        for (const r of results) {
          if (r.state !== "started") assert.deepEqual(r, { state: "in-flight", fingerprint: `fp-${winner}` });
        }
      }),
    );

    it(
      "fails with unavailable after close",
      withStore(async (store) => {
        await store.close();
        await assert.rejects(store.begin("k", "fp", LOCK_TTL), (e) => hasErrorCode(e, "unavailable"));
        await store.close();
      }),
    );
  });
}
