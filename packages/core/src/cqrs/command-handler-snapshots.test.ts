import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ManualClock } from "../runtime/clock.ts";
import { CommandHandler } from "./command-handler.ts";
import { EventStore } from "./event-store.ts";
import {
  type InventoryCommand,
  type InventoryEvent,
  type InventoryState,
  inventoryDecider,
} from "./inventory.fixture.ts";
import { SpyBackend } from "./spy-backend.fixture.ts";

const receive = (quantity: number): InventoryCommand => ({ type: "ReceiveStock", sku: "a", quantity });
const ship = (quantity: number): InventoryCommand => ({ type: "ShipStock", sku: "a", quantity });
const received = (quantity: number): InventoryEvent => ({
  type: "StockReceived",
  data: { sku: "a", quantity },
});

describe("CommandHandler snapshots", () => {
  const setup = (opts: { snapshotSchemaVersion?: number } = {}) => {
    const backend = new SpyBackend();
    const store = new EventStore({ backend, clock: new ManualClock(Date.UTC(2025, 0, 1)) });
    const handler = new CommandHandler<InventoryCommand, InventoryEvent, InventoryState>(
      store,
      inventoryDecider,
      {
        snapshotFrequency: 3,
        ...opts,
      },
    );
    return { backend, store, handler };
  };

  test("saves a snapshot each time an append crosses a multiple of snapshotFrequency", async () => {
    const { backend, handler } = setup();
    for (let i = 0; i < 7; i++) await handler.handle("inventory-a", receive(1));
    assert.deepEqual(
      backend.saved.map((s) => [s.version, s.state, s.schemaVersion, s.takenAt]),
      [
        [2, { onHand: 3 }, 1, "2025-01-01T00:00:00.000Z"],
        [5, { onHand: 6 }, 1, "2025-01-01T00:00:00.000Z"],
      ],
    );
  });

  test("loads from the latest snapshot and reads only the later events", async () => {
    const { backend, handler } = setup();
    for (let i = 0; i < 7; i++) await handler.handle("inventory-a", receive(1));
    backend.eventsRead = 0;
    assert.deepEqual(await handler.load("inventory-a"), {
      state: { onHand: 7 },
      version: 6,
      fromSnapshot: 5,
    });
    assert.equal(backend.eventsRead, 1, "only version 6 is read; versions 0-5 come from the snapshot");
    backend.eventsRead = 0;
    const shipped = await handler.handle("inventory-a", ship(7));
    assert.deepEqual([shipped.state, shipped.version], [{ onHand: 0 }, 7]);
    assert.equal(backend.eventsRead, 1);
  });

  test("a batch that jumps past a multiple still snapshots; a snapshot of another state schema is ignored", async () => {
    const { backend, store } = setup();
    const bulk = new CommandHandler(
      store,
      { ...inventoryDecider, decide: () => [received(1), received(1)] },
      {
        snapshotFrequency: 3,
      },
    );
    await bulk.handle("inventory-a", receive(1));
    await bulk.handle("inventory-a", receive(1));
    assert.deepEqual(
      backend.saved.map((s) => s.version),
      [3],
    );
    const v2 = new CommandHandler(store, inventoryDecider, {
      snapshotFrequency: 3,
      snapshotSchemaVersion: 2,
    });
    backend.eventsRead = 0;
    assert.deepEqual(await v2.load("inventory-a"), { state: { onHand: 4 }, version: 3 });
    assert.equal(backend.eventsRead, 4, "the v1 snapshot is not trusted: every event is folded");
  });

  test("a codec carries states JSON cannot; a failing snapshot never fails the command", async () => {
    const errors: string[] = [];
    const backend = new SpyBackend();
    const store = new EventStore({ backend });
    type Seen = { skus: Set<string> };
    const handler = new CommandHandler<InventoryCommand, InventoryEvent, Seen>(
      store,
      {
        initialState: () => ({ skus: new Set() }),
        decide: (c) => [received(c.type === "AdjustStock" ? c.delta : c.quantity)],
        evolve: (s, e) => ({ skus: new Set([...s.skus, e.data.sku]) }),
      },
      {
        snapshotFrequency: 1,
        snapshotCodec: {
          encode: (s) => [...s.skus],
          decode: (stored) => ({ skus: new Set(stored as string[]) }),
        },
      },
    );
    await handler.handle("inventory-a", receive(1));
    assert.deepEqual(backend.saved[0]?.state, ["a"]);
    assert.deepEqual((await handler.load("inventory-a")).state, { skus: new Set(["a"]) });
    backend.saveSnapshot = () => Promise.reject(new Error("disk full"));
    const quiet = new CommandHandler(store, inventoryDecider, {
      snapshotFrequency: 1,
      logger: { error: (_o, m) => errors.push(m ?? "") },
    });
    const result = await quiet.handle("inventory-b", receive(2));
    assert.equal(result.version, 0);
    assert.deepEqual(errors, ["snapshot failed; the command stands"]);
  });
});
