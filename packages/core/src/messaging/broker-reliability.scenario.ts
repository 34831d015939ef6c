/**
 * Reliability scenarios every broker adapter runs on a real server (issue 4, "Reliability tests"):
 * the broker restarted mid-stream loses no confirmed event, and a poison event is dead-lettered by
 * the consumer runtime while the rest keep flowing (`runBrokerReliability` registers both as a suite);
 * a consumer group keeps events for its next member (`groupKeepsEventsForNextMember`).
 * Imported by path from the adapters' tests.
 * @module
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../observability/logger.ts";
import type { RestartableServer } from "../testing/server-process.ts";
import { Consumer } from "./consumer/consumer.ts";
import { InMemoryDeadLetterQueue } from "./consumer/dead-letter-queue.ts";
import type { EventBus } from "./event-bus.ts";
import { createEvent } from "./event-envelope.ts";

const logger = createLogger({ service: "reliability", level: "silent" });

async function eventually(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Publishes `total` events one after another through `publisher`, restarting the broker after a
 * third of them; a Consumer on `consumerBus` must see every confirmed id at least once.
 */
export async function brokerRestartLosesNothing(
  publisher: EventBus,
  consumerBus: EventBus,
  restart: () => Promise<void>,
  total = 150,
): Promise<{ confirmed: number; deliveries: number }> {
  const seen = new Set<string>();
  let deliveries = 0;
  const consumer = new Consumer(
    consumerBus,
    { name: "ledger", events: ["money.moved"], logger, concurrency: 8, sleep: async () => {} },
    async (e) => {
      deliveries += 1;
      seen.add(e.id);
    },
  );
  await consumer.start();
  // The consumer's bus is ready once its group queues exist, so events published from here on (by any
  // process) are routed to the group even on brokers that drop unroutable messages (RabbitMQ).
  await Promise.all([publisher.ready?.(), consumerBus.ready?.()]);
  await publisher.publish(createEvent("money.moved", { warmup: true }, { source: "bank" }));
  const confirmed: string[] = [];
  let restarting: Promise<void> | undefined;
  for (let i = 0; i < total; i++) {
    if (i === Math.floor(total / 3)) restarting = restart();
    const event = createEvent("money.moved", { i }, { source: "bank", key: `acct-${i % 7}` });
    await publisher.publish(event); // resolves only once the broker confirmed it
    confirmed.push(event.id);
  }
  await restarting;
  await eventually(
    () => confirmed.every((id) => seen.has(id)),
    20_000,
    () => `${confirmed.filter((id) => !seen.has(id)).length} confirmed events never arrived`,
  );
  await consumer.stop();
  const missing = confirmed.filter((id) => !seen.has(id));
  assert.deepEqual(missing, []);
  return { confirmed: confirmed.length, deliveries };
}

/**
 * One poison event among good ones: the Consumer (maxRetries 2, backoff on fake time) dead-letters
 * it with 3 attempts, and every good event is handled.
 */
export async function poisonIsDeadLettered(bus: EventBus): Promise<void> {
  const dlq = new InMemoryDeadLetterQueue();
  const handled = new Set<string>();
  const delays: number[] = [];
  const consumer = new Consumer(
    bus,
    {
      name: "importer",
      events: ["row.imported"],
      logger,
      maxRetries: 2,
      jitter: 0,
      deadLetterQueue: dlq,
      sleep: async (ms) => void delays.push(ms),
    },
    async (e) => {
      if ((e.data as { poison?: boolean }).poison) throw new Error("cannot parse row");
      handled.add(e.id);
    },
  );
  await consumer.start();
  const poison = createEvent("row.imported", { poison: true }, { source: "import", key: "file-1" });
  const good = Array.from({ length: 20 }, (_, i) =>
    createEvent("row.imported", { i }, { source: "import", key: `file-${i % 3}` }),
  );
  await bus.publish(poison);
  for (const e of good) await bus.publish(e);
  await eventually(
    () => handled.size === good.length && consumer.stats().deadLettered === 1,
    15_000,
    () => `handled ${handled.size}/${good.length}, dead-lettered ${consumer.stats().deadLettered}`,
  );
  await consumer.stop();
  const [letter, ...rest] = await dlq.list();
  assert.deepEqual(rest, []);
  assert.equal(letter?.event.id, poison.id);
  assert.equal(letter?.attempts, 3);
  assert.deepEqual(delays, [100, 200]);
}

/**
 * A group's durable queue or consumer keeps events published while no member runs: a member
 * subscribes (and, when `unsubscribeFirst`, unsubscribes) and closes; an event is published; a new
 * member of the group receives exactly it, within `polls` × 10 ms.
 */
export async function groupKeepsEventsForNextMember(
  busIn: (namespace: string) => EventBus,
  namespace: string,
  options: { readonly unsubscribeFirst: boolean; readonly polls: number },
): Promise<void> {
  const first = busIn(namespace);
  const sub = first.subscribe("invoice.issued", async () => {}, { group: "mailer" });
  await sub.ready;
  if (options.unsubscribeFirst) await sub.unsubscribe();
  await first.close();
  const publisher = busIn(namespace);
  const sent = createEvent("invoice.issued", { n: 1 }, { source: "billing" });
  await publisher.publish(sent);
  await publisher.close();
  const second = busIn(namespace);
  const got: string[] = [];
  second.subscribe("invoice.issued", async (e) => void got.push(e.id), { group: "mailer" });
  for (let i = 0; i < options.polls && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  await second.close();
  assert.deepEqual(got, [sent.id]);
}

/**
 * Registers both scenarios as one suite on a real broker: `start` brings the server up before them
 * (and it is stopped after); `busFor(url, namespace)` builds an adapter on it.
 */
export function runBrokerReliability(
  title: string,
  start: () => Promise<RestartableServer>,
  busFor: (url: string, namespace: string) => EventBus,
): void {
  let server: RestartableServer;
  before(async () => {
    server = await start();
  });
  after(async () => {
    await server?.stop();
  });
  describe(title, () => {
    it("broker restarted mid-stream: every confirmed event is delivered", async () => {
      const [publisher, consumer] = [busFor(server.url, "RESTART"), busFor(server.url, "RESTART")];
      try {
        const result = await brokerRestartLosesNothing(publisher, consumer, () => server.restart(500));
        assert.equal(result.confirmed, 150);
      } finally {
        await Promise.all([publisher.close(), consumer.close()]);
      }
    });

    it("a poison event is dead-lettered after maxRetries while the rest keep flowing", async () => {
      const bus = busFor(server.url, "POISON");
      try {
        await poisonIsDeadLettered(bus);
      } finally {
        await bus.close();
      }
    });
  });
}
