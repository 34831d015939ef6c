import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { CommandHandler } from "./command-handler.ts";
import type { RecordedEvent } from "./event.ts";
import { EventStore } from "./event-store.ts";
import { inventoryDecider } from "./inventory.fixture.ts";
import type { Projection } from "./projection-registry.ts";
import { ProjectionRegistry } from "./projection-registry.ts";

/** The InventoryLevel read model: on-hand quantity per SKU (stream id). */
function inventoryLevel() {
  const levels = new Map<string, number>();
  const projection: Projection = {
    name: "InventoryLevel",
    handles: ["StockReceived", "StockShipped"],
    apply(event: RecordedEvent) {
      const { qty } = event.data as { qty: number };
      const delta = event.type === "StockReceived" ? qty : -qty;
      levels.set(event.streamId, (levels.get(event.streamId) ?? 0) + delta);
    },
  };
  return { levels, projection };
}

function setup() {
  const store = new EventStore();
  const registry = new ProjectionRegistry(store);
  const handler = new CommandHandler(store, inventoryDecider);
  const level = inventoryLevel();
  registry.register(level.projection);
  return { store, registry, handler, level };
}

describe("ProjectionRegistry", () => {
  test("applies an inline projection before the command returns", async () => {
    const { handler, level, store } = setup();
    await handler.handle("sku-1", { type: "ReceiveStock", qty: 5 });
    assert.equal(level.levels.get("sku-1"), 5);
    await handler.handle("sku-1", { type: "ShipStock", qty: 2 });
    await handler.handle("sku-2", { type: "ReceiveStock", qty: 7 });
    await store.append("sku-1", [{ type: "Audited", data: {} }]);
    assert.deepEqual(Object.fromEntries(level.levels), { "sku-1": 3, "sku-2": 7 });
  });

  test("rebuild resets and replays the log into the same read model", async () => {
    const { handler, level, registry, store } = setup();
    for (let i = 0; i < 3; i++) await handler.handle("sku-1", { type: "ReceiveStock", qty: 2 });
    await store.append("other", [{ type: "Ignored", data: null }]);
    const applied = await registry.rebuild("InventoryLevel", () => level.levels.clear());
    assert.equal(applied, 3);
    assert.deepEqual(Object.fromEntries(level.levels), { "sku-1": 6 });
    assert.deepEqual(registry.status(), [{ name: "InventoryLevel", state: "live", position: 4 }]);
  });

  test("a rebuild and concurrent appends neither lose nor double-apply events", async () => {
    const { handler, level, registry } = setup();
    for (let i = 0; i < 600; i++) await handler.handle(`sku-${i % 3}`, { type: "ReceiveStock", qty: 1 });
    const rebuilding = registry.rebuild(undefined, () => level.levels.clear());
    const writes = [1, 2, 3].map((n) => handler.handle(`sku-${n % 3}`, { type: "ReceiveStock", qty: 1 }));
    await Promise.all([rebuilding, ...writes]);
    assert.deepEqual(Object.fromEntries(level.levels), { "sku-0": 201, "sku-1": 201, "sku-2": 201 });
  });

  test("a failing projection is marked failed without failing appends or other projections, and rebuild heals it", async () => {
    const { handler, level, registry } = setup();
    let failOn: string | undefined = "StockShipped";
    const seen: string[] = [];
    registry.register({
      name: "Fragile",
      handles: ["*"],
      apply(e) {
        if (e.type === failOn) throw new Error("read model down");
        seen.push(e.type);
      },
    });
    await handler.handle("sku-1", { type: "ReceiveStock", qty: 5 });
    await handler.handle("sku-1", { type: "ShipStock", qty: 1 });
    await handler.handle("sku-1", { type: "ReceiveStock", qty: 1 });
    assert.equal(level.levels.get("sku-1"), 5);
    assert.deepEqual(seen, ["StockReceived"], "nothing is applied after the hole");
    assert.deepEqual(registry.status()[1], {
      name: "Fragile",
      state: "failed",
      position: 1,
      error: "read model down",
    });
    failOn = undefined;
    assert.equal(await registry.rebuild("Fragile", () => void seen.splice(0)), 3);
    assert.deepEqual(seen, ["StockReceived", "StockShipped", "StockReceived"]);
    assert.equal(registry.status()[1]?.state, "live");
  });

  test("rebuild reports an apply failure; names, duplicates and unknown names", async () => {
    const { registry, handler } = setup();
    registry.register({
      name: "Broken",
      handles: ["StockReceived"],
      apply: () => Promise.reject(new Error("no")),
    });
    await handler.handle("sku-1", { type: "ReceiveStock", qty: 1 });
    await assert.rejects(
      registry.rebuild("Broken"),
      (e) => hasErrorCode(e, "internal") && /Broken/.test(e.message),
    );
    assert.deepEqual(registry.names(), ["InventoryLevel", "Broken"]);
    assert.throws(
      () => registry.register(inventoryLevel().projection),
      (e) => hasErrorCode(e, "conflict"),
    );
    await assert.rejects(registry.rebuild("Nope"), (e) => hasErrorCode(e, "not-found"));
  });
});
