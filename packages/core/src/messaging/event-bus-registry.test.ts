import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { createLogger } from "../observability/logger.ts";
import {
  createEventBus,
  eventBusSchemes,
  openEventBus,
  registerEventBusAdapter,
} from "./event-bus-registry.ts";
import { InProcessEventBus } from "./in-process-event-bus.ts";

const logger = createLogger({ service: "test", level: "silent" });

describe("createEventBus", () => {
  it("uses the in-process bus when no URL or a memory URL is given", async () => {
    for (const url of [undefined, "", "  ", "memory:", "in-process:", "MEMORY://x"]) {
      const bus = createEventBus({ url, logger });
      assert.ok(bus instanceof InProcessEventBus, String(url));
      await bus.close();
    }
    assert.deepEqual(eventBusSchemes().slice(0, 2), ["memory:", "in-process:"]);
  });

  it("reports schemes without an adapter as unsupported, without echoing the URL", () => {
    assert.throws(
      () => createEventBus({ url: "mqtt://user:secret@127.0.0.1:1883", logger }),
      (e) =>
        hasErrorCode(e, "unsupported") &&
        e.message ===
          'EVENT_BUS_URL scheme "mqtt:" is not available in this version of @allframe/core; unset EVENT_BUS_URL to use the in-process bus',
    );
    assert.throws(
      () => createEventBus({ url: "localhost:4222x" }),
      (e) => hasErrorCode(e, "unsupported"),
    );
    assert.throws(
      () => createEventBus({ url: "//no-scheme" }),
      (e) => hasErrorCode(e, "configuration"),
    );
  });

  it("maps nats:, amqp: and amqps: to the broker adapters; openEventBus waits for the connection", async () => {
    const nats = createEventBus({ url: "nats://127.0.0.1:1", logger });
    const amqp = createEventBus({ url: "amqp://guest:guest@127.0.0.1:1", logger });
    assert.deepEqual([nats.kind, amqp.kind], ["nats", "rabbitmq"]);
    await Promise.all([nats.close(), amqp.close()]);
    await assert.rejects(openEventBus({ url: "amqp://127.0.0.1:1?connectTimeoutMs=200", logger }), (e) =>
      hasErrorCode(e, "unavailable"),
    );
    const memory = await openEventBus({ logger });
    assert.equal(memory.kind, "in-process");
    await memory.close();
  });

  it("maps kafka:, sqs:, eventbridge: and pubsub: to the cloud adapters (clients load on first connect)", async () => {
    const cloud = ["kafka:", "sqs:", "eventbridge:", "pubsub:"];
    assert.ok(cloud.every((scheme) => eventBusSchemes().includes(scheme)));
    const kafka = createEventBus({ url: "kafka://127.0.0.1:1,127.0.0.1:2/T?connectTimeoutMs=200", logger });
    const sqs = createEventBus({ url: "sqs://eu-west-1/T?endpoint=http://127.0.0.1:1", logger });
    const eventbridge = createEventBus({
      url: "EventBridge://eu-west-1/orders?endpoint=http://127.0.0.1:1&fifo=true",
      logger,
    });
    assert.deepEqual([kafka.kind, sqs.kind, eventbridge.kind], ["kafka", "sqs", "eventbridge"]);
    assert.throws(
      () => createEventBus({ url: "eventbridge://orders/bus", logger }),
      (e) => hasErrorCode(e, "configuration") && e.message.includes("eventbridge://eu-west-1/orders"),
    );
    await assert.rejects(kafka.ready?.() ?? Promise.resolve(), (e) => hasErrorCode(e, "unavailable"));
    await Promise.all([kafka.close(), sqs.close(), eventbridge.close()]);
  });

  it("uses an adapter registered for a scheme", async () => {
    let received: string | undefined;
    registerEventBusAdapter("Test-Bus", ({ url }) => {
      received = url;
      return new InProcessEventBus({ logger });
    });
    const bus = createEventBus({ url: "test-bus://broker:1", logger });
    assert.equal(received, "test-bus://broker:1");
    await bus.close();
  });
});
