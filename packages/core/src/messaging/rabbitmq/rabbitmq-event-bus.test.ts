import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { type RabbitMqServer, startRabbitMq } from "../../testing/rabbitmq-server.ts";
import { groupKeepsEventsForNextMember } from "../broker-reliability.scenario.ts";
import { runEventBusContract } from "../event-bus.contract.ts";
import { createEvent } from "../event-envelope.ts";
import { RabbitMqEventBus } from "./rabbitmq-event-bus.ts";

const logger = createLogger({ service: "test", level: "silent" });
let server: RabbitMqServer;
let namespaces = 0;
const newBus = (extra: { namespace?: string } = {}) =>
  new RabbitMqEventBus({
    url: server.url,
    namespace: `T${process.pid}_${++namespaces}`,
    redeliveryDelayMs: 20,
    maxDeliver: 3,
    logger,
    ...extra,
  });

before(async () => {
  server = await startRabbitMq();
});
after(async () => {
  await server?.stop();
});

runEventBusContract("rabbitmq", () => newBus(), { maxDeliver: 3 });

describe("RabbitMqEventBus", () => {
  it("keeps a group's events in its durable queue until a member returns", async () => {
    await groupKeepsEventsForNextMember((namespace) => newBus({ namespace }), `D${process.pid}`, {
      unsubscribeFirst: false,
      polls: 300,
    });
  });

  it("ready() waits for the group queues, so another process's events published after it arrive", async () => {
    const namespace = `R${process.pid}`;
    const [consumerBus, publisher] = [newBus({ namespace }), newBus({ namespace })];
    const got: string[] = [];
    consumerBus.subscribe("parcel.sent", async (e) => void got.push(e.id), { group: "tracker" });
    await consumerBus.ready();
    const sent = createEvent("parcel.sent", { n: 1 }, { source: "post" });
    await publisher.publish(sent); // a bus without subscriptions publishes at once: no wait inside
    for (let i = 0; i < 300 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await Promise.all([consumerBus.close(), publisher.close()]);
    assert.deepEqual(got, [sent.id]);
  });

  it("retries an event its own group queue should take when the broker returns it unroutable", async () => {
    const namespace = `U${process.pid}`;
    const bus = newBus({ namespace });
    const got = new Set<string>();
    const sub = bus.subscribe("stock.counted", async (e) => void got.add(e.id), { group: "audit" });
    await sub.ready;
    const { Connection } = await import("rabbitmq-client");
    const admin = new Connection(server.url);
    try {
      // The consumer re-declares its queue after the server's basic.cancel, ~100 ms later; events
      // published in between are unroutable and must be retried, not confirmed and dropped.
      await admin.queueDelete({ queue: `${namespace}.audit.stock.counted` });
      const sent = Array.from({ length: 5 }, (_, n) => createEvent("stock.counted", { n }, { source: "s" }));
      for (const e of sent) await bus.publish(e);
      await bus.publish(createEvent("nobody.listens", {}, { source: "s" })); // unbound: confirmed at once
      for (let i = 0; i < 300 && got.size < sent.length; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(
        sent.filter((e) => !got.has(e.id)),
        [],
      );
    } finally {
      await bus.close();
      await admin.close();
    }
  });

  it("rejects bad types and group names, and use after close", async () => {
    const bus = newBus();
    await assert.rejects(bus.publish(createEvent("has space", {}, { source: "s" })), (e) =>
      hasErrorCode(e, "validation"),
    );
    assert.throws(
      () => bus.subscribe("x", async () => {}, { group: "a b" }),
      (e) => hasErrorCode(e, "validation"),
    );
    await bus.close();
    await assert.rejects(bus.publish(createEvent("x", {}, { source: "s" })), (e) =>
      hasErrorCode(e, "unavailable"),
    );
  });

  it("ready() fails with unavailable when nothing listens", async () => {
    const bus = new RabbitMqEventBus({ url: "amqp://127.0.0.1:1", connectTimeoutMs: 300, logger });
    await assert.rejects(bus.ready(), (e) => hasErrorCode(e, "unavailable"));
    await bus.close();
  });
});
