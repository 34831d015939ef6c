/**
 * The contract of {@link openTransactionalOutbox} on each engine: its document stores pass the
 * document store contract, a business write and its events commit or roll back together, the relay
 * publishes committed events exactly as enqueued, and drains what is left on shutdown.
 * `runTransactionalOutboxContract("sqlite file", () => `sqlite:${fresh file}`)`.
 * @module
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import {
  type ContractDocument,
  runDocumentStoreContract,
} from "../../persistence/document-store.contract.ts";
import { createEvent } from "../event-envelope.ts";
import {
  type OpenTransactionalOutboxOptions,
  openTransactionalOutbox,
  type TransactionalOutbox,
} from "./open-transactional-outbox.ts";
import { OutboxRelay } from "./outbox-relay.ts";
import { RecordingBus } from "./recording-bus.fixture.ts";

interface Order {
  id: string;
  total: number;
}

const logger = createLogger({ service: "test", level: "silent" });
const placed = (order: Order) => createEvent("OrderPlaced", order, { source: "orders", key: order.id });

/** Registers the contract; `freshUrl` names a new, empty database each time. */
export function runTransactionalOutboxContract(
  name: string,
  freshUrl: () => string | Promise<string>,
  opts: OpenTransactionalOutboxOptions = {},
): void {
  const opened: TransactionalOutbox[] = [];
  const open = async () => {
    const outbox = openTransactionalOutbox(await freshUrl(), opts);
    opened.push(outbox);
    return { outbox, orders: outbox.documents<Order>("orders") };
  };
  after(() => Promise.all(opened.map((outbox) => outbox.close())));

  runDocumentStoreContract(`transactional outbox on ${name}`, async () =>
    (await open()).outbox.documents<ContractDocument>("contract"),
  );

  describe(`transactional outbox contract: ${name}`, () => {
    it("commits a document and its events together", async () => {
      const { outbox, orders } = await open();
      const event = placed({ id: "o-1", total: 10 });
      await orders.put({ id: "o-1", total: 10 }, [event]);
      assert.deepEqual(await orders.get("o-1"), { id: "o-1", total: 10 });
      assert.deepEqual(
        (await outbox.store.claim(10, 1000, "w")).map((r) => r.event),
        [event],
      );
    });

    it("a rolled-back write leaves neither the document nor an outbox row", async () => {
      const { outbox, orders } = await open();
      await orders.put({ id: "o-1", total: 10 });
      await assert.rejects(
        orders.transaction(async (tx) => {
          await tx.put({ id: "o-1", total: 99 });
          await tx.put({ id: "o-2", total: 20 });
          await tx.enqueue([placed({ id: "o-2", total: 20 })]);
          assert.deepEqual(
            await tx.get("o-2"),
            { id: "o-2", total: 20 },
            "the transaction reads its own writes",
          );
          throw new Error("payment declined");
        }),
        /payment declined/,
      );
      // An event the outbox refuses rolls the write back too.
      const bad = { ...placed({ id: "o-3", total: 30 }), type: "" };
      await assert.rejects(orders.put({ id: "o-3", total: 30 }, [bad]), (e) => hasErrorCode(e, "validation"));
      assert.deepEqual(await orders.list(), [{ id: "o-1", total: 10 }]);
      assert.equal(await outbox.store.backlog(), 0);
    });

    it("a reader never sees a write that is later rolled back", async () => {
      const { orders } = await open();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let wrote!: () => void;
      const written = new Promise<void>((resolve) => {
        wrote = resolve;
      });
      const writing = orders.transaction(async (tx) => {
        await tx.put({ id: "o-1", total: 10 });
        wrote();
        await gate;
        throw new Error("rolled back");
      });
      await written;
      const read = orders.get("o-1");
      release();
      await assert.rejects(writing, /rolled back/);
      assert.equal(await read, undefined);
    });

    it("delete enqueues its events only when it deleted something", async () => {
      const { outbox, orders } = await open();
      const gone = createEvent("OrderDeleted", { id: "o-1" }, { source: "orders", key: "o-1" });
      assert.equal(await orders.delete("o-1", [gone]), false);
      assert.equal(await outbox.store.backlog(), 0);
      await orders.put({ id: "o-1", total: 10 });
      assert.equal(await orders.delete("o-1", [gone]), true);
      assert.deepEqual(
        (await outbox.store.claim(10, 1000, "w")).map((r) => r.event),
        [gone],
      );
    });

    it("the relay publishes a committed write's event exactly as a direct publish would", async () => {
      const { outbox, orders } = await open();
      const bus = new RecordingBus();
      const relay = new OutboxRelay({ store: outbox.store, bus, logger });
      const event = placed({ id: "o-1", total: 10 });
      await orders.put({ id: "o-1", total: 10 }, [event]);
      assert.equal(await relay.runOnce(), 1);
      const direct = new RecordingBus();
      await direct.publish(event);
      assert.deepEqual(bus.published, direct.published);
      assert.equal(await outbox.store.backlog(), 0);
    });

    it("the relay drains what is left on shutdown", async () => {
      const { outbox, orders } = await open();
      const bus = new RecordingBus();
      const relay = new OutboxRelay({ store: outbox.store, bus, logger, batchSize: 2 });
      const events = [1, 2, 3, 4, 5].map((n) => placed({ id: `o-${n}`, total: n }));
      for (const [n, event] of events.entries())
        await orders.put({ id: `o-${n + 1}`, total: n + 1 }, [event]);
      await relay.drain();
      assert.deepEqual([...bus.ids].sort(), events.map((e) => e.id).sort());
      assert.equal(await outbox.store.backlog(), 0);
    });

    it("fails with unavailable once the outbox is closed", async () => {
      const { outbox, orders } = await open();
      await orders.put({ id: "o-1", total: 10 });
      await outbox.close();
      await outbox.close();
      await assert.rejects(orders.put({ id: "o-2", total: 1 }), (e) => hasErrorCode(e, "unavailable"));
      await assert.rejects(outbox.store.backlog(), (e) => hasErrorCode(e, "unavailable"));
    });
  });
}
