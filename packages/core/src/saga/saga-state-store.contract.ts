/**
 * The contract suite every `SagaStateStore` must pass (house style rule 4).
 *
 * @example
 * runSagaStateStoreContract({ name: "memory", newStore: () => new InMemorySagaStateStore() });
 * @module
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import type { SagaInstance } from "./saga-instance.ts";
import type { SagaStateStore } from "./saga-state-store.ts";

/** How to run the suite against one store. */
export interface SagaStateStoreContractOptions {
  readonly name: string;
  /** A fresh, empty store for each case; the suite closes it. */
  readonly newStore: () => SagaStateStore | Promise<SagaStateStore>;
  /**
   * Another store over the same data as `store` (a second connection, as a second process would
   * have); the suite closes it. Default: `store` itself.
   */
  readonly connectAgain?: (store: SagaStateStore) => SagaStateStore | Promise<SagaStateStore>;
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
    revision: 1,
    startedAt: "2025-01-01T00:00:00.000Z",
    ...over,
  };
}

const concurrency = (e: unknown) => hasErrorCode(e, "concurrency");

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
      await s.save(
        instance("s-1", { status: "completed", completedSteps: ["ValidateInventory"], revision: 2 }),
      );
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
      loaded?.log.push({ at: "", action: "saga", outcome: "failed" });
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
    "a stale save is a concurrency error naming both revisions, and writes nothing": async (s) => {
      await s.save(instance("s-1"));
      await s.save(instance("s-1", { revision: 2, status: "compensating" }));
      await assert.rejects(s.save(instance("s-1", { revision: 2, status: "completed" })), (e) => {
        assert.ok(hasErrorCode(e, "concurrency"));
        assert.deepEqual(e.details, { id: "s-1", expected: 1, actual: 2 });
        return true;
      });
      await assert.rejects(s.save(instance("s-1", { revision: 4 })), concurrency, "skips a revision");
      await assert.rejects(s.save(instance("s-1")), concurrency, "creates it twice");
      await assert.rejects(s.save(instance("s-2", { revision: 2 })), concurrency, "updates a missing one");
      assert.equal((await s.load("s-1"))?.status, "compensating");
      assert.equal((await s.load("s-1"))?.revision, 2);
      assert.equal(await s.load("s-2"), undefined);
    },
    "a revision that is not an integer >= 1 is a validation error": async (s) => {
      for (const revision of [0, -1, 1.5, Number.NaN]) {
        await assert.rejects(s.save(instance("s-1", { revision })), (e) => hasErrorCode(e, "validation"));
      }
    },
  };
  const raceCases: Record<string, (a: SagaStateStore, b: SagaStateStore) => Promise<void>> = {
    "two connections saving the same revision: exactly one wins": async (a, b) => {
      await a.save(instance("s-1"));
      const results = await Promise.allSettled([
        a.save(instance("s-1", { revision: 2, status: "completed" })),
        b.save(instance("s-1", { revision: 2, status: "compensating" })),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
      assert.equal(won.length, 1);
      assert.ok(lost.length === 1 && concurrency(lost[0]));
      const winner = results[0]?.status === "fulfilled" ? "completed" : "compensating";
      assert.equal((await b.load("s-1"))?.status, winner);
      assert.equal((await a.load("s-1"))?.status, winner);
    },
    "two connections creating the same instance: exactly one wins": async (a, b) => {
      const results = await Promise.allSettled([
        a.save(instance("s-1", { saga: "A" })),
        b.save(instance("s-1", { saga: "B" })),
      ]);
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
      assert.equal((await a.list()).length, 1);
    },
  };
  describe(`SagaStateStore contract: ${opts.name}`, () => {
    for (const [name, run] of Object.entries(cases)) {
      const reason = opts.skip?.[name];
      test(name, reason === undefined ? {} : { skip: reason }, async () => {
        const store = await opts.newStore();
        try {
          await run(store);
        } finally {
          await store.close();
        }
      });
    }
    for (const [name, run] of Object.entries(raceCases)) {
      const reason = opts.skip?.[name];
      test(name, reason === undefined ? {} : { skip: reason }, async () => {
        const a = await opts.newStore();
        const b = (await opts.connectAgain?.(a)) ?? a;
        try {
          await run(a, b);
        } finally {
          if (b !== a) await b.close();
          await a.close();
        }
      });
    }
  });
}
