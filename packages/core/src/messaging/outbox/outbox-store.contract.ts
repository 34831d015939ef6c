/**
 * The contract every {@link OutboxStore} passes (house style rule 4):
 * `runOutboxStoreContract("sqlite", (clock) => new SqliteOutboxStore({ path: ":memory:", clock }))`.
 * The factory gets a fresh, empty database each time and a {@link ManualClock} the store must use.
 * @module
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { runDeadLetterQueueContract } from "../consumer/dead-letter-queue.contract.ts";
import type { EventEnvelope } from "../event-envelope.ts";
import type { OutboxStore } from "./outbox-store.ts";
import type { SqlTransaction } from "./sql-transaction.ts";

/** A test event with id `id`, key `key`. */
export function outboxEvent(id: string, key?: string): EventEnvelope {
  return {
    id,
    type: "order.placed",
    source: "orders",
    time: "2025-01-01T00:00:00.000Z",
    data: { id, nested: { list: [1, "two", null] } },
    ...(key === undefined ? {} : { key }),
    headers: { traceparent: "00-abc-def-01" },
  };
}

/** A business write: one row in `orders`, created on first use, placeholder style per engine. */
export async function insertOrder(tx: SqlTransaction, id: string): Promise<void> {
  await tx.query("CREATE TABLE IF NOT EXISTS orders (id text PRIMARY KEY)");
  await tx.query(`INSERT INTO orders (id) VALUES (${tx.kind === "postgres" ? "$1" : "?"})`, [id]);
}

/** Counts rows of `orders` (0 when the table does not exist). */
export async function countOrders(store: OutboxStore): Promise<number> {
  return store.transaction(async (tx) => {
    await tx.query("CREATE TABLE IF NOT EXISTS orders (id text PRIMARY KEY)");
    const [row] = await tx.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM orders");
    return Number(row?.n ?? 0);
  });
}

