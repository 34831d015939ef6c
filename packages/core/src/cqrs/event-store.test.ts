import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock, sequentialIds } from "../runtime/clock.ts";
import { CommandHandler } from "./command-handler.ts";
import { isConcurrencyError } from "./concurrency-error.ts";
import { METADATA_KEYS, type RecordedEvent } from "./event.ts";
import { EventStore } from "./event-store.ts";
import { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";
import { type InventoryEvent, inventoryDecider } from "./inventory.fixture.ts";
import { ProjectionRegistry } from "./projection-registry.ts";

const newStore = (logger?: { info(): void; warn(): void; error(o: object, m?: string): void }) =>
  new EventStore({
    clock: new ManualClock(Date.UTC(2025, 0, 1)),
    ids: sequentialIds("evt"),
    ...(logger ? { logger } : {}),
  });

describe("EventStore", () => {
  test("appends and reads a stream, stamping ids and recordedAt", async () => {
    const store = newStore();
    const result = await store.append("order-1", [
      { type: "OrderPlaced", data: { total: 10 }, metadata: { correlationId: "c-1" } },
      { type: "OrderPaid", data: {}, id: "my-id" },
    ]);
    assert.equal(result.nextExpectedVersion, 1);
    const read = await store.readStream("order-1");
    assert.deepEqual(read, result.events);
    assert.deepEqual(
      read.map((e) => [e.id, e.version, e.position, e.recordedAt, e.metadata, e.schemaVersion]),
      [
        ["evt-1", 0, 1, "2025-01-01T00:00:00.000Z", { correlationId: "c-1" }, 1],
        ["my-id", 1, 2, "2025-01-01T00:00:00.000Z", {}, 1],
      ],
    );
    assert.deepEqual(
      (await store.readStream("order-1", { fromVersion: 1 })).map((e) => e.type),
      ["OrderPaid"],
    );
    assert.equal(await store.streamVersion("order-1"), 1);
  });

  test("reports each kind of expected-version conflict with expected and actual", async () => {
    const store = newStore();
    const conflict = async (expectedVersion: number | "no-stream" | "stream-exists", actual: number) => {
      await assert.rejects(store.append("s", [{ type: "X", data: 1 }], { expectedVersion }), (e) => {
        assert.ok(isConcurrencyError(e));
        assert.equal(e.code, "concurrency");
        assert.deepEqual([e.streamId, e.expected, e.actual], ["s", expectedVersion, actual]);
        assert.equal(e.mapping.http, 409);
        return true;
      });
    };
    await conflict("stream-exists", -1);
    await conflict(0, -1);
    assert.equal(
      (await store.append("s", [{ type: "X", data: 1 }], { expectedVersion: "no-stream" }))
        .nextExpectedVersion,
      0,
    );
    await conflict("no-stream", 0);
    await conflict(3, 0);
    assert.equal(
      (await store.append("s", [{ type: "X", data: 2 }], { expectedVersion: 0 })).nextExpectedVersion,
      1,
    );
  });

  test("an idempotent retry by id returns the originals and is not delivered twice", async () => {
    const store = newStore();
    const seen: number[] = [];
    store.subscribe((e) => {
      seen.push(e.position);
    });
    const events = [
      { type: "A", data: 1, id: "a-1" },
      { type: "B", data: 2, id: "a-2" },
    ];
    const first = await store.append("s", events, { expectedVersion: "no-stream" });
    const retry = await store.append("s", events, { expectedVersion: "no-stream" });
    assert.deepEqual(retry, first);
    await assert.rejects(
      store.append("s", [events[0] as (typeof events)[0], { type: "C", data: 3, id: "new" }]),
      (e) => hasErrorCode(e, "conflict"),
    );
    await store.whenIdle();
    assert.deepEqual(seen, [1, 2]);
    assert.equal((await store.readAll()).length, 2);
  });

  test("a later append that brings a store-made id back is a retry or a conflict, never a new event", async () => {
    // The memory backend looks no store-made id up, and indexes ids only once an append brings its own.
    const store = new EventStore({ backend: new InMemoryEventStoreBackend() });
    const made = (await store.append("s", [{ type: "A", data: 1 }])).events[0];
    for (let i = 0; i < 100; i++) await store.append(`other-${i % 7}`, [{ type: "B", data: i }]);
    assert.ok(made !== undefined);
    const again = await store.append("s", [{ type: "A", data: 1, id: made.id }], {
      expectedVersion: "no-stream",
    });
    assert.deepEqual(again.events, [made], "an exact retry answers the stored event");
    await assert.rejects(store.append("elsewhere", [{ type: "A", data: 1, id: made.id }]), (e) =>
      hasErrorCode(e, "conflict"),
    );
    assert.equal((await store.readAll()).length, 101);
    await store.close();
  });

  test("a backend subclass that overrides append sees every append (no synchronous shortcut past it)", async () => {
    class Counting extends InMemoryEventStoreBackend {
      appends = 0;
      override append(...args: Parameters<InMemoryEventStoreBackend["append"]>) {
        this.appends++;
        return super.append(...args);
      }
    }
    const backend = new Counting();
    const store = new EventStore({ backend });
    for (let i = 0; i < 3; i++) await store.append("s", [{ type: "A", data: i }]);
    assert.equal(backend.appends, 3);
    assert.equal((await store.readStream("s")).length, 3);
  });

  test("readAll returns global positions across streams, from a position, with a limit", async () => {
    const store = newStore();
    await store.append("a", [{ type: "A1", data: null }]);
    await store.append("b", [
      { type: "B1", data: null },
      { type: "B2", data: null },
    ]);
    await store.append("a", [{ type: "A2", data: null }]);
    const all = await store.readAll();
    assert.deepEqual(
      all.map((e) => `${e.position}:${e.streamId}:${e.version}`),
      ["1:a:0", "2:b:0", "3:b:1", "4:a:1"],
    );
    assert.deepEqual(
      (await store.readAll({ fromPosition: 2, limit: 2 })).map((e) => e.type),
      ["B1", "B2"],
    );
  });

  test("subscribers get each committed event once, in position order, even from concurrent appends", async () => {
    const store = newStore();
    const seen: string[] = [];
    store.subscribe(async (e) => {
      await new Promise((r) => setImmediate(r)); // a slow subscriber must not reorder delivery
      seen.push(`${e.position}:${e.type}`);
    });
    await Promise.all([
      store.append("a", [
        { type: "A1", data: 0 },
        { type: "A2", data: 0 },
      ]),
      store.append("b", [{ type: "B1", data: 0 }]),
      store.append("c", [{ type: "C1", data: 0 }]),
    ]);
    await store.whenIdle();
    assert.deepEqual(seen, ["1:A1", "2:A2", "3:B1", "4:C1"]);
  });

  test("a failing subscriber is logged and neither fails the append nor starves others; unsubscribe stops delivery", async () => {
    const errors: string[] = [];
    const store = newStore({ info() {}, warn() {}, error: (_o, m) => errors.push(m ?? "") });
    const seen: RecordedEvent[] = [];
    store.subscribe(() => {
      throw new Error("boom");
    });
    const stop = store.subscribe((e) => {
      seen.push(e);
    });
    await store.append("s", [{ type: "A", data: 0 }]);
    await store.whenIdle();
    stop();
    await store.append("s", [{ type: "B", data: 0 }]);
    await store.whenIdle();
    assert.deepEqual(
      seen.map((e) => e.type),
      ["A"],
    );
    assert.deepEqual(errors, ["event subscriber failed", "event subscriber failed"]);
  });

  test("a live subscriber may append; an inline handler may not", async () => {
    const store = newStore();
    store.subscribe(async (e) => {
      if (e.type === "OrderPlaced") await store.append("mail", [{ type: "MailQueued", data: e.streamId }]);
    });
    let inlineError: unknown;
    store.addInlineHandler(async (events) => {
      if (events[0]?.type === "Ping")
        await store.append("x", [{ type: "Pong", data: 0 }]).catch((e) => (inlineError = e));
    });
    await store.append("order-1", [{ type: "OrderPlaced", data: 0 }]);
    await store.append("p", [{ type: "Ping", data: 0 }]);
    await store.whenIdle();
    assert.deepEqual(
      (await store.readStream("mail")).map((e) => e.data),
      ["order-1"],
    );
    assert.ok(hasErrorCode(inlineError, "unsupported"));
  });

  test("validates stream ids, types and metadata", async () => {
    const store = newStore();
    const invalid = (e: unknown) => hasErrorCode(e, "validation");
    await assert.rejects(store.append("", [{ type: "A", data: 0 }]), invalid);
    await assert.rejects(store.append("s", [{ type: "", data: 0 }]), invalid);
    await assert.rejects(
      store.append("s", [{ type: "A", data: 0, metadata: { n: 1 as unknown as string } }]),
      invalid,
    );
    await assert.rejects(store.append("s", [{ type: "A", data: 10n }]), invalid);
    assert.deepEqual(await store.readAll(), []);
  });

  test("stamps correlation, causation and tenant ids; an event's own metadata wins", async () => {
    const store = newStore();
    const { events } = await store.append(
      "s",
      [
        { type: "A", data: 1 },
        { type: "B", data: 2, metadata: { causationId: "own", source: "x" } },
      ],
      { correlationId: "corr-1", causationId: "cmd-1", tenantId: "acme" },
    );
    assert.deepEqual(
      events.map((e) => e.metadata),
      [
        { correlationId: "corr-1", causationId: "cmd-1", tenantId: "acme" },
        { correlationId: "corr-1", causationId: "own", tenantId: "acme", source: "x" },
      ],
    );
    assert.deepEqual(
      (await store.readStream("s")).map((e) => e.schemaVersion),
      [1, 1],
    );
    await assert.rejects(store.append("s", [{ type: "A", data: 1 }], { tenantId: "" }), (e) => {
      assert.ok(hasErrorCode(e, "validation"));
      assert.deepEqual(e.issues[0]?.path, ["tenantId"]);
      return true;
    });
    for (const key of Object.values(METADATA_KEYS)) {
      const [alone] = (await store.append("alone", [{ type: "A", data: 1 }], { [key]: "v" })).events;
      assert.deepEqual(alone?.metadata, { [key]: "v" }, `${key} is stamped when it is the only one`);
    }
  });

  test("an inline handler runs in the append's transaction: throwing stores nothing and undoes its writes", async () => {
    const store = newStore();
    const rows: string[] = [];
    store.addInlineHandler((events, tx) => {
      assert.equal(tx.kind, "memory");
      for (const e of events) {
        rows.push(e.type);
        tx.onRollback(() => rows.pop());
      }
      if (events.some((e) => e.type === "Poison")) throw new Error("read model rejects it");
    });
    await store.append("s", [{ type: "Good", data: 0 }]);
    await assert.rejects(
      store.append("s", [
        { type: "Fine", data: 0 },
        { type: "Poison", data: 0 },
      ]),
      /read model rejects it/,
    );
    assert.deepEqual(rows, ["Good"]);
    assert.deepEqual(
      (await store.readAll()).map((e) => e.type),
      ["Good"],
    );
    assert.equal(await store.streamVersion("s"), 0);
  });

  test("saves and loads snapshots, stamping takenAt from the clock", async () => {
    const store = newStore();
    assert.equal(await store.loadSnapshot("s"), undefined);
    await store.saveSnapshot({ streamId: "s", version: 4, state: { n: 5 } });
    assert.deepEqual(await store.loadSnapshot("s"), {
      streamId: "s",
      version: 4,
      state: { n: 5 },
      schemaVersion: 1,
      takenAt: "2025-01-01T00:00:00.000Z",
    });
  });

  test("flush, stats and close; a closed store refuses appends", async () => {
    const store = newStore();
    await store.append("a", [{ type: "A", data: 0 }]);
    await store.append("b", [{ type: "B", data: 0 }]);
    const sub = store.subscribe({ fromPosition: 1 }, () => undefined);
    await sub.caughtUp();
    await store.flush();
    assert.deepEqual(await store.stats(), {
      streams: 2,
      events: 2,
      lastPosition: 2,
      subscriptions: 1,
      inlineHandlers: 0,
    });
    await store.close();
    await store.close();
    await sub.done;
    await assert.rejects(store.append("a", [{ type: "A", data: 0 }]), (e) => hasErrorCode(e, "unavailable"));
    await assert.rejects(store.readStream("a"), (e) => hasErrorCode(e, "unavailable"));
    await assert.rejects(store.readAll(), (e) => hasErrorCode(e, "unavailable"));
  });

  test("a backend read that throws at once still rejects the read", async () => {
    class ThrowingBackend extends InMemoryEventStoreBackend {
      override readStream(): Promise<RecordedEvent[]> {
        throw new Error("no stream today");
      }
    }
    const store = new EventStore({ backend: new ThrowingBackend() });
    const read = store.readStream("a");
    assert.ok(read instanceof Promise);
    await assert.rejects(read, /no stream today/);
  });

  test("stored events are frozen", async () => {
    const store = newStore();
    const data = { items: [{ sku: "a" }] };
    const { events } = await store.append("s", [{ type: "A", data }]);
    data.items.push({ sku: "b" });
    const stored = events[0]?.data as unknown as { items: unknown[] };
    assert.throws(() => stored.items.push(1), TypeError);
    assert.deepEqual(stored, { items: [{ sku: "a" }] });
  });
});

describe("EventStore typing", () => {
  test("a store of a discriminated union narrows data by type and plugs into handlers and registries", async () => {
    const store = new EventStore<InventoryEvent>();
    new ProjectionRegistry(store);
    const handler = new CommandHandler(store, inventoryDecider);
    await handler.handle("inventory-a", { type: "ReceiveStock", sku: "a", quantity: 2 });
    await store.append("inventory-a", [
      { type: "StockAdjusted", data: { sku: "a", delta: -1, reason: "count" } },
    ]);
    // @ts-expect-error: the data of StockShipped has no `delta`
    await store.append("x", [{ type: "StockShipped", data: { sku: "a", delta: 1 } }]).catch(() => undefined);
    const deltas = (await store.readStream("inventory-a")).map((e) =>
      e.type === "StockAdjusted" ? e.data.delta : e.data.quantity,
    );
    assert.deepEqual(deltas, [2, -1]);
  });
});
