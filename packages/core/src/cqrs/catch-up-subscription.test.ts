import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ManualClock, sequentialIds } from "../runtime/clock.ts";
import type { RecordedEvent } from "./event.ts";
import { EventStore } from "./event-store.ts";
import type { EventStoreBackend } from "./event-store-backend.ts";
import { FakeSleep } from "./fake-sleep.fixture.ts";
import { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";

function setup(backend: EventStoreBackend = new InMemoryEventStoreBackend()) {
  const sleeper = new FakeSleep();
  const store = new EventStore({
    backend,
    clock: new ManualClock(0),
    ids: sequentialIds("e"),
    sleep: sleeper.sleep,
    pollIntervalMs: 250,
  });
  return { backend, sleeper, store };
}

const seen = () => {
  const list: string[] = [];
  const handler = (e: RecordedEvent) => {
    list.push(`${e.position}:${e.type}`);
  };
  return { list, handler };
};

describe("EventStore.subscribe (catch-up)", () => {
  test("replays the log from a position, then follows this process's appends at once", async () => {
    const { store, sleeper } = setup();
    await store.append("a", [
      { type: "A1", data: 0 },
      { type: "A2", data: 0 },
    ]);
    await store.append("b", [{ type: "B1", data: 0 }]);
    const { list, handler } = seen();
    const sub = store.subscribe({ fromPosition: 2 }, handler);
    await sub.caughtUp();
    assert.deepEqual(list, ["2:A2", "3:B1"]);
    await store.append("c", [{ type: "C1", data: 0 }]);
    await sub.caughtUp();
    assert.deepEqual(list, ["2:A2", "3:B1", "4:C1"], "a same-process append needs no poll");
    assert.equal(sub.position, 4);
    assert.deepEqual(sleeper.asked.slice(0, 1), [250]);
    await sub.stop();
  });

  test("sees appends of another process at the next poll", async () => {
    const backend = new InMemoryEventStoreBackend();
    const reader = setup(backend);
    const writer = new EventStore({ backend }); // another process, as far as `reader` knows
    const { list, handler } = seen();
    const sub = reader.store.subscribe({}, handler);
    await reader.sleeper.sleeping();
    await writer.append("w", [{ type: "W1", data: 0 }]);
    await sub.caughtUp();
    assert.deepEqual(list, [], "not before the poll interval");
    await reader.sleeper.poll();
    assert.deepEqual(list, ["1:W1"]);
    await sub.stop();
    assert.equal(reader.sleeper.waiting, 0, "stopping ends the pending sleep");
  });

  test("a named subscription resumes after its durable checkpoint", async () => {
    const { store, backend } = setup();
    await store.append("a", [
      { type: "A1", data: 0 },
      { type: "A2", data: 0 },
    ]);
    const first = seen();
    const sub = store.subscribe({ name: "mailer" }, first.handler);
    await sub.caughtUp();
    assert.equal(await backend.loadCheckpoint("mailer"), 2);
    await sub.stop();
    await store.append("a", [{ type: "A3", data: 0 }]);
    const second = seen();
    const again = store.subscribe({ name: "mailer" }, second.handler);
    await again.caughtUp();
    assert.deepEqual(first.list, ["1:A1", "2:A2"]);
    assert.deepEqual(second.list, ["3:A3"]);
    assert.equal(await backend.loadCheckpoint("mailer"), 3);
    await again.stop();
  });

  test("pages through a long log and never skips nor duplicates while appends race it", async () => {
    const { store } = setup();
    for (let i = 0; i < 25; i++) await store.append(`s-${i % 3}`, [{ type: "Old", data: i }]);
    const positions: number[] = [];
    const sub = store.subscribe({ batchSize: 4 }, async (e) => {
      positions.push(e.position);
      if (e.position % 5 === 0) await store.append("late", [{ type: "New", data: e.position }]);
    });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.append(`p-${i}`, [{ type: "New", data: i }])),
    );
    await store.whenIdle();
    const total = (await store.readAll()).length;
    assert.deepEqual(
      positions,
      Array.from({ length: total }, (_, i) => i + 1),
    );
    await sub.stop();
  });

  test("a failing handler stops the subscription at the last handled event", async () => {
    const errors: string[] = [];
    const backend = new InMemoryEventStoreBackend();
    const store = new EventStore({
      backend,
      sleep: new FakeSleep().sleep,
      logger: { error: (_o, m) => errors.push(m ?? "") },
    });
    await store.append("s", [
      { type: "Ok", data: 0 },
      { type: "Bad", data: 0 },
      { type: "Ok", data: 0 },
    ]);
    const handled: string[] = [];
    const sub = store.subscribe({ name: "fragile" }, (e) => {
      if (e.type === "Bad") throw new Error("cannot handle");
      handled.push(e.type);
    });
    await assert.rejects(sub.caughtUp(), /cannot handle/);
    await assert.rejects(sub.done, /cannot handle/);
    assert.deepEqual(handled, ["Ok"]);
    assert.equal(sub.position, 1);
    assert.equal(await backend.loadCheckpoint("fragile"), 1);
    assert.deepEqual(errors, ["subscription failed"]);
    assert.equal((await store.stats()).subscriptions, 0);
    await sub.stop();
  });

  test("the live-only form gets this process's appends from now on, upcast", async () => {
    const { store } = setup();
    await store.append("s", [{ type: "Before", data: 0 }]);
    const { list, handler } = seen();
    const stop = store.subscribe(handler);
    await store.append("s", [{ type: "After", data: 0 }]);
    await store.whenIdle();
    stop();
    assert.deepEqual(list, ["2:After"]);
  });
});
