import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { createEvent, type EventEnvelope } from "../event-envelope.ts";
import type { KafkaClientConfig, KafkaClientLike, KafkaEachMessagePayload } from "./kafka-client.ts";
import { KafkaEventBus } from "./kafka-event-bus.ts";

const logger = createLogger({ service: "test", level: "silent" });
const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/** A kafkajs-shaped fake that records every call; `deliver` plays the broker's `eachMessage`. */
function fakeKafka(opts: { committed?: string; failConnect?: boolean } = {}) {
  const calls: [string, unknown][] = [];
  const handlers = new Map<string, (p: KafkaEachMessagePayload) => Promise<void>>();
  let config: KafkaClientConfig | undefined;
  let heartbeats = 0;
  const client: KafkaClientLike = {
    producer: (o) => {
      calls.push(["producer", o]);
      return {
        connect: async () => {},
        send: async (record) => void calls.push(["send", record]),
        disconnect: async () => void calls.push(["producer.disconnect", null]),
      };
    },
    consumer: ({ groupId }) => {
      calls.push(["consumer", groupId]);
      return {
        connect: async () => {},
        subscribe: async (o) => void calls.push(["subscribe", { groupId, ...o }]),
        run: async (o) => {
          calls.push(["run", { groupId, concurrency: o.partitionsConsumedConcurrently }]);
          handlers.set(groupId, o.eachMessage);
        },
        disconnect: async () => void calls.push(["consumer.disconnect", groupId]),
      };
    },
    admin: () => ({
      connect: async () => {
        if (opts.failConnect) throw new Error("ECONNREFUSED");
      },
      createTopics: async (o) => {
        calls.push(["createTopics", o]);
        return true;
      },
      fetchOffsets: async ({ topics }) => [
        { topic: topics[0] ?? "", partitions: [{ partition: 0, offset: opts.committed ?? "-1" }] },
      ],
      resetOffsets: async (o) => void calls.push(["resetOffsets", o]),
      deleteGroups: async (ids) => void calls.push(["deleteGroups", ids]),
      disconnect: async () => {},
    }),
  };
  const deliver = (groupId: string, event: EventEnvelope, type = event.type) => {
    const handler = handlers.get(groupId);
    assert.ok(handler, `no consumer runs for ${groupId}`);
    return handler({
      topic: "T",
      partition: 0,
      message: {
        key: null,
        value: Buffer.from(JSON.stringify(event)),
        headers: { ce_type: Buffer.from(type) },
        offset: "0",
      },
      heartbeat: async () => {
        heartbeats += 1;
      },
    });
  };
  return {
    calls,
    deliver,
    heartbeats: () => heartbeats,
    config: () => config,
    factory: (c: KafkaClientConfig) => {
      config = c;
      return client;
    },
  };
}

const newBus = (fake: ReturnType<typeof fakeKafka>, url = "kafka://b1:9092,b2:9093/ORDERS") =>
  new KafkaEventBus({ url, client: fake.factory, logger, maxDeliver: 3, redeliveryDelayMs: 1 });

