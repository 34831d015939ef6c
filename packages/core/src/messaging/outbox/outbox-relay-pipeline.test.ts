import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { silentLogger as logger, relaySetup as setup, until } from "./outbox-relay.fixture.ts";
import { OutboxRelay } from "./outbox-relay.ts";

describe("OutboxRelay with several batches in flight", () => {
  it("publishes maxBatchesInFlight batches at once, claims one ahead, and stop() hands that one back", async () => {
    const { store, bus, relay, enqueue } = setup(5, { batchSize: 2, maxBatchesInFlight: 2 });
    await enqueue(["a-1", "a"], ["b-1", "b"], ["c-1", "c"], ["d-1", "d"], ["e-1", "e"], ["f-1", "f"]);
    const held = bus.hold();
    relay.start();
    await held;
    await until(() => bus.waiting === 4);
    const stopped = relay.stop();
    bus.open();
    await stopped;
    assert.deepEqual(bus.ids.sort(), ["a-1", "b-1", "c-1", "d-1"], "both batches in flight went out");
    assert.equal(await store.backlog(), 2, "the batch claimed ahead is back in the outbox");
    const leftover = new OutboxRelay({ store, bus, logger, workerId: "relay-2", batchSize: 10 });
    assert.equal(await leftover.runOnce(), 2, "released at stop, not left to its lease");
    await store.close();
  });

  it("a key committed again while its batch is in flight waits for the mark, then goes out without a poll", async () => {
    const { store, bus, sleep, relay, enqueue } = setup(5, { maxBatchesInFlight: 4 });
    relay.start();
    await sleep.sleeping();
    const held = bus.hold();
    await enqueue(["a-1", "a"]);
    await held;
    await enqueue(["a-2", "a"], ["b-1", "b"]);
    bus.open();
    // No sleep ever ends but by a wake-up (the test never ticks): a-2 must go out without a poll.
    await until(() => bus.ids.length === 3);
    assert.deepEqual(
      bus.published.filter((e) => e.key === "a").map((e) => e.id),
      ["a-1", "a-2"],
    );
    await relay.stop();
    await until(async () => (await store.backlog()) === 0);
    await store.close();
  });

  it("caught up, it claims what was committed during a batch once that batch is done, in one claim", async () => {
    // Counts the claims that handed out messages: once its batches are marked, a relay that had some in
    // flight claims once more to see whether messages were waiting behind their keys.
    const { store, bus, sleep, relay, enqueue } = setup(5, { maxBatchesInFlight: 4 });
    let claims = 0;
    const claim = store.claim.bind(store);
    store.claim = async (...args) => {
      const claimed = await claim(...args);
      if (claimed.length > 0) claims++;
      return claimed;
    };
    relay.start();
    await sleep.sleeping();
    const held = bus.hold();
    await enqueue(["a-1", "a"]);
    await held;
    await enqueue(["b-1", "b"]);
    await enqueue(["c-1", "c"]);
    await enqueue(["d-1", "d"]);
    assert.equal(bus.waiting, 1, "nothing more is claimed while the batch is in flight");
    const claimsBefore = claims;
    bus.open();
    await until(() => bus.ids.length === 4);
    assert.equal(claims - claimsBefore, 1, "b-1, c-1 and d-1 went out in one claim");
    await relay.stop();
    await store.close();
  });

  it("a drained outbox's last messages, held back behind a key in flight, go out without a poll", async () => {
    const { store, bus, sleep, relay, enqueue } = setup(5, { batchSize: 1, maxBatchesInFlight: 2 });
    // Claims of one: a-1; then b-1, since a-2 waits behind a-1's lease; then nothing until a-1 is marked.
    await enqueue(["a-1", "a"], ["a-2", "a"], ["b-1", "b"]);
    const held = bus.hold();
    relay.start();
    await held;
    await until(() => bus.waiting === 2);
    bus.open();
    // No sleep ever ends but by a wake-up, and nothing is committed after the start: a-2 must go out
    // once a-1 is marked, not a poll interval later.
    await until(() => bus.ids.length === 3);
    assert.deepEqual(
      bus.published.filter((e) => e.key === "a").map((e) => e.id),
      ["a-1", "a-2"],
    );
    await sleep.sleeping();
    assert.equal(await store.backlog(), 0, "all marked before the relay sleeps");
    await relay.stop();
    await store.close();
  });

  it("refuses maxBatchesInFlight below 1", async () => {
    const { store } = setup();
    assert.throws(
      () => new OutboxRelay({ store, bus: { kind: "x" } as never, maxBatchesInFlight: 0 }),
      (e) => hasErrorCode(e, "configuration"),
    );
    await store.close();
  });
});
