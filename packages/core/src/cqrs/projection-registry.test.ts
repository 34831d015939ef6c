import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { CommandHandler } from "./command-handler.ts";
import { EventStore } from "./event-store.ts";
import type { EventStoreBackend } from "./event-store-backend.ts";
import { FakeSleep } from "./fake-sleep.fixture.ts";
import { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";
import { type InventoryCommand, inventoryDecider, inventoryStream } from "./inventory.fixture.ts";
import { inventoryLevel, lowStockAlert, stockHistory } from "./inventory-projections.fixture.ts";
import { ProjectionRegistry } from "./projection-registry.ts";
import type { ProjectionKind } from "./projections/projection.ts";

function setup(
  kind: ProjectionKind = "inline",
  backend: EventStoreBackend = new InMemoryEventStoreBackend(),
) {
  const sleeper = new FakeSleep();
  const store = new EventStore({ backend, sleep: sleeper.sleep });
  const registry = new ProjectionRegistry(store);
  const handler = new CommandHandler(store, inventoryDecider);
  const send = (c: InventoryCommand) => handler.handle(inventoryStream(c.sku), c);
  const level = inventoryLevel(kind);
  const history = stockHistory(kind);
  const low = lowStockAlert(5, kind);
  for (const p of [level, history, low]) registry.register(p.projection);
  return { backend, sleeper, store, registry, send, level, history, low };
}

const receive = (sku: string, quantity: number): InventoryCommand => ({
  type: "ReceiveStock",
  sku,
  quantity,
});
const ship = (sku: string, quantity: number): InventoryCommand => ({ type: "ShipStock", sku, quantity });
const adjust = (sku: string, delta: number, reason = "count"): InventoryCommand => ({
  type: "AdjustStock",
  sku,
  delta,
  reason,
});

describe("ProjectionRegistry: inline", () => {
  test("InventoryLevel, StockHistory and LowStockAlert are current when the command returns", async () => {
    const { send, level, history, low } = setup();
    await send(receive("a", 10));
    assert.deepEqual(level.rows.toJSON(), { a: 10 });
    await send(ship("a", 7));
    await send(receive("b", 2));
    await send(adjust("b", 4));
    assert.deepEqual(level.rows.toJSON(), { a: 3, b: 6 });
    assert.deepEqual(low.rows.toJSON(), { a: { onHand: 3, since: 2 } });
    assert.deepEqual(
      history.rows.get("b")?.map((l) => [l.position, l.type, l.change]),
      [
        [3, "StockReceived", 2],
        [4, "StockAdjusted", 4],
      ],
    );
  });

  test("a throwing inline projection fails the append: no event, and no row in any projection", async () => {
    const { send, store, registry, level, history, low } = setup();
    registry.register({
      name: "Auditor",
      handles: ["StockAdjusted"],
      apply(event) {
        if ((event.data as { reason: string }).reason === "poison") throw new Error("audit store down");
      },
    });
    await send(receive("a", 3));
    const before = { level: level.rows.toJSON(), history: history.rows.toJSON(), low: low.rows.toJSON() };
    await assert.rejects(
      send(adjust("a", 4, "poison")),
      (e) =>
        hasErrorCode(e, "internal") &&
        /projection "Auditor" failed on "StockAdjusted" at position 2: audit store down/.test(e.message),
    );
    assert.deepEqual((await store.readAll()).length, 1);
    assert.deepEqual(
      { level: level.rows.toJSON(), history: history.rows.toJSON(), low: low.rows.toJSON() },
      before,
    );
    assert.deepEqual(
      registry.status().map((s) => [s.name, s.state, s.position]),
      [
        ["InventoryLevel", "live", 1],
        ["StockHistory", "live", 1],
        ["LowStockAlert", "live", 1],
        ["Auditor", "live", 1],
      ],
    );
    await send(adjust("a", 4, "found"));
    assert.deepEqual(level.rows.toJSON(), { a: 7 }, "the next append goes through");
  });

  test("rebuild resets and replays the log into the same read models", async () => {
    const { send, registry, store, level, low } = setup();
    for (let i = 0; i < 3; i++) await send(receive("a", 2));
    await store.append("other", [{ type: "Ignored", data: null }]);
    level.rows.set("stale", 99);
    assert.equal(await registry.rebuild("InventoryLevel"), 3);
    assert.deepEqual(level.rows.toJSON(), { a: 6 });
    assert.equal(await registry.rebuild(undefined, () => low.rows.set("junk", { onHand: 0, since: 0 })), 3);
    assert.deepEqual(low.rows.toJSON(), {}, "the projection's own reset runs after the caller's");
    assert.deepEqual(registry.status()[0], {
      name: "InventoryLevel",
      kind: "inline",
      state: "live",
      position: 4,
    });
  });

  test("a rebuild and concurrent appends neither lose nor double-apply events", async () => {
    const { send, registry, level } = setup();
    for (let i = 0; i < 600; i++) await send(receive(`s${i % 3}`, 1));
    const rebuilding = registry.rebuild();
    const writes = [1, 2, 3].map((n) => send(receive(`s${n % 3}`, 1)));
    await Promise.all([rebuilding, ...writes]);
    assert.deepEqual(level.rows.toJSON(), { s0: 201, s1: 201, s2: 201 });
  });

  test("a rebuild that fails leaves the projection failed until a rebuild succeeds", async () => {
    const { send, registry } = setup();
    let broken = true;
    registry.register({
      name: "Fragile",
      handles: ["StockReceived"],
      apply: () => (broken ? Promise.reject(new Error("no")) : undefined),
    });
    broken = false;
    await send(receive("a", 1));
    broken = true;
    await assert.rejects(
      registry.rebuild("Fragile"),
      (e) => hasErrorCode(e, "internal") && /Fragile/.test(e.message),
    );
    assert.equal(registry.status()[3]?.state, "failed");
    broken = false;
    assert.equal(await registry.rebuild("Fragile"), 1);
    assert.equal(registry.status()[3]?.state, "live");
  });

  test("names, duplicates, bad kinds and unknown names", async () => {
    const { registry } = setup();
    assert.deepEqual(registry.names(), ["InventoryLevel", "StockHistory", "LowStockAlert"]);
    assert.throws(
      () => registry.register(inventoryLevel("async").projection),
      (e) => hasErrorCode(e, "conflict"),
    );
    assert.throws(
      () => registry.register({ ...inventoryLevel().projection, name: "X", kind: "eager" as ProjectionKind }),
      (e) => hasErrorCode(e, "validation"),
    );
    assert.throws(
      () => registry.register({ ...inventoryLevel().projection, name: "" }),
      (e) => hasErrorCode(e, "validation"),
    );
    await assert.rejects(registry.rebuild("Nope"), (e) => hasErrorCode(e, "not-found"));
    await assert.rejects(registry.caughtUp("Nope"), (e) => hasErrorCode(e, "not-found"));
  });
});

describe("ProjectionRegistry: async", () => {
  test("catches up the history from checkpoint 0, then follows appends, saving checkpoints by name", async () => {
    const backend = new InMemoryEventStoreBackend();
    const writer = setup("inline", backend);
    await writer.send(receive("a", 10));
    await writer.send(ship("a", 6));
    const { registry, send, backend: b, level, low } = setup("async", backend);
    await registry.caughtUp();
    assert.deepEqual(level.rows.toJSON(), { a: 4 });
    await send(receive("b", 1));
    await registry.caughtUp();
    assert.deepEqual(low.rows.toJSON(), { a: { onHand: 4, since: 2 }, b: { onHand: 1, since: 3 } });
    for (const name of registry.names()) assert.equal(await b.loadCheckpoint(name), 3);
    assert.deepEqual(registry.status()[0], {
      name: "InventoryLevel",
      kind: "async",
      state: "live",
      position: 3,
    });
    await registry.stop();
    assert.equal(registry.status()[0]?.state, "stopped");
  });

  test("a new process resumes from the checkpoints; appends of other processes arrive at the next poll", async () => {
    const backend = new InMemoryEventStoreBackend();
    const first = setup("async", backend);
    await first.send(receive("a", 3));
    await first.registry.caughtUp();
    await first.registry.stop();
    const other = setup("inline", backend);
    await other.send(receive("a", 4));
    const second = setup("async", backend);
    await second.registry.caughtUp();
    assert.deepEqual(
      second.history.rows.get("a")?.map((l) => l.position),
      [2],
      "position 1 was done before",
    );
    await second.sleeper.sleeping();
    await other.send(ship("a", 1));
    await second.registry.caughtUp();
    assert.equal(second.history.rows.get("a")?.length, 1, "not before the poll");
    await second.sleeper.poll();
    await second.registry.caughtUp();
    assert.deepEqual(
      second.history.rows.get("a")?.map((l) => l.position),
      [2, 3],
    );
    await second.registry.stop();
  });

  test("at-least-once: a lost checkpoint redelivers, and idempotent apply ignores the repeat", async () => {
    class FlakyCheckpoints extends InMemoryEventStoreBackend {
      failNext = false;
      override async saveCheckpoint(name: string, position: number): Promise<void> {
        if (this.failNext && name === "StockHistory") {
          this.failNext = false;
          throw new Error("crashed before saving the checkpoint");
        }
        await super.saveCheckpoint(name, position);
      }
    }
    const backend = new FlakyCheckpoints();
    const { registry, send, history } = setup("async", backend);
    await send(receive("a", 1));
    await registry.caughtUp();
    backend.failNext = true;
    await send(receive("a", 2));
    await assert.rejects(registry.caughtUp("StockHistory"), /crashed before saving/);
    assert.equal(registry.status()[1]?.state, "failed");
    assert.equal(await backend.loadCheckpoint("StockHistory"), 1);
    await registry.resume("StockHistory");
    await registry.caughtUp();
    assert.deepEqual(
      history.rows.get("a")?.map((l) => l.position),
      [1, 2],
      "redelivered once, applied once",
    );
    assert.equal(await backend.loadCheckpoint("StockHistory"), 2);
    await registry.stop();
  });

  test("a failing apply stops only that projection at the event before; resume retries it", async () => {
    const { registry, send, backend, level } = setup("async");
    let down = true;
    registry.register({
      name: "Mailer",
      kind: "async",
      handles: ["StockShipped"],
      apply: () => (down ? Promise.reject(new Error("smtp down")) : undefined),
    });
    await send(receive("a", 5));
    await send(ship("a", 1));
    await assert.rejects(registry.caughtUp("Mailer"), /smtp down/);
    assert.deepEqual(registry.status()[3], {
      name: "Mailer",
      kind: "async",
      state: "failed",
      position: 1,
      error: 'projection "Mailer" failed on "StockShipped" at position 2: smtp down',
    });
    await registry.caughtUp("InventoryLevel");
    assert.deepEqual(level.rows.toJSON(), { a: 4 });
    down = false;
    await registry.resume("Mailer");
    await registry.caughtUp();
    assert.equal(await backend.loadCheckpoint("Mailer"), 2);
    await registry.stop();
  });

  test("rebuild resets the read model and the checkpoint, then replays from zero", async () => {
    const { registry, send, backend, level, history } = setup("async");
    await send(receive("a", 5));
    await send(receive("b", 5));
    await registry.caughtUp();
    level.rows.set("a", 1000);
    assert.equal(await registry.rebuild("InventoryLevel"), 2);
    assert.deepEqual(level.rows.toJSON(), { a: 5, b: 5 });
    assert.equal(await backend.loadCheckpoint("InventoryLevel"), 2);
    assert.equal(await registry.rebuild(), 6);
    assert.equal(history.rows.get("a")?.length, 1);
    await send(ship("a", 5));
    await registry.caughtUp();
    assert.deepEqual(level.rows.toJSON(), { a: 0, b: 5 }, "live again after the rebuild");
    await registry.stop();
  });
});
