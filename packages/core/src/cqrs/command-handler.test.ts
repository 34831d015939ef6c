import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { CommandHandler } from "./command-handler.ts";
import { isConcurrencyError } from "./concurrency-error.ts";
import type { ExpectedVersion, RecordedEvent, RecordedEventDraft } from "./event.ts";
import { EventStore } from "./event-store.ts";
import type { AppendOptions } from "./event-store-backend.ts";
import { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";
import { type InventoryCommand, type InventoryEvent, inventoryDecider } from "./inventory.fixture.ts";
import { SpyBackend } from "./spy-backend.fixture.ts";

const receive = (quantity: number): InventoryCommand => ({ type: "ReceiveStock", sku: "a", quantity });
const ship = (quantity: number): InventoryCommand => ({ type: "ShipStock", sku: "a", quantity });
const received = (quantity: number): InventoryEvent => ({
  type: "StockReceived",
  data: { sku: "a", quantity },
});

/** Given past events, when a command is decided, then these events (or this error). */
function given(events: InventoryEvent[]) {
  const state = events.reduce(inventoryDecider.evolve, inventoryDecider.initialState());
  return { when: (command: InventoryCommand) => () => inventoryDecider.decide(command, state) };
}

/** A backend where another writer slips an event into the stream just before our next `times` appends. */
class RacingBackend extends InMemoryEventStoreBackend {
  attempts = 0;
  readonly race: { times: number; event: InventoryEvent };
  constructor(race: { times: number; event: InventoryEvent }) {
    super();
    this.race = race;
  }
  override async append(
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
    options?: AppendOptions,
  ): Promise<RecordedEvent[]> {
    if (drafts.length > 0 && this.attempts++ < this.race.times) {
      const { type, data } = this.race.event;
      await super.append(
        streamId,
        [{ id: `rival-${this.attempts}`, type, data, metadata: {}, recordedAt: "" }],
        "any",
      );
    }
    return super.append(streamId, drafts, expected, options);
  }
}

describe("inventory decider (given / when / then)", () => {
  test("receiving stock records it", () => {
    assert.deepEqual(given([]).when(receive(5))(), [received(5)]);
  });
  test("shipping within stock records it; adjusting records the delta and reason", () => {
    assert.deepEqual(given([received(5)]).when(ship(5))(), [
      { type: "StockShipped", data: { sku: "a", quantity: 5 } },
    ]);
    assert.deepEqual(
      given([received(5)]).when({ type: "AdjustStock", sku: "a", delta: -2, reason: "damaged" })(),
      [{ type: "StockAdjusted", data: { sku: "a", delta: -2, reason: "damaged" } }],
    );
  });
  test("shipping or adjusting below zero, or a bad quantity, is a validation error", () => {
    const invalid = (e: unknown) => hasErrorCode(e, "validation");
    assert.throws(
      given([received(2)]).when(ship(3)),
      (e) => invalid(e) && /insufficient stock: 2 on hand/.test(`${e}`),
    );
    assert.throws(
      given([received(2)]).when({ type: "AdjustStock", sku: "a", delta: -3, reason: "x" }),
      invalid,
    );
    assert.throws(given([]).when({ type: "AdjustStock", sku: "a", delta: 0, reason: "x" }), invalid);
    assert.throws(given([]).when(receive(1.5)), invalid);
  });
});

describe("CommandHandler", () => {
  test("handles commands, returning the appended events, state and version, with stamped metadata", async () => {
    const store = new EventStore();
    const handler = new CommandHandler(store, inventoryDecider);
    await handler.handle("inventory-a", receive(5));
    const shipped = await handler.handle("inventory-a", ship(2), {
      correlationId: "req-1",
      causationId: "cmd-9",
    });
    assert.deepEqual(shipped.state, { onHand: 3 });
    assert.equal(shipped.version, 1);
    assert.deepEqual(
      shipped.events.map((e) => [e.type, e.data, e.version, e.metadata]),
      [["StockShipped", { sku: "a", quantity: 2 }, 1, { correlationId: "req-1", causationId: "cmd-9" }]],
    );
    assert.deepEqual(await handler.load("inventory-a"), { state: { onHand: 3 }, version: 1 });
    assert.deepEqual(await handler.load("inventory-b"), { state: { onHand: 0 }, version: -1 });
  });

  test("a rejected command propagates its error and appends nothing", async () => {
    const store = new EventStore();
    const handler = new CommandHandler(store, inventoryDecider);
    await handler.handle("inventory-a", receive(1));
    await assert.rejects(handler.handle("inventory-a", ship(2)), (e) => hasErrorCode(e, "validation"));
    assert.equal(await store.streamVersion("inventory-a"), 0);
  });

  test("validates commands against their schema, with field paths, before loading", async () => {
    const backend = new SpyBackend();
    const handler = new CommandHandler(new EventStore({ backend }), inventoryDecider, {
      schemas: {
        ReceiveStock: z.object({
          type: z.literal("ReceiveStock"),
          sku: z.string().min(1),
          quantity: z.coerce.number().int().positive(),
        }),
      },
    });
    await assert.rejects(
      handler.handle("inventory-a", { type: "ReceiveStock", sku: "", quantity: -1 }),
      (e) => {
        assert.ok(hasErrorCode(e, "validation"));
        assert.deepEqual(
          e.issues.map((i) => i.path),
          [["sku"], ["quantity"]],
        );
        assert.match(e.message, /^command "ReceiveStock" is invalid: sku: .*; quantity: /);
        return true;
      },
    );
    assert.equal(backend.eventsRead, 0);
    const ok = await handler.handle("inventory-a", {
      type: "ReceiveStock",
      sku: "a",
      quantity: "3" as unknown as number,
    });
    assert.deepEqual(
      ok.events[0]?.data,
      { sku: "a", quantity: 3 },
      "the handler decides on the schema's output",
    );
  });

  test("on a conflict it retries with fresh state", async () => {
    const backend = new RacingBackend({ times: 1, event: received(10) });
    const handler = new CommandHandler(new EventStore({ backend }), inventoryDecider);
    const result = await handler.handle("inventory-a", receive(1));
    assert.equal(backend.attempts, 2);
    assert.deepEqual(result.state, { onHand: 11 });
    assert.equal(result.version, 1);
  });

  test("the retry decides again: a rival shipment can make the command invalid", async () => {
    const backend = new RacingBackend({
      times: 0,
      event: { type: "StockShipped", data: { sku: "a", quantity: 4 } },
    });
    const handler = new CommandHandler(new EventStore({ backend }), inventoryDecider);
    await handler.handle("inventory-a", receive(5));
    backend.race.times = backend.attempts + 1;
    await assert.rejects(handler.handle("inventory-a", ship(3)), (e) => hasErrorCode(e, "validation"));
    assert.deepEqual(await handler.load("inventory-a"), { state: { onHand: 1 }, version: 1 });
  });

  test("a pinned expected version is never retried", async () => {
    const backend = new RacingBackend({ times: 1, event: received(10) });
    const handler = new CommandHandler(new EventStore({ backend }), inventoryDecider);
    await assert.rejects(handler.handle("inventory-a", receive(1), { expectedVersion: -1 }), (e) => {
      assert.ok(isConcurrencyError(e));
      assert.deepEqual([e.expected, e.actual], [-1, 0]);
      return true;
    });
    assert.equal(backend.attempts, 1);
    await assert.rejects(
      handler.handle("inventory-a", receive(1), { expectedVersion: 5 }),
      (e) => isConcurrencyError(e) && e.actual === 0,
    );
    assert.equal(backend.attempts, 1, "a stale pinned version fails before deciding or appending");
  });

  test("gives up after maxRetries conflicts; rejects bad options", async () => {
    const backend = new RacingBackend({ times: 99, event: received(1) });
    const handler = new CommandHandler(new EventStore({ backend }), inventoryDecider, { maxRetries: 2 });
    await assert.rejects(handler.handle("inventory-a", receive(1)), isConcurrencyError);
    assert.equal(backend.attempts, 3);
    const store = new EventStore();
    for (const bad of [{ maxRetries: -1 }, { snapshotFrequency: 0 }, { snapshotSchemaVersion: 1.5 }]) {
      assert.throws(
        () => new CommandHandler(store, inventoryDecider, bad),
        (e) => hasErrorCode(e, "validation"),
      );
    }
  });
});
