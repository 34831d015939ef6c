import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { type NatsServer, startNats } from "../../testing/nats-server.ts";
import { groupKeepsEventsForNextMember } from "../broker-reliability.scenario.ts";
import { Consumer } from "../consumer/consumer.ts";
import { runEventBusContract } from "../event-bus.contract.ts";
import { createEvent } from "../event-envelope.ts";
import { NatsJetStreamEventBus } from "./nats-jetstream-event-bus.ts";

const logger = createLogger({ service: "test", level: "silent" });
let server: NatsServer;
let namespaces = 0;
const newBus = (extra: { namespace?: string; publishTimeoutMs?: number } = {}) =>
  new NatsJetStreamEventBus({
    url: server.url,
    namespace: `T${process.pid}_${++namespaces}`,
    redeliveryDelayMs: 20,
    maxDeliver: 3,
    logger,
    ...extra,
  });

before(async () => {
  server = await startNats();
});
after(async () => {
  await server?.stop();
});

runEventBusContract("nats jetstream", () => newBus(), { maxDeliver: 3 });

describe("NatsJetStreamEventBus", () => {
  it("keeps a group's unacknowledged events for its next member (durable consumer)", async () => {
    await groupKeepsEventsForNextMember((namespace) => newBus({ namespace }), `D${process.pid}`, {
      unsubscribeFirst: true,
      polls: 200,
    });
  });

  it("a consumer's start() resolves once its durable consumer exists: another process's next event reaches it", async () => {
    const namespace = `C${process.pid}_${++namespaces}`;
    const [consuming, producing] = [newBus({ namespace }), newBus({ namespace })];
    await producing.ready();
    const got: string[] = [];
    const consumer = new Consumer(
      consuming,
      { name: "storage", events: ["reading.taken"], logger },
      async (e) => {
        got.push(e.id);
      },
    );
    const nc = await connect({ servers: server.url });
    try {
      await consumer.start();
      const consumers = await (await jetstreamManager(nc)).consumers.list(namespace).next();
      assert.deepEqual(
        consumers.map((c) => c.config.durable_name?.startsWith("storage__")),
        [true],
        "the group's durable consumer exists once start() resolves",
      );
      // The producer's bus knows nothing of the consumer's setup: only start() can have waited for it.
      const event = createEvent("reading.taken", { value: 21.5 }, { source: "ingestion" });
      await producing.publish(event);
      for (let i = 0; i < 200 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.deepEqual(got, [event.id]);
    } finally {
      await consumer.stop();
      await Promise.all([consuming.close(), producing.close(), nc.close()]);
    }
  });

  it("rejects types that cannot be subjects, bad options, and use after close", async () => {
    assert.throws(
      () => new NatsJetStreamEventBus({ url: "nats://x?shards=2" }),
      (e) => hasErrorCode(e, "configuration"),
    );
    assert.throws(
      () => new NatsJetStreamEventBus({ url: "nats://x", namespace: "a.b" }),
      (e) => hasErrorCode(e, "configuration"),
    );
    const bus = newBus();
    await assert.rejects(bus.publish(createEvent("has space", {}, { source: "s" })), (e) =>
      hasErrorCode(e, "validation"),
    );
    assert.throws(
      () => bus.subscribe("order.>", async () => {}),
      (e) => hasErrorCode(e, "validation"),
    );
    await bus.close();
    await assert.rejects(bus.publish(createEvent("x", {}, { source: "s" })), (e) =>
      hasErrorCode(e, "unavailable"),
    );
  });

  it("ready() fails with unavailable when nothing listens", async () => {
    const bus = new NatsJetStreamEventBus({ url: "nats://127.0.0.1:1", connectTimeoutMs: 300, logger });
    await assert.rejects(bus.ready(), (e) => hasErrorCode(e, "unavailable"));
    await bus.close();
  });
});
