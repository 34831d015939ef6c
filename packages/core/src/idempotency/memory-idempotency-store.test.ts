import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../runtime/clock.ts";
import { runIdempotencyStoreContract } from "./idempotency-store.contract.ts";
import { SWEEP_EVERY_BEGINS } from "./idempotency-store.ts";
import { MemoryIdempotencyStore } from "./memory-idempotency-store.ts";

runIdempotencyStoreContract("memory", (clock) => new MemoryIdempotencyStore({ clock }));

describe("MemoryIdempotencyStore", () => {
  it("sweeps expired records so memory stays bounded by live keys", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryIdempotencyStore({ clock });
    for (let i = 0; i < SWEEP_EVERY_BEGINS - 1; i++) await store.begin(`k-${i}`, "fp", 1000);
    clock.advance(1000);
    await store.begin("fresh", "fp", 1000);
    assert.equal(store.size, 1);
    await store.close();
  });
});
