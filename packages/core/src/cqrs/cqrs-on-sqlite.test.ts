/**
 * The layer above storage on a real SQLite file: upcasting of stored rows, snapshots, inline SQL
 * projections that roll back with their append, async projections resuming from durable checkpoints,
 * and catch-up subscriptions across two connections (two processes, as far as the store knows).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { CommandHandler } from "./command-handler.ts";
import type { RecordedEvent } from "./event.ts";
import { EventStore } from "./event-store.ts";
import type { RecordedEventOf } from "./event-types.ts";
import { FakeSleep } from "./fake-sleep.fixture.ts";
import {
  type InventoryCommand,
  type InventoryEvent,
  inventoryDecider,
  inventoryStream,
  stockChange,
} from "./inventory.fixture.ts";
import { stockHistory } from "./inventory-projections.fixture.ts";
import { openEventStoreBackend } from "./open-event-store-backend.ts";
import { ProjectionRegistry } from "./projection-registry.ts";
import type { Projection } from "./projections/projection.ts";
import { SqliteEventStoreBackend } from "./sqlite-event-store-backend.ts";
import { defineUpcaster, type Upcaster } from "./upcasting/upcaster.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-cqrs-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `events-${++files}.db`);

/** A store on `path`; a second call on the same path is another connection, like another process. */
async function open(path: string, opts: { upcasters?: readonly Upcaster[] } = {}) {
  const backend = await openEventStoreBackend(`sqlite:${path}`);
  const sleeper = new FakeSleep();
  const store = new EventStore({ backend, sleep: sleeper.sleep, upcasters: opts.upcasters ?? [] });
  return { backend, sleeper, store };
}

const receive = (sku: string, quantity: number): InventoryCommand => ({
  type: "ReceiveStock",
  sku,
  quantity,
});

/** InventoryLevel as a SQL table, written in the append's transaction. */
const sqlInventoryLevel = (poisonReason?: string): Projection => ({
  name: "InventoryLevel",
  handles: ["StockReceived", "StockShipped", "StockAdjusted"],
  async apply(recorded, tx) {
    const event = recorded as RecordedEventOf<InventoryEvent>;
    assert.ok(tx.query, "SQL backends hand inline projections a query function");
    await tx.query(
      "INSERT INTO inventory_level (sku, quantity) VALUES (?, ?) ON CONFLICT (sku) DO UPDATE SET quantity = quantity + excluded.quantity",
      [event.data.sku, stockChange(event)],
    );
    if (event.type === "StockAdjusted" && event.data.reason === poisonReason) throw new Error("poisoned");
  },
});

function levels(path: string): Record<string, number> {
  const db = new DatabaseSync(path);
  try {
    const rows = db.prepare("SELECT sku, quantity FROM inventory_level ORDER BY sku").all();
    return Object.fromEntries(rows.map((r) => [r.sku as string, r.quantity as number]));
  } finally {
    db.close();
  }
}

