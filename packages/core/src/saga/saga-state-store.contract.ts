/**
 * The contract suite every `SagaStateStore` must pass (house style rule 4).
 *
 * @example
 * runSagaStateStoreContract({ name: "memory", newStore: () => new InMemorySagaStateStore() });
 * @module
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SagaInstance } from "./saga-instance.ts";
import type { SagaStateStore } from "./saga-state-store.ts";

/** How to run the suite against one store. */
export interface SagaStateStoreContractOptions {
  readonly name: string;
  /** A fresh, empty store for each case. */
  readonly newStore: () => SagaStateStore | Promise<SagaStateStore>;
  /** Case name → the reason it cannot hold for this store. */
  readonly skip?: Readonly<Record<string, string>>;
}

function instance(id: string, over: Partial<SagaInstance> = {}): SagaInstance {
  return {
    id,
    saga: "CreateOrderSaga",
    status: "running",
    context: { orderId: id, lines: [{ sku: "a", qty: 1 }] },
    completedSteps: [],
    compensatedSteps: [],
    log: [
      { at: "2025-01-01T00:00:00.000Z", step: "ValidateInventory", action: "execute", outcome: "started" },
    ],
    startedAt: "2025-01-01T00:00:00.000Z",
    ...over,
  };
}

/** Registers the contract's cases with `node:test`. */
export function runSagaStateStoreContract(opts: SagaStateStoreContractOptions): void {
  const cases: Record<string, (s: SagaStateStore) => Promise<void>> = {
    "saves and loads an instance; unknown ids load as undefined": async (s) => {
      const saved = instance("s-1", { finishedAt: "2025-01-01T00:00:01.000Z", error: "x", status: "failed" });
      await s.save(saved);
      assert.deepEqual(await s.load("s-1"), saved);
      assert.equal(await s.load("nope"), undefined);
    },
    "a save replaces the stored instance": async (s) => {
      await s.save(instance("s-1"));
      await s.save(instance("s-1", { status: "completed", completedSteps: ["ValidateInventory"] }));
      const loaded = await s.load("s-1");
      assert.equal(loaded?.status, "completed");
      assert.deepEqual(loaded?.completedSteps, ["ValidateInventory"]);
      assert.equal((await s.list()).length, 1);
    },
    "stores copies: later changes to the saved or loaded object do not leak in": async (s) => {
      const saved = instance("s-1");
      await s.save(saved);
      saved.completedSteps.push("changed");
      const loaded = await s.load("s-1");
      loaded?.log.push({ at: "", step: "x", action: "execute", outcome: "failed" });
      assert.deepEqual((await s.load("s-1"))?.completedSteps, []);
      assert.equal((await s.load("s-1"))?.log.length, 1);
    },
    "lists by saga and status, ordered by startedAt then id": async (s) => {
      await s.save(instance("b", { startedAt: "2025-01-02T00:00:00.000Z" }));
      await s.save(instance("c", { startedAt: "2025-01-01T00:00:00.000Z", status: "completed" }));
      await s.save(instance("a", { startedAt: "2025-01-02T00:00:00.000Z", saga: "Other" }));
      assert.deepEqual(
        (await s.list()).map((i) => i.id),
        ["c", "a", "b"],
      );
      assert.deepEqual(
        (await s.list({ saga: "CreateOrderSaga" })).map((i) => i.id),
        ["c", "b"],
      );
      assert.deepEqual(
        (await s.list({ status: "running" })).map((i) => i.id),
        ["a", "b"],
      );
      assert.deepEqual(await s.list({ saga: "Other", status: "completed" }), []);
    },
  };
  describe(`SagaStateStore contract: ${opts.name}`, () => {
    for (const [name, run] of Object.entries(cases)) {
      const reason = opts.skip?.[name];
      test(name, reason === undefined ? {} : { skip: reason }, async () => run(await opts.newStore()));
    }
  });
}