describe("KafkaEventBus (client mocked at its edge)", () => {
  it("parses brokers, SASL, TLS and partitions from the URL and creates the namespace topic", async () => {
    const fake = fakeKafka();
    const bus = newBus(
      fake,
      "kafka://svc:p%40ss@b1:9092,b2/ORDERS?ssl=true&mechanism=scram-sha-512&partitions=3",
    );
    await bus.ready();
    const { connectionTimeout: _, ...config } = fake.config() ?? { connectionTimeout: 0 };
    assert.deepEqual(config, {
      clientId: "allframe-ORDERS",
      brokers: ["b1:9092", "b2:9092"],
      ssl: true,
      sasl: { mechanism: "scram-sha-512", username: "svc", password: "p@ss" },
    });
    assert.deepEqual(fake.calls.slice(0, 2), [
      ["createTopics", { topics: [{ topic: "ORDERS", numPartitions: 3 }] }],
      ["producer", { idempotent: true, maxInFlightRequests: 1 }],
    ]);
    await bus.close();
  });

  it("publishes the envelope keyed by event.key with CloudEvents and trace headers, acks=all", async () => {
    const fake = fakeKafka();
    const bus = newBus(fake);
    const event = createEvent(
      "order.placed",
      { n: 1 },
      {
        source: "orders",
        key: "o-1",
        headers: { traceparent, "bad header": "x" },
      },
    );
    await bus.publish(event);
    const send = fake.calls.find(([name]) => name === "send");
    assert.deepEqual(send?.[1], {
      topic: "ORDERS",
      acks: -1,
      messages: [
        {
          key: "o-1",
          value: JSON.stringify(event),
          headers: { ce_id: event.id, ce_type: "order.placed", ce_source: "orders", traceparent },
        },
      ],
    });
    await bus.close();
  });

  it("maps a group to a Kafka group.id that starts at the topic's end, and filters by ce_type", async () => {
    const fake = fakeKafka();
    const bus = newBus(fake);
    const seen: string[] = [];
    const sub = bus.subscribe("order.placed", async (e) => void seen.push(e.id), {
      group: "billing",
      prefetch: 4,
    });
    await sub.ready;
    const groupId = fake.calls.find(([name]) => name === "consumer")?.[1] as string;
    assert.match(groupId, /^ORDERS\.billing\.order\.placed\.[0-9a-z]+$/);
    assert.deepEqual(
      fake.calls.filter(([name]) => ["resetOffsets", "subscribe", "run"].includes(name)),
      [
        ["resetOffsets", { groupId, topic: "ORDERS", earliest: false }],
        ["subscribe", { groupId, topics: ["ORDERS"], fromBeginning: false }],
        ["run", { groupId, concurrency: 4 }],
      ],
    );
    const placed = createEvent("order.placed", {}, { source: "s" });
    await fake.deliver(groupId, placed);
    await fake.deliver(groupId, createEvent("order.cancelled", {}, { source: "s" }));
    assert.deepEqual(seen, [placed.id]);
    await bus.close();
  });

  it("keeps a group's committed offsets when it rejoins", async () => {
    const fake = fakeKafka({ committed: "42" });
    const bus = newBus(fake);
    await bus.subscribe("order.placed", async () => {}, { group: "billing" }).ready;
    assert.equal(fake.calls.filter(([name]) => name === "resetOffsets").length, 0);
    await bus.close();
  });

  it("redelivers a rejected event in place (partition held, heartbeats sent), commits after maxDeliver", async () => {
    const fake = fakeKafka();
    const bus = newBus(fake);
    let deliveries = 0;
    const sub = bus.subscribe(
      "job",
      async () => {
        deliveries += 1;
        throw new Error("boom");
      },
      { group: "workers" },
    );
    await sub.ready;
    const groupId = fake.calls.find(([name]) => name === "consumer")?.[1] as string;
    await fake.deliver(groupId, createEvent("job", {}, { source: "s" }));
    assert.equal(deliveries, 3, "maxDeliver deliveries, then eachMessage resolves (offset committed)");
    assert.equal(fake.heartbeats(), 2);
    await bus.close();
  });

  it("gives an ungrouped subscription a one-off group, deleted on unsubscribe", async () => {
    const fake = fakeKafka();
    const bus = newBus(fake);
    const sub = bus.subscribe("*", async () => {});
    await sub.ready;
    const groupId = fake.calls.find(([name]) => name === "consumer")?.[1] as string;
    assert.match(groupId, /^ORDERS\.ungrouped\.[0-9a-f-]{36}$/);
    await sub.unsubscribe();
    assert.deepEqual(fake.calls.at(-1), ["deleteGroups", [groupId]]);
    await bus.close();
  });

  it("rejects bad URLs, bad types, use after close; ready() fails when brokers are down", async () => {
    const fake = fakeKafka({ failConnect: true });
    for (const url of ["kafka://", "kafka://b1:x", "kafka://b1?mechanism=oauth", "kafka://b1?partitions=0"]) {
      assert.throws(
        () => newBus(fake, url),
        (e) => hasErrorCode(e, "configuration"),
        url,
      );
    }
    const bus = new KafkaEventBus({ url: "kafka://b1", client: fake.factory, logger, connectTimeoutMs: 50 });
    await assert.rejects(bus.ready(), (e) => hasErrorCode(e, "unavailable"));
    assert.throws(
      () => bus.subscribe("a b", async () => {}),
      (e) => hasErrorCode(e, "validation"),
    );
    await bus.close();
    await assert.rejects(bus.publish(createEvent("x", {}, { source: "s" })), (e) =>
      hasErrorCode(e, "unavailable"),
    );
  });
});
