import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { type RabbitMqServer, startRabbitMq } from "../../testing/rabbitmq-server.ts";
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
    const namespace = `D${process.pid}`;
    const first = newBus({ namespace });
    const sub = first.subscribe("invoice.issued", async () => {}, { group: "mailer" });
    await sub.ready;
    await first.close();
    const publisher = newBus({ namespace });
    const sent = createEvent("invoice.issued", { n: 1 }, { source: "billing" });
    await publisher.publish(sent);
    await publisher.close();
    const second = newBus({ namespace });
    const got: string[] = [];
    second.subscribe("invoice.issued", async (e) => void got.push(e.id), { group: "mailer" });
    for (let i = 0; i < 300 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await second.close();
    assert.deepEqual(got, [sent.id]);
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
