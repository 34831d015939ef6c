import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { ManualClock, sequentialIds } from "../../runtime/clock.ts";
import type { RecordedEvent } from "../event.ts";
import { EventStore } from "../event-store.ts";
import type { EventStoreBackend } from "../event-store-backend.ts";
import { InMemoryEventStoreBackend } from "../in-memory-event-store-backend.ts";
import { defineUpcaster, type Upcaster } from "./upcaster.ts";
import { UpcasterRegistry } from "./upcaster-registry.ts";

/** InventoryReceived v1 `{ sku, qty }` → v2 `{ sku, quantity }` → v3 `{ sku, quantity, unit }`. */
type ReceivedV1 = { sku: string; qty: number };
type ReceivedV2 = { sku: string; quantity: number };
type ReceivedV3 = { sku: string; quantity: number; unit: string };

const qtyToQuantity = defineUpcaster<ReceivedV1, ReceivedV2>({
  type: "InventoryReceived",
  fromSchemaVersion: 1,
  upcast: ({ sku, qty }) => ({ sku, quantity: qty }),
});
const addUnit = defineUpcaster<ReceivedV2, ReceivedV3>({
  type: "InventoryReceived",
  fromSchemaVersion: 2,
  upcast: (data) => ({ ...data, unit: "each" }),
});

const stored = (schemaVersion: number, data: unknown, type = "InventoryReceived"): RecordedEvent =>
  Object.freeze({
    id: `e-${schemaVersion}`,
    streamId: "s",
    version: 0,
    position: 1,
    type,
    schemaVersion,
    data,
    metadata: {},
    recordedAt: "2025-01-01T00:00:00.000Z",
  });

const storeOn = (backend: EventStoreBackend, upcasters: readonly Upcaster[]) =>
  new EventStore({
    backend,
    upcasters,
    clock: new ManualClock(0),
    ids: sequentialIds(`gen${upcasters.length}`),
  });

describe("UpcasterRegistry", () => {
  test("chains v1 → v2 → v3 and knows each type's current version", () => {
    const registry = new UpcasterRegistry([addUnit, qtyToQuantity]);
    assert.equal(registry.currentVersion("InventoryReceived"), 3);
    assert.equal(registry.currentVersion("Other"), 1);
    const v1 = stored(1, { sku: "a", qty: 4 });
    const up = registry.upcast(v1);
    assert.deepEqual([up.schemaVersion, up.data], [3, { sku: "a", quantity: 4, unit: "each" }]);
    assert.deepEqual(registry.upcast(stored(2, { sku: "a", quantity: 4 })).data, {
      sku: "a",
      quantity: 4,
      unit: "each",
    });
    assert.ok(Object.isFrozen(up) && Object.isFrozen(up.data));
    assert.deepEqual(v1.data, { sku: "a", qty: 4 }, "the stored event is untouched");
    const current = stored(3, { sku: "a", quantity: 1, unit: "box" });
    assert.equal(registry.upcast(current), current, "an event at the current version is returned as is");
    const newer = stored(4, { future: true });
    assert.equal(registry.upcast(newer), newer, "a newer version passes through: there is no way down");
  });

  test("rejects bad and duplicate steps; reports a hole in the chain and a throwing upcaster", () => {
    const registry = new UpcasterRegistry([qtyToQuantity]);
    const invalid = (e: unknown) => hasErrorCode(e, "validation");
    assert.throws(() => registry.register({ ...addUnit, fromSchemaVersion: 0 }), invalid);
    assert.throws(() => registry.register({ ...addUnit, type: "" }), invalid);
    assert.throws(
      () => registry.register(qtyToQuantity),
      (e) => hasErrorCode(e, "conflict"),
    );
    registry.register({ type: "InventoryReceived", fromSchemaVersion: 3, upcast: (d) => d });
    assert.throws(
      () => registry.upcast(stored(1, { sku: "a", qty: 1 })),
      (e) => hasErrorCode(e, "configuration") && /no upcaster goes from 2 to 3/.test(e.message),
    );
    const broken = new UpcasterRegistry([
      {
        type: "X",
        fromSchemaVersion: 1,
        upcast: () => {
          throw new Error("bad row");
        },
      },
    ]);
    assert.throws(
      () => broken.upcast(stored(1, {}, "X")),
      (e) => hasErrorCode(e, "internal") && /"X" \(id e-1, position 1\).*bad row/.test(e.message),
    );
  });
});

describe("EventStore with upcasters", () => {
  test("reads rows of three generations as v3, including rows written before any upcaster existed", async () => {
    const backend = new InMemoryEventStoreBackend();
    // Generation 1: the service had no upcasters; events are written at schema version 1.
    await storeOn(backend, []).append("inventory-a", [
      { type: "InventoryReceived", data: { sku: "a", qty: 5 } },
    ]);
    // Generation 2: qty became quantity.
    const v2 = storeOn(backend, [qtyToQuantity]);
    const written = await v2.append("inventory-a", [
      { type: "InventoryReceived", data: { sku: "a", quantity: 2 } },
    ]);
    assert.equal(written.events[0]?.schemaVersion, 2);
    // Generation 3: a unit was added.
    const v3 = storeOn(backend, [qtyToQuantity, addUnit]);
    await v3.append("inventory-a", [
      { type: "InventoryReceived", data: { sku: "a", quantity: 1, unit: "box" } },
    ]);

    assert.deepEqual(
      (await backend.readStream("inventory-a")).map((e) => e.schemaVersion),
      [1, 2, 3],
      "rows stay as written",
    );
    const expected = [
      { sku: "a", quantity: 5, unit: "each" },
      { sku: "a", quantity: 2, unit: "each" },
      { sku: "a", quantity: 1, unit: "box" },
    ];
    const read = await v3.readStream("inventory-a");
    assert.deepEqual(
      read.map((e) => e.data),
      expected,
    );
    assert.deepEqual(
      read.map((e) => e.schemaVersion),
      [3, 3, 3],
    );
    assert.deepEqual(
      (await v3.readAll()).map((e) => e.data),
      expected,
    );
    const live: unknown[] = [];
    const sub = v3.subscribe({ fromPosition: 1 }, (e) => {
      live.push(e.data);
    });
    await sub.caughtUp();
    await sub.stop();
    assert.deepEqual(live, expected, "subscriptions see upcast events too");
    assert.deepEqual(
      (await v2.readStream("inventory-a")).map((e) => e.data),
      [
        { sku: "a", quantity: 5 },
        { sku: "a", quantity: 2 },
        { sku: "a", quantity: 1, unit: "box" },
      ],
      "an older deployment reads newer rows unchanged",
    );
  });

  test("accepts a ready registry and exposes it", () => {
    const registry = new UpcasterRegistry([qtyToQuantity]);
    const store = new EventStore({ upcasters: registry });
    assert.equal(store.upcasters, registry);
  });
});
