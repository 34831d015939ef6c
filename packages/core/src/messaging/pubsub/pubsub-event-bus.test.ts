import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { createEvent, type EventEnvelope } from "../event-envelope.ts";
import type { PubSubClientLike, PubSubMessageLike } from "./pubsub-client.ts";
import { PubSubEventBus } from "./pubsub-event-bus.ts";

const logger = createLogger({ service: "test", level: "silent" });
const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/** A `@google-cloud/pubsub`-shaped fake recording calls; `deliver` plays the server. */
function fakePubSub(opts: { failTopic?: boolean } = {}) {
  const calls: [string, ...unknown[]][] = [];
  const listeners = new Map<string, (m: PubSubMessageLike) => void>();
  const client: PubSubClientLike = {
    topic: (name, options) => {
      calls.push(["topic", name, options]);
      return {
        get: async (o) => {
          if (opts.failTopic) throw new Error("UNAVAILABLE");
          calls.push(["topic.get", o]);
        },
        publishMessage: async (m) => {
          calls.push(["publishMessage", m]);
          return "1";
        },
        resumePublishing: () => {},
        createSubscription: async (sub, o) => void calls.push(["createSubscription", sub, o]),
      };
    },
    subscription: (name, options) => {
      calls.push(["subscription", name, options]);
      return {
        on: (event: string, listener: (m: PubSubMessageLike) => void) => {
          if (event === "message") listeners.set(name, listener);
        },
        close: async () => void calls.push(["close", name]),
        delete: async () => void calls.push(["delete", name]),
      } as never;
    },
    close: async () => {},
  };
  const deliver = (name: string, event: EventEnvelope, id = "m-1") => {
    const settled: string[] = [];
    listeners.get(name)?.({
      id,
      data: Buffer.from(JSON.stringify(event)),
      attributes: { "ce-type": event.type },
      deliveryAttempt: 0,
      ack: () => settled.push("ack"),
      nack: () => settled.push("nack"),
    });
    return settled;
  };
  return { calls, deliver, factory: () => client };
}

const newBus = (fake: ReturnType<typeof fakePubSub>, url = "pubsub://my-project/ORDERS") =>
  new PubSubEventBus({ url, client: fake.factory, logger, maxDeliver: 2, redeliveryDelayMs: 1500 });
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("PubSubEventBus (client mocked at its edge)", () => {
  it("creates the namespace topic with ordering and publishes data, ordering key and ce-*/trace attributes", async () => {
    const fake = fakePubSub();
    const bus = newBus(fake);
    const event = createEvent(
      "order.placed",
      { n: 1 },
      { source: "orders", key: "o-1", headers: { traceparent } },
    );
    await bus.publish(event);
    assert.deepEqual(fake.calls.slice(0, 2), [
      ["topic", "ORDERS", { messageOrdering: true }],
      ["topic.get", { autoCreate: true }],
    ]);
    assert.deepEqual(fake.calls.find(([n]) => n === "publishMessage")?.[1], {
      data: Buffer.from(JSON.stringify(event)),
      orderingKey: "o-1",
      attributes: { "ce-id": event.id, "ce-type": "order.placed", "ce-source": "orders", traceparent },
    });
    await bus.close();
  });

  it("gives a group one ordered subscription with the redelivery backoff; keeps it on close", async () => {
    const fake = fakePubSub();
    const bus = newBus(fake);
    await bus.subscribe("order.placed", async () => {}, { group: "billing", prefetch: 8 }).ready;
    const created = fake.calls.find(([n]) => n === "createSubscription");
    assert.match(String(created?.[1]), /^ORDERS-billing-order_placed-[0-9a-z]+$/);
    assert.deepEqual(created?.[2], {
      enableMessageOrdering: true,
      ackDeadlineSeconds: 30,
      retryPolicy: { minimumBackoff: { seconds: 2 }, maximumBackoff: { seconds: 600 } },
    });
    assert.deepEqual(fake.calls.find(([n]) => n === "subscription")?.slice(1), [
      created?.[1],
      { flowControl: { maxMessages: 8 } },
    ]);
    await bus.close();
    assert.equal(fake.calls.filter(([n]) => n === "delete").length, 0);
  });

  it("acks on resolve, nacks on reject, acks (drops) after maxDeliver, acks other types unseen", async () => {
    const fake = fakePubSub();
    const bus = newBus(fake);
    const seen: string[] = [];
    await bus.subscribe(
      "job",
      async (e) => {
        seen.push(e.source);
        if (e.source !== "ok") throw new Error("failed");
      },
      { group: "workers" },
    ).ready;
    const name = String(fake.calls.find(([n]) => n === "subscription")?.[1]);
    const ok = fake.deliver(name, createEvent("job", {}, { source: "ok" }), "m-ok");
    const poison = createEvent("job", {}, { source: "poison" });
    const first = fake.deliver(name, poison, "m-p");
    await tick();
    const second = fake.deliver(name, poison, "m-p");
    const other = fake.deliver(name, createEvent("other", {}, { source: "x" }), "m-x");
    await tick();
    assert.deepEqual([ok, first, second, other], [["ack"], ["nack"], ["ack"], ["ack"]]);
    assert.deepEqual(seen, ["ok", "poison", "poison"]);
    await bus.close();
  });

  it("an ungrouped subscription expires unused and is deleted on unsubscribe", async () => {
    const fake = fakePubSub();
    const bus = newBus(fake);
    const sub = bus.subscribe("*", async () => {});
    await sub.ready;
    const created = fake.calls.find(([n]) => n === "createSubscription");
    assert.deepEqual((created?.[2] as { expirationPolicy: unknown } | undefined)?.expirationPolicy, {
      ttl: { seconds: 86_400 },
    });
    await sub.unsubscribe();
    assert.deepEqual(fake.calls.slice(-2), [
      ["close", created?.[1]],
      ["delete", created?.[1]],
    ]);
    await bus.close();
  });

  it("rejects a host that is not a project id; ready() fails when Pub/Sub is down", async () => {
    const fake = fakePubSub({ failTopic: true });
    for (const url of ["pubsub://P/x", "pubsub://my-project/x?ack=1", "pubsub:///x"]) {
      assert.throws(
        () => newBus(fake, url),
        (e) => hasErrorCode(e, "configuration"),
        url,
      );
    }
    const bus = new PubSubEventBus({
      url: "pubsub://my-project/x",
      client: fake.factory,
      logger,
      connectTimeoutMs: 50,
    });
    await assert.rejects(bus.ready(), (e) => hasErrorCode(e, "unavailable"));
    await bus.close();
  });
});
