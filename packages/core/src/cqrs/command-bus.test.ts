import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { CommandBus } from "./command-bus.ts";
import { CommandHandler } from "./command-handler.ts";
import { EventStore } from "./event-store.ts";
import { type InventoryCommand, inventoryDecider, inventoryStream } from "./inventory.fixture.ts";

function inventoryBus() {
  const store = new EventStore();
  const handler = new CommandHandler(store, inventoryDecider);
  const bus = new CommandBus<InventoryCommand>();
  const route = (c: InventoryCommand, ctx: { correlationId?: string }) =>
    handler.handle(inventoryStream(c.sku), c, ctx);
  bus
    .register("ReceiveStock", route, {
      schema: z.object({
        type: z.literal("ReceiveStock"),
        sku: z.string().min(1),
        quantity: z.number().int().positive(),
      }),
    })
    .register("ShipStock", route)
    .register("AdjustStock", route);
  return { bus, store };
}

describe("CommandBus", () => {
  test("routes each command to the handler of its type, with the caller's context", async () => {
    const { bus, store } = inventoryBus();
    await bus.send({ type: "ReceiveStock", sku: "a", quantity: 5 }, { correlationId: "req-1" });
    const result = await bus.send<{ state: { onHand: number } }>({
      type: "ShipStock",
      sku: "a",
      quantity: 2,
    });
    assert.deepEqual(result.state, { onHand: 3 });
    const events = await store.readStream("inventory-a");
    assert.deepEqual(
      events.map((e) => [e.type, e.metadata.correlationId]),
      [
        ["StockReceived", "req-1"],
        ["StockShipped", undefined],
      ],
    );
    assert.deepEqual(bus.types(), ["ReceiveStock", "ShipStock", "AdjustStock"]);
    assert.ok(bus.has("ShipStock") && !bus.has("Nope"));
  });

  test("validates against the registered schema, naming each bad field", async () => {
    const { bus, store } = inventoryBus();
    await assert.rejects(bus.send({ type: "ReceiveStock", sku: "", quantity: 0 }), (e) => {
      assert.ok(hasErrorCode(e, "validation"));
      assert.equal(e.mapping.http, 400);
      assert.deepEqual(
        e.issues.map((i) => i.path),
        [["sku"], ["quantity"]],
      );
      return true;
    });
    assert.deepEqual(await store.readAll(), []);
  });

  test("an unknown type is not-found; a value without a type is invalid", async () => {
    const { bus } = inventoryBus();
    await assert.rejects(
      bus.send({ type: "CountStock" } as unknown as InventoryCommand),
      (e) => hasErrorCode(e, "not-found") && /no handler for command "CountStock"/.test(e.message),
    );
    await assert.rejects(bus.send({} as InventoryCommand), (e) => hasErrorCode(e, "validation"));
    await assert.rejects(bus.send(null as unknown as InventoryCommand), (e) => hasErrorCode(e, "validation"));
  });

  test("a second handler for a type is a conflict; handler errors pass through unchanged", async () => {
    const bus = new CommandBus();
    const boom = new Error("handler failed");
    bus.register("Fail", () => {
      throw boom;
    });
    assert.throws(
      () => bus.register("Fail", () => undefined),
      (e) => hasErrorCode(e, "conflict"),
    );
    assert.throws(
      () => bus.register("", () => undefined),
      (e) => hasErrorCode(e, "validation"),
    );
    await assert.rejects(bus.send({ type: "Fail" }), (e) => e === boom);
  });
});