describe("CQRS on a SQLite file", () => {
  test("upcasts rows written by three generations, after reopening the file", async () => {
    const path = newFile();
    const qtyToQuantity = defineUpcaster<{ sku: string; qty: number }, { sku: string; quantity: number }>({
      type: "InventoryReceived",
      fromSchemaVersion: 1,
      upcast: ({ sku, qty }) => ({ sku, quantity: qty }),
    });
    const addUnit = defineUpcaster<{ quantity: number }, { quantity: number; unit: string }>({
      type: "InventoryReceived",
      fromSchemaVersion: 2,
      upcast: (d) => ({ ...d, unit: "each" }),
    });
    const gen1 = await open(path);
    await gen1.store.append("s", [{ type: "InventoryReceived", data: { sku: "a", qty: 5 } }]);
    await gen1.store.close();
    const gen2 = await open(path, { upcasters: [qtyToQuantity] });
    await gen2.store.append("s", [{ type: "InventoryReceived", data: { sku: "a", quantity: 2 } }]);
    await gen2.store.close();
    const gen3 = await open(path, { upcasters: [qtyToQuantity, addUnit] });
    const read = await gen3.store.readStream("s");
    assert.deepEqual(
      read.map((e) => [e.schemaVersion, e.data]),
      [
        [3, { sku: "a", quantity: 5, unit: "each" }],
        [3, { sku: "a", quantity: 2, unit: "each" }],
      ],
    );
    assert.deepEqual(
      (await gen3.backend.readStream("s")).map((e) => e.schemaVersion),
      [1, 2],
    );
    await gen3.store.close();
  });

  test("snapshots survive a restart and spare the reads of earlier events", async () => {
    const path = newFile();
    const first = await open(path);
    const handler = new CommandHandler(first.store, inventoryDecider, { snapshotFrequency: 10 });
    for (let i = 0; i < 25; i++) await handler.handle(inventoryStream("a"), receive("a", 1));
    await first.store.close();

    class Spy extends SqliteEventStoreBackend {
      eventsRead = 0;
      override async readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]> {
        const events = await super.readStream(streamId, fromVersion);
        this.eventsRead += events.length;
        return events;
      }
    }
    const backend = new Spy({ path });
    const store = new EventStore({ backend });
    const again = new CommandHandler(store, inventoryDecider, { snapshotFrequency: 10 });
    assert.deepEqual(await again.load(inventoryStream("a")), {
      state: { onHand: 25 },
      version: 24,
      fromSnapshot: 19,
    });
    assert.equal(backend.eventsRead, 5);
    await store.close();
  });

  test("an inline SQL projection commits with its append, and a throwing one leaves no event and no row", async () => {
    const path = newFile();
    const { store } = await open(path);
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE inventory_level (sku TEXT PRIMARY KEY, quantity INTEGER NOT NULL)");
    db.close();
    new ProjectionRegistry(store).register(sqlInventoryLevel("poison"));
    const handler = new CommandHandler(store, inventoryDecider);
    await handler.handle(inventoryStream("a"), receive("a", 4));
    await handler.handle(inventoryStream("b"), receive("b", 1));
    assert.deepEqual(levels(path), { a: 4, b: 1 });
    await assert.rejects(
      handler.handle(inventoryStream("a"), { type: "AdjustStock", sku: "a", delta: 3, reason: "poison" }),
      (e) => hasErrorCode(e, "internal") && /poisoned/.test(e.message),
    );
    assert.deepEqual(levels(path), { a: 4, b: 1 }, "the row written before the throw rolled back");
    assert.equal((await store.readAll()).length, 2, "so did the event");
    await store.close();
  });

  test("an async projection resumes from its durable checkpoint after a restart", async () => {
    const path = newFile();
    const first = await open(path);
    const history1 = stockHistory("async");
    const registry1 = new ProjectionRegistry(first.store);
    registry1.register(history1.projection);
    const handler = new CommandHandler(first.store, inventoryDecider);
    await handler.handle(inventoryStream("a"), receive("a", 1));
    await handler.handle(inventoryStream("a"), receive("a", 2));
    await registry1.caughtUp();
    await first.store.close();

    const second = await open(path);
    assert.equal(await second.store.loadCheckpoint("StockHistory"), 2);
    await new CommandHandler(second.store, inventoryDecider).handle(inventoryStream("a"), receive("a", 3));
    const history2 = stockHistory("async");
    const registry2 = new ProjectionRegistry(second.store);
    registry2.register(history2.projection);
    await registry2.caughtUp();
    assert.deepEqual(
      history2.rows.get("a")?.map((l) => [l.position, l.change]),
      [[3, 3]],
    );
    assert.equal(await second.store.loadCheckpoint("StockHistory"), 3);
    await second.store.close();
  });

  test("a catch-up subscription sees another connection's appends at its next poll, in order", async () => {
    const path = newFile();
    const reader = await open(path);
    const writer = await open(path);
    await writer.store.append("w", [{ type: "Early", data: 0 }]);
    const seen: string[] = [];
    const sub = reader.store.subscribe({ name: "audit" }, (e) => {
      seen.push(`${e.position}:${e.type}`);
    });
    await sub.caughtUp();
    await reader.sleeper.sleeping();
    await writer.store.append("w", [
      { type: "Late1", data: 0 },
      { type: "Late2", data: 0 },
    ]);
    await reader.sleeper.poll();
    assert.deepEqual(seen, ["1:Early", "2:Late1", "3:Late2"]);
    assert.equal(await writer.store.loadCheckpoint("audit"), 3);
    await reader.store.close();
    await writer.store.close();
  });
});
