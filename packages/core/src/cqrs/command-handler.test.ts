import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { CommandHandler } from "./command-handler.ts";
import { isConcurrencyError } from "./concurrency-error.ts";
import type { ExpectedVersion, RecordedEvent, RecordedEventDraft } from "./event.ts";
import { EventStore } from "./event-store.ts";
import { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";
import { type InventoryCommand, type InventoryEvent, inventoryDecider } from "./inventory.fixture.ts";

/** Given past events, when a command is decided, then these events (or this error). */
function given(events: InventoryEvent[]) {
  const state = events.reduce(inventoryDecider.evolve, inventoryDecider.initialState());
  return { when: (command: InventoryCommand) => () => inventoryDecider.decide(command, state) };
}

/** A backend where another writer slips an event into the stream just before our next `times` appends. */
class RacingBackend extends InMemoryEventStoreBackend {
  attempts = 0;
  readonly race: { times: number; event: string; qty: number };
  constructor(race: { times: number; event: string; qty: number }) {
    super();
    this.race = race;
  }
  override async append(
    streamId: string,
    drafts: readonly RecordedEventDraft[],
    expected: ExpectedVersion,
  ): Promise<RecordedEvent[]> {
    if (drafts.length > 0 && this.attempts++ < this.race.times) {
      await super.append(
        streamId,
        [
          {
            id: `rival-${this.attempts}`,
            type: this.race.event,
            data: { qty: this.race.qty },
            metadata: {},
            recordedAt: "",
          },
        ],
        "any",
      );
    }
    return super.append(streamId, drafts, expected);
  }
}

describe("inventory decider (given / when / then)", () => {
  test("receiving stock records it", () => {
    assert.deepEqual(given([]).when({ type: "ReceiveStock", qty: 5 })(), [
      { type: "StockReceived", data: { qty: 5 } },
    ]);
  });
  test("shipping within stock records it", () => {
    const then = given([{ type: "StockReceived", data: { qty: 5 } }]).when({ type: "ShipStock", qty: 5 })();
    assert.deepEqual(then, [{ type: "StockShipped", data: { qty: 5 } }]);
  });
  test("shipping more than on hand is a validation error", () => {
    const when = given([{ type: "StockReceived", data: { qty: 2 } }]).when({ type: "ShipStock", qty: 3 });
    assert.throws(
      when,
      (e) => hasErrorCode(e, "validation") && /insufficient stock: 2 on hand/.test(e.message),
    );
  });
});

describe("CommandHandler", () => {
  test("handles commands, returning the appended events, state and version", async () => {
    const store = new EventStore();
    const handler = new CommandHandler(store, inventoryDecider);
    await handler.handle("sku-1", { type: "ReceiveStock", qty: 5 });
    const shipped = await handler.handle("sku-1", { type: "ShipStock", qty: 2 });
    assert.deepEqual(shipped.state, { onHand: 3 });
    assert.equal(shipped.version, 1);
    assert.deepEqual(
      shipped.events.map((e) => [e.type, e.data, e.version]),
      [["StockShipped", { qty: 2 }, 1]],
    );
    assert.deepEqual(await handler.load("sku-1"), { state: { onHand: 3 }, version: 1 });
    assert.deepEqual(await handler.load("sku-2"), { state: { onHand: 0 }, version: -1 });
  });

  test("a rejected command propagates its error and appends nothing", async () => {
    const store = new EventStore();
    const handler = new CommandHandler(store, inventoryDecider);
    await handler.handle("sku-1", { type: "ReceiveStock", qty: 1 });
    await assert.rejects(handler.handle("sku-1", { type: "ShipStock", qty: 2 }), (e) =>
      hasErrorCode(e, "validation"),
    );
    assert.equal(await store.streamVersion("sku-1"), 0);
  });

  test("on a conflict it retries with fresh state", async () => {
    const backend = new RacingBackend({ times: 1, event: "StockReceived", qty: 10 });
    const handler = new CommandHandler(new EventStore({ backend }), inventoryDecider);
    const result = await handler.handle("sku-1", { type: "ReceiveStock", qty: 1 });
    assert.equal(backend.attempts, 2);
    assert.deepEqual(result.state, { onHand: 11 });
    assert.equal(result.version, 1);
  });

  test("the retry decides again: a rival shipment can make the command invalid", async () => {
    const backend = new RacingBackend({ times: 0, event: "StockShipped", qty: 4 });
    const store = new EventStore({ backend });
    const handler = new CommandHandler(store, inventoryDecider);
    await handler.handle("sku-1", { type: "ReceiveStock", qty: 5 });
    backend.race.times = backend.attempts + 1;
    await assert.rejects(handler.handle("sku-1", { type: "ShipStock", qty: 3 }), (e) =>
      hasErrorCode(e, "validation"),
    );
    assert.deepEqual(await handler.load("sku-1"), { state: { onHand: 1 }, version: 1 });
  });

  test("a pinned expected version is never retried", async () => {
    const backend = new RacingBackend({ times: 1, event: "StockReceived", qty: 10 });
    const handler = new CommandHandler(new EventStore({ backend }), inventoryDecider);
    await assert.rejects(
      handler.handle("sku-1", { type: "ReceiveStock", qty: 1 }, { expectedVersion: -1 }),
      (e) => {
        assert.ok(isConcurrencyError(e));
        assert.deepEqual([e.expected, e.actual], [-1, 0]);
        return true;
      },
    );
    assert.equal(backend.attempts, 1);
    await assert.rejects(
      handler.handle("sku-1", { type: "ReceiveStock", qty: 1 }, { expectedVersion: 5 }),
      (e) => isConcurrencyError(e) && e.actual === 0,
    );
    assert.equal(backend.attempts, 1, "a stale pinned version fails before deciding or appending");
  });

  test("gives up after maxRetries conflicts", async () => {
    const backend = new RacingBackend({ times: 99, event: "StockReceived", qty: 1 });
    const handler = new CommandHandler(new EventStore({ backend }), inventoryDecider, { maxRetries: 2 });
    await assert.rejects(handler.handle("sku-1", { type: "ReceiveStock", qty: 1 }), isConcurrencyError);
    assert.equal(backend.attempts, 3);
  });
});
