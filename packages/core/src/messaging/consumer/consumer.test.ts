import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AllFrameError, hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { createMemoryLogDestination } from "../../observability/memory-log-destination.ts";
import { ManualClock, sequentialIds } from "../../runtime/clock.ts";
import { createEvent, type EventEnvelope } from "../event-envelope.ts";
import { InProcessEventBus } from "../in-process-event-bus.ts";
import { Consumer, type ConsumerOptions } from "./consumer.ts";
import { runDeadLetterQueueContract } from "./dead-letter-queue.contract.ts";
import { InMemoryDeadLetterQueue } from "./dead-letter-queue.ts";

runDeadLetterQueueContract("in-memory", () => new InMemoryDeadLetterQueue());

const silent = createLogger({ service: "test", level: "silent" });
const ids = sequentialIds("evt");
const event = (type = "order.placed", data: unknown = {}) =>
  createEvent(type, data, { source: "orders", ids });

/** Yields to the event loop until `condition` holds (bounded, no timers). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(condition(), "condition never held");
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

function setup(options: Partial<ConsumerOptions>, handler: (e: EventEnvelope) => Promise<void>) {
  const busErrors: unknown[] = [];
  const bus = new InProcessEventBus({ logger: silent, onError: (_e, error) => busErrors.push(error) });
  const delays: number[] = [];
  const consumer = new Consumer(
    bus,
    {
      name: "billing",
      events: ["order.placed"],
      logger: silent,
      jitter: 0,
      sleep: async (ms) => void delays.push(ms),
      ...options,
    },
    handler,
  );
  return { bus, consumer, delays, busErrors };
}

describe("Consumer", () => {
  it("never runs more handlers at once than its concurrency", async () => {
    let active = 0;
    let peak = 0;
    const release = gate();
    const { bus, consumer } = setup({ concurrency: 3 }, async () => {
      active += 1;
      peak = Math.max(peak, active);
      await release.opened;
      active -= 1;
    });
    await consumer.start();
    for (let i = 0; i < 10; i++) await bus.publish(event());
    await until(() => consumer.stats().queued === 7);
    assert.equal(consumer.stats().inFlight, 3);
    assert.equal(active, 3);
    release.open();
    await bus.close();
    assert.equal(peak, 3);
    assert.deepEqual(consumer.stats(), {
      received: 10,
      succeeded: 10,
      retried: 0,
      deadLettered: 0,
      dropped: 0,
      abandoned: 0,
      inFlight: 0,
      queued: 0,
    });
  });

  it("retries with backoff, then dead-letters with the event, last error and attempt count", async () => {
    const dlq = new InMemoryDeadLetterQueue();
    let calls = 0;
    const { bus, consumer, delays } = setup(
      {
        maxRetries: 3,
        baseDelayMs: 100,
        deadLetterQueue: dlq,
        clock: new ManualClock(Date.parse("2025-05-05T12:00:00Z")),
        ids: sequentialIds("dl"),
      },
      async () => {
        calls += 1;
        throw new Error(`card declined (${calls})`);
      },
    );
    await consumer.start();
    const sent = event("order.placed", { orderId: "o-9" });
    await bus.publish(sent);
    await bus.close();
    assert.equal(calls, 4);
    assert.deepEqual(delays, [100, 200, 400]);
    assert.deepEqual(await dlq.list(), [
      {
        id: "dl-1",
        event: sent,
        error: { name: "Error", message: "card declined (4)" },
        attempts: 4,
        consumer: "billing",
        deadLetteredAt: "2025-05-05T12:00:00.000Z",
      },
    ]);
    const stats = consumer.stats();
    assert.equal(stats.retried, 3);
    assert.equal(stats.deadLettered, 1);
    assert.equal(stats.succeeded, 0);
  });

  it("succeeds on a retry without dead-lettering", async () => {
    const dlq = new InMemoryDeadLetterQueue();
    let calls = 0;
    const { bus, consumer, delays } = setup(
      { deadLetterQueue: dlq, backoff: "fixed", baseDelayMs: 50 },
      async () => {
        calls += 1;
        if (calls < 3) throw new Error("flaky");
      },
    );
    await consumer.start();
    await bus.publish(event());
    await bus.close();
    assert.deepEqual(delays, [50, 50]);
    assert.equal(await dlq.size(), 0);
    assert.equal(consumer.stats().succeeded, 1);
    assert.equal(consumer.stats().retried, 2);
  });

  it("dead-letters at once what isRetryable rejects", async () => {
    const dlq = new InMemoryDeadLetterQueue();
    const { bus, consumer, delays } = setup(
      { deadLetterQueue: dlq, isRetryable: (e) => !hasErrorCode(e, "validation") },
      async () => {
        throw new AllFrameError("validation", "amount must be positive");
      },
    );
    await consumer.start();
    await bus.publish(event());
    await bus.close();
    assert.deepEqual(delays, []);
    const [letter] = await dlq.list();
    assert.equal(letter?.attempts, 1);
    assert.deepEqual(letter?.error, { name: "AllFrameError", message: "amount must be positive" });
  });

  it("logs exhausted events as dropped when there is no dead-letter queue", async () => {
    const logs = createMemoryLogDestination();
    const logger = createLogger({ service: "t", destination: logs });
    const { bus, consumer } = setup({ maxRetries: 1, logger }, async () => {
      throw new Error("down");
    });
    await consumer.start();
    await bus.publish(event());
    await bus.close();
    assert.equal(consumer.stats().dropped, 1);
    const dropped = logs.entries().find((e) => String(e.msg).startsWith("event dropped"));
    assert.equal(dropped?.consumer, "billing");
    assert.equal(dropped?.attempts, 2);
  });

  it("redrives a dead letter and removes it on success; keeps it when it fails again", async () => {
    const dlq = new InMemoryDeadLetterQueue();
    let healthy = false;
    const handled: string[] = [];
    const { bus, consumer } = setup({ maxRetries: 0, deadLetterQueue: dlq }, async (e) => {
      if (!healthy) throw new Error("still down");
      handled.push(e.id);
    });
    await consumer.start();
    const sent = event();
    await bus.publish(sent);
    await bus.close();
    const [letter] = await dlq.list();
    assert.ok(letter);
    await assert.rejects(consumer.redrive(letter.id), /still down/);
    assert.equal(await dlq.size(), 1);
    healthy = true;
    await consumer.redrive(letter.id);
    assert.deepEqual(handled, [sent.id]);
    assert.equal(await dlq.size(), 0);
    await assert.rejects(consumer.redrive(letter.id), (e) => hasErrorCode(e, "not-found"));
  });

  it("stop waits for running handlers and gives back queued events and pending retries", async () => {
    const release = gate();
    let finished = 0;
    const { bus, consumer, busErrors } = setup(
      { concurrency: 2, sleep: undefined, baseDelayMs: 60_000 },
      async (e) => {
        if ((e.data as { fail?: boolean }).fail) throw new Error("retry me");
        await release.opened;
        finished += 1;
      },
    );
    await consumer.start();
    await bus.publish(event("order.placed", { fail: true }));
    await bus.publish(event());
    await bus.publish(event());
    await bus.publish(event());
    await until(
      () =>
        consumer.stats().inFlight === 2 && consumer.stats().queued === 2 && consumer.stats().retried === 1,
    );
    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stopped, false, "stop waits for the running handler");
    release.open();
    await stopping;
    assert.equal(finished, 1);
    assert.equal(consumer.stats().abandoned, 3);
    assert.equal(consumer.stats().inFlight, 0);
    await bus.close();
    assert.equal(busErrors.length, 3);
    assert.ok(busErrors.every((e) => hasErrorCode(e, "unavailable")));
  });

  it("only receives its event types, once per group", async () => {
    const seen: string[] = [];
    const { bus, consumer } = setup(
      { events: ["order.placed", "order.cancelled"] },
      async (e) => void seen.push(e.type),
    );
    const other = new Consumer(
      bus,
      { name: "billing", events: ["*"], logger: silent },
      async (e) => void seen.push(`other:${e.type}`),
    );
    await consumer.start();
    await other.start();
    await consumer.start();
    await bus.publish(event("order.placed"));
    await bus.publish(event("order.cancelled"));
    await bus.publish(event("order.shipped"));
    await bus.close();
    assert.equal(seen.length, 3, "the group billing gets each event once");
    assert.ok(seen.includes("other:order.shipped"));
  });

  it("start() waits for the broker to hold the subscriptions, and a stop() meanwhile wins", async () => {
    let brokerReady!: () => void;
    const ready = new Promise<void>((resolve) => {
      brokerReady = resolve;
    });
    let unsubscribed = 0;
    const bus = new InProcessEventBus({ logger: silent });
    // A broker-like bus: the subscription exists at once, the broker holds it once `ready` settles.
    bus.subscribe = () => ({ ready, unsubscribe: async () => void unsubscribed++ });
    const logs = createMemoryLogDestination();
    const logger = createLogger({ service: "t", destination: logs });
    const consumer = new Consumer(bus, { name: "billing", events: ["order.placed"], logger }, async () => {});
    let started = false;
    const starting = consumer.start().then(() => {
      started = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(started, false, "start() is still waiting for the broker");
    await consumer.stop();
    brokerReady();
    await starting;
    assert.equal(unsubscribed, 1);
    assert.deepEqual(
      logs.entries().filter((entry) => entry.msg === "consumer started"),
      [],
      "a consumer stopped before the broker was ready never reports itself started",
    );
  });

  it("rejects bad options", () => {
    const bus = new InProcessEventBus({ logger: silent });
    const make = (o: Partial<ConsumerOptions>) => () =>
      new Consumer(bus, { name: "c", events: ["x"], logger: silent, ...o }, async () => {});
    for (const o of [{ name: " " }, { events: [] }, { concurrency: 0 }, { maxRetries: -1 }, { jitter: 2 }]) {
      assert.throws(make(o), (e) => hasErrorCode(e, "configuration"), JSON.stringify(o));
    }
  });
});