/** Registers the outbox store contract as a `describe` block. */
export function runOutboxStoreContract(
  name: string,
  open: (clock: ManualClock, maxAttempts?: number) => Promise<OutboxStore>,
): void {
  const fresh = async (maxAttempts?: number) => {
    const clock = new ManualClock(Date.parse("2025-01-01T00:00:00Z"));
    return { clock, store: await open(clock, maxAttempts) };
  };
  const enqueue = (store: OutboxStore, ...events: EventEnvelope[]) =>
    store.transaction((tx) => store.enqueue(tx, events));

  describe(`outbox store contract: ${name}`, () => {
    it("commits the business write and the outbox row together; claim returns them intact, in order", async () => {
      const { store } = await fresh();
      await store.transaction(async (tx) => {
        await insertOrder(tx, "o-1");
        await store.enqueue(tx, [outboxEvent("e-1", "o-1"), outboxEvent("e-2")]);
      });
      assert.equal(await countOrders(store), 1);
      assert.equal(await store.backlog(), 2);
      const claimed = await store.claim(10, 1000, "w1");
      assert.deepEqual(
        claimed.map((r) => r.event),
        [outboxEvent("e-1", "o-1"), outboxEvent("e-2")],
      );
      assert.deepEqual(
        claimed.map((r) => [r.id, r.attempts, r.enqueuedAt]),
        [
          ["e-1", 0, "2025-01-01T00:00:00.000Z"],
          ["e-2", 0, "2025-01-01T00:00:00.000Z"],
        ],
      );
      await store.close();
    });

    it("rolled-back business transaction → no outbox row and no business row", async () => {
      const { store } = await fresh();
      const refused = new Error("payment refused");
      await assert.rejects(
        store.transaction(async (tx) => {
          await insertOrder(tx, "o-1");
          await store.enqueue(tx, [outboxEvent("e-1", "o-1")]);
          throw refused;
        }),
        (e) => e === refused,
      );
      assert.equal(await store.backlog(), 0);
      assert.deepEqual(await store.claim(10, 1000, "w1"), []);
      assert.equal(await countOrders(store), 0);
      await store.close();
    });

    it("a lease hides claimed messages from other workers until it expires", async () => {
      const { store, clock } = await fresh();
      await enqueue(store, outboxEvent("e-1"), outboxEvent("e-2"), outboxEvent("e-3"));
      assert.deepEqual(
        (await store.claim(2, 1000, "w1")).map((r) => r.id),
        ["e-1", "e-2"],
      );
      assert.deepEqual(
        (await store.claim(10, 1000, "w2")).map((r) => r.id),
        ["e-3"],
      );
      assert.deepEqual(await store.claim(10, 1000, "w3"), []);
      clock.advance(1000);
      const again = await store.claim(10, 1000, "w3");
      assert.deepEqual(
        again.map((r) => [r.id, r.attempts]),
        [
          ["e-1", 0],
          ["e-2", 0],
          ["e-3", 0],
        ],
      );
      await store.close();
    });

    it("markPublished removes messages; release gives them back uncounted", async () => {
      const { store } = await fresh();
      await enqueue(store, outboxEvent("e-1"), outboxEvent("e-2"));
      await store.claim(10, 60_000, "w1");
      await store.markPublished(["e-1", "unknown"]);
      assert.equal(await store.backlog(), 1);
      await store.release(["e-2"]);
      assert.deepEqual(
        (await store.claim(10, 1000, "w2")).map((r) => [r.id, r.attempts]),
        [["e-2", 0]],
      );
      await store.close();
    });

    it("keeps order per key: a younger message waits while an older one of its key is leased", async () => {
      const { store } = await fresh();
      await enqueue(store, outboxEvent("a-1", "a"), outboxEvent("a-2", "a"), outboxEvent("b-1", "b"));
      assert.deepEqual(
        (await store.claim(1, 60_000, "w1")).map((r) => r.id),
        ["a-1"],
      );
      assert.deepEqual(
        (await store.claim(10, 60_000, "w2")).map((r) => r.id),
        ["b-1"],
      );
      await store.markPublished(["a-1"]);
      assert.deepEqual(
        (await store.claim(10, 60_000, "w2")).map((r) => r.id),
        ["a-2"],
      );
      await store.close();
    });

    it("concurrent claims never hand one message to two workers", async () => {
      const { store } = await fresh();
      const events = Array.from({ length: 40 }, (_, i) => outboxEvent(`e-${i}`, `k-${i % 7}`));
      await enqueue(store, ...events);
      const batches = await Promise.all(Array.from({ length: 8 }, (_, i) => store.claim(5, 60_000, `w${i}`)));
      const ids = batches.flat().map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length);
      await store.close();
    });

    it("counts failures, delays the retry with its key, dead-letters at maxAttempts; the rest flow", async () => {
      const { store, clock } = await fresh(2);
      assert.equal(store.maxAttempts, 2);
      await enqueue(store, outboxEvent("p-1", "p"), outboxEvent("p-2", "p"), outboxEvent("q-1", "q"));
      await store.claim(10, 1000, "w1");
      assert.deepEqual(await store.recordFailure("p-1", new TypeError("bad payload"), 500), {
        attempts: 1,
        deadLettered: false,
      });
      await store.markPublished(["q-1"]);
      await store.release(["p-2"]);
      assert.deepEqual(await store.claim(10, 1000, "w1"), [], "p-1 waits out its delay, p-2 waits for p-1");
      clock.advance(500);
      const retry = await store.claim(10, 1000, "w1");
      assert.deepEqual(
        retry.map((r) => [r.id, r.attempts]),
        [
          ["p-1", 1],
          ["p-2", 0],
        ],
      );
      assert.deepEqual(await store.recordFailure("p-1", new TypeError("bad payload")), {
        attempts: 2,
        deadLettered: true,
      });
      const [dead] = await store.deadLetters.list();
      assert.equal(await store.deadLetters.size(), 1);
      assert.deepEqual(dead?.event, outboxEvent("p-1", "p"));
      assert.deepEqual(dead?.error, { name: "TypeError", message: "bad payload" });
      assert.equal(dead?.attempts, 2);
      assert.equal(dead?.consumer, "outbox-relay");
      assert.equal(dead?.deadLetteredAt, "2025-01-01T00:00:00.500Z");
      await store.markPublished(["p-2"]);
      assert.equal(await store.backlog(), 0);
      assert.deepEqual(await store.recordFailure("gone", new Error("x")), {
        attempts: 0,
        deadLettered: false,
      });
      await store.close();
    });

    it("refuses a duplicate id with conflict, bad messages with validation", async () => {
      const { store } = await fresh();
      await enqueue(store, outboxEvent("e-1"));
      await assert.rejects(enqueue(store, outboxEvent("e-1")), (e) => hasErrorCode(e, "conflict"));
      await assert.rejects(enqueue(store, { ...outboxEvent("e-2"), type: "*" }), (e) =>
        hasErrorCode(e, "validation"),
      );
      await assert.rejects(enqueue(store, { ...outboxEvent("e-3"), id: "" }), (e) =>
        hasErrorCode(e, "validation"),
      );
      await assert.rejects(store.claim(0, 1000, "w"), (e) => hasErrorCode(e, "validation"));
      await assert.rejects(store.claim(1, 0, "w"), (e) => hasErrorCode(e, "validation"));
      assert.equal(await store.backlog(), 1);
      await store.close();
    });

    it("tells onCommit listeners after a commit that enqueued, not after a rollback", async () => {
      const { store } = await fresh();
      let woken = 0;
      const off = store.onCommit(() => {
        woken++;
      });
      await enqueue(store, outboxEvent("e-1"));
      await store.transaction(async (tx) => insertOrder(tx, "o-1"));
      await store
        .transaction(async (tx) => {
          await store.enqueue(tx, [outboxEvent("e-2")]);
          throw new Error("no");
        })
        .catch(() => undefined);
      assert.equal(woken, 1);
      off();
      await enqueue(store, outboxEvent("e-3"));
      assert.equal(woken, 1);
      await store.close();
    });
  });

  describe(`outbox store contract: ${name}, its dead letters`, () => {
    const opened: OutboxStore[] = [];
    after(() => Promise.all(opened.map((store) => store.close())));
    runDeadLetterQueueContract(`${name} outbox`, async () => {
      const { store } = await fresh();
      opened.push(store);
      return store.deadLetters;
    });
  });
}
