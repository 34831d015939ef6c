import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AllFrameError, hasErrorCode } from "../../errors/allframe-error.ts";
import { silentLogger as logger, relaySetup as setup, until } from "./outbox-relay.fixture.ts";
import { OutboxRelay } from "./outbox-relay.ts";
import { outboxEvent } from "./outbox-store.contract.ts";
import type { OutboxStore } from "./outbox-store.ts";
import { RecordingBus } from "./recording-bus.fixture.ts";
import { SqliteOutboxStore } from "./sqlite-outbox-store.ts";

describe("OutboxRelay", () => {
  it("publishes committed messages, one key in outbox order, then marks them", async () => {
    const { store, bus, relay, enqueue } = setup();
    await enqueue(["e-1", "k"], ["e-2", "k"], ["e-3"]);
    assert.equal(await relay.runOnce(), 3);
    assert.deepEqual(
      bus.published.filter((e) => e.key === "k"),
      [outboxEvent("e-1", "k"), outboxEvent("e-2", "k")],
    );
    assert.deepEqual(bus.ids.sort(), ["e-1", "e-2", "e-3"]);
    assert.equal(await relay.runOnce(), 0);
    assert.deepEqual(await relay.stats(), {
      backlog: 0,
      published: 3,
      failed: 0,
      deadLettered: 0,
      batches: 1,
      storeErrors: 0,
      running: false,
    });
    await store.close();
  });

  it("wakes on a same-process commit instead of waiting for the poll", async () => {
    const { store, bus, sleep, relay, enqueue } = setup();
    relay.start();
    await sleep.sleeping();
    await enqueue(["e-1"]);
    await until(() => bus.ids.length === 1);
    await sleep.sleeping();
    assert.deepEqual(sleep.asked, [1000, 1000], "idle twice, never a poll interval passed");
    await relay.stop();
    await store.close();
  });

  it("polls every pollIntervalMs for messages it was not told about", async () => {
    const { store, bus, sleep, relay } = setup(5, { pollIntervalMs: 250 });
    relay.start();
    await sleep.sleeping();
    const other = new SqliteOutboxStore({ path: ":memory:" });
    await store.transaction((tx) => other.enqueue(tx, [outboxEvent("e-1")]));
    assert.deepEqual(bus.ids, []);
    await sleep.poll();
    assert.deepEqual(bus.ids, ["e-1"]);
    assert.deepEqual(sleep.asked, [250, 250]);
    await relay.stop();
    await Promise.all([store.close(), other.close()]);
  });

  it("a failed publish holds the rest of its key, retries after the backoff, keeps the order", async () => {
    const { store, bus, clock, relay, enqueue } = setup();
    await enqueue(["a-1", "a"], ["a-2", "a"], ["b-1", "b"]);
    bus.failNext = 1;
    assert.equal(await relay.runOnce(), 3);
    assert.deepEqual(bus.ids, ["b-1"]);
    assert.equal(await relay.runOnce(), 0, "a-1 waits 100 ms, a-2 waits for a-1");
    clock.advance(100);
    assert.equal(await relay.runOnce(), 2);
    assert.deepEqual(bus.ids, ["b-1", "a-1", "a-2"]);
    const stats = await relay.stats();
    assert.equal(stats.failed, 1);
    assert.equal(stats.published, 3);
    await store.close();
  });

  it("a poison message goes to the dead letters after maxAttempts; its key and the rest flow", async () => {
    const { store, bus, clock, relay, enqueue } = setup(3);
    await enqueue(["p-1", "p"], ["p-2", "p"], ["q-1", "q"]);
    bus.poison.add("p-1");
    for (let attempt = 0; attempt < 3; attempt++) {
      await relay.runOnce();
      clock.advance(10_000);
    }
    assert.deepEqual(bus.ids, ["q-1", "p-2"]);
    const [dead] = await store.deadLetters.list();
    assert.equal(dead?.event.id, "p-1");
    assert.equal(dead?.attempts, 3);
    assert.deepEqual(dead?.error, { name: "TypeError", message: "cannot publish p-1" });
    const stats = await relay.stats();
    assert.deepEqual([stats.failed, stats.deadLettered, stats.backlog], [3, 1, 0]);
    await store.close();
  });

  it("keeps running through store failures, backing off exponentially", async () => {
    const { store, bus, sleep, enqueue } = setup();
    let failures = 3;
    const flaky: OutboxStore = {
      kind: store.kind,
      maxAttempts: store.maxAttempts,
      deadLetters: store.deadLetters,
      transaction: (work) => store.transaction(work),
      enqueue: (tx, messages) => store.enqueue(tx, messages),
      claim: async (n, lease, worker) => {
        if (failures-- > 0) throw new AllFrameError("unavailable", "database down");
        return store.claim(n, lease, worker);
      },
      markPublished: (ids) => store.markPublished(ids),
      release: (ids) => store.release(ids),
      recordFailure: (id, error, ms) => store.recordFailure(id, error, ms),
      backlog: () => store.backlog(),
      onCommit: (listener) => store.onCommit(listener),
      close: () => store.close(),
    };
    await enqueue(["e-1"]);
    const relay = new OutboxRelay({
      store: flaky,
      bus,
      logger,
      sleep: sleep.sleep,
      baseDelayMs: 100,
      jitter: 0,
    });
    relay.start();
    await sleep.sleeping();
    for (let i = 0; i < 3; i++) await sleep.poll();
    assert.deepEqual(bus.ids, ["e-1"]);
    assert.deepEqual(sleep.asked, [100, 200, 400, 1000]);
    assert.equal((await relay.stats()).storeErrors, 3);
    await relay.stop();
    await store.close();
  });

  it("stop() finishes the batch in flight, then claims nothing more", async () => {
    const { store, bus, relay, enqueue } = setup();
    await enqueue(["e-1"], ["e-2"], ["e-3"]);
    const held = bus.hold();
    relay.start();
    await held;
    const stopped = relay.stop();
    bus.open();
    await stopped;
    assert.deepEqual(bus.ids.sort(), ["e-1", "e-2", "e-3"]);
    assert.equal(await store.backlog(), 0);
    await enqueue(["e-4"]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(bus.ids.length, 3);
    assert.equal((await relay.stats()).running, false);
    await store.close();
  });

  it("claims the next full batch while one publishes, and stop() hands it back unpublished", async () => {
    const { store, bus, relay, enqueue } = setup(5, { batchSize: 2 });
    await enqueue(["a-1", "a"], ["b-1", "b"], ["c-1", "c"], ["d-1", "d"]);
    const held = bus.hold();
    relay.start();
    await held;
    await until(async () => (await store.claim(10, 1000, "probe")).length === 0);
    const stopped = relay.stop();
    bus.open();
    await stopped;
    assert.deepEqual(bus.ids.sort(), ["a-1", "b-1"], "only the batch in flight went out");
    const leftover = new OutboxRelay({ store, bus, logger, workerId: "relay-2", batchSize: 10 });
    assert.equal(await leftover.runOnce(), 2, "released at stop, not left to its lease");
    assert.deepEqual(bus.ids.sort(), ["a-1", "b-1", "c-1", "d-1"]);
    await store.close();
  });

  it("stop(signal) gives up waiting when the shutdown deadline passes", async () => {
    const { store, bus, relay, enqueue } = setup();
    await enqueue(["e-1"]);
    const held = bus.hold();
    relay.start();
    await held;
    await relay.stop(AbortSignal.abort());
    bus.open();
    await until(async () => (await store.backlog()) === 0);
    await store.close();
  });

  it("drain() publishes the whole backlog batch after batch, each key in order", async () => {
    const { store, bus, relay, enqueue } = setup(5, { batchSize: 2 });
    await enqueue(["a-1", "a"], ["a-2", "a"], ["b-1"], ["c-1"], ["d-1"]);
    await relay.drain();
    assert.deepEqual(bus.ids.sort(), ["a-1", "a-2", "b-1", "c-1", "d-1"]);
    assert.deepEqual(
      bus.published.filter((e) => e.key === "a").map((e) => e.id),
      ["a-1", "a-2"],
    );
    assert.equal(await store.backlog(), 0);
    await store.close();
  });

  it("drain() leaves a message waiting out its retry delay for later instead of spinning on it", async () => {
    const { store, bus, relay, enqueue } = setup();
    bus.poison.add("bad");
    await enqueue(["bad"], ["good"]);
    await relay.drain();
    assert.deepEqual(bus.ids, ["good"]);
    assert.equal(await store.backlog(), 1);
    assert.equal((await relay.stats()).failed, 1);
    await store.close();
  });

  it("drain(signal) publishes nothing more once the shutdown deadline has passed", async () => {
    const { store, bus, relay, enqueue } = setup();
    await enqueue(["e-1"]);
    await relay.drain(AbortSignal.abort());
    assert.deepEqual(bus.ids, []);
    assert.equal(await store.backlog(), 1);
    await store.close();
  });

  it("refuses a batchSize, leaseMs or pollIntervalMs below 1", () => {
    const store = new SqliteOutboxStore({ path: ":memory:" });
    const bus = new RecordingBus();
    for (const bad of [{ batchSize: 0 }, { leaseMs: 0 }, { pollIntervalMs: -1 }]) {
      assert.throws(
        () => new OutboxRelay({ store, bus, ...bad }),
        (e) => hasErrorCode(e, "configuration"),
      );
    }
  });
});
