import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { createEvent } from "../event-envelope.ts";
import { fakeAws, until } from "./fake-aws.ts";
import { SqsSnsEventBus } from "./sqs-sns-event-bus.ts";

const logger = createLogger({ service: "test", level: "silent" });
const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const topicArn = "arn:aws:sns:eu-west-1:000000000000:ORDERS";
const newBus = (fake: ReturnType<typeof fakeAws>, url = "sqs://eu-west-1/ORDERS") =>
  new SqsSnsEventBus({ url, client: fake.factory, logger, maxDeliver: 3, redeliveryDelayMs: 1 });

describe("SqsSnsEventBus (AWS SDK mocked at send)", () => {
  it("creates the namespace topic and publishes the envelope with ce-* and trace attributes (max 10)", async () => {
    const fake = fakeAws();
    const bus = newBus(fake);
    const headers: Record<string, string> = { traceparent };
    for (let i = 0; i < 9; i++) headers[`x-h${i}`] = String(i);
    const event = createEvent("order.placed", { n: 1 }, { source: "orders", key: "o-1", headers });
    await bus.publish(event);
    assert.deepEqual(fake.named("CreateTopicCommand"), [{ Name: "ORDERS" }]);
    const [published] = fake.named("PublishCommand");
    assert.equal(published?.TopicArn, topicArn);
    assert.equal(published?.Message, JSON.stringify(event));
    const attributes = published?.MessageAttributes as Record<string, { StringValue: string }>;
    assert.equal(Object.keys(attributes).length, 10);
    assert.deepEqual(attributes.traceparent, { DataType: "String", StringValue: traceparent });
    assert.deepEqual(attributes["ce-type"], { DataType: "String", StringValue: "order.placed" });
    assert.equal(published?.MessageGroupId, undefined);
    await bus.close();
  });

  it("fifo=true: FIFO topic, MessageGroupId = key, MessageDeduplicationId = id; topicArn skips CreateTopic", async () => {
    const fake = fakeAws();
    const bus = newBus(fake, "sqs://eu-west-1/ORDERS?fifo=true");
    const event = createEvent("order.placed", {}, { source: "orders", key: "o-9" });
    await bus.publish(event);
    assert.deepEqual(fake.named("CreateTopicCommand"), [
      { Name: "ORDERS.fifo", Attributes: { FifoTopic: "true" } },
    ]);
    const [published] = fake.named("PublishCommand");
    assert.equal(published?.MessageGroupId, "o-9");
    assert.equal(published?.MessageDeduplicationId, event.id);
    await bus.close();
    const given = fakeAws();
    const arnBus = newBus(
      given,
      `sqs://eu-west-1/ORDERS?topicArn=${encodeURIComponent("arn:aws:sns:x:1:t")}`,
    );
    await arnBus.publish(event);
    assert.deepEqual(given.named("CreateTopicCommand"), []);
    assert.equal(given.named("PublishCommand")[0]?.TopicArn, "arn:aws:sns:x:1:t");
    await arnBus.close();
  });

  it("gives a group one queue subscribed to the topic with raw delivery and a ce-type filter", async () => {
    const fake = fakeAws();
    const bus = newBus(fake);
    await bus.subscribe("order.placed", async () => {}, { group: "billing" }).ready;
    const [queue] = fake.named("CreateQueueCommand");
    assert.match(String(queue?.QueueName), /^ORDERS-billing-order_placed-[0-9a-z]+$/);
    assert.deepEqual(queue?.Attributes, { VisibilityTimeout: "30" });
    const queueArn = `arn:aws:sqs:eu-west-1:000000000000:${queue?.QueueName}`;
    const policy = JSON.parse(
      String(
        (fake.named("SetQueueAttributesCommand")[0]?.Attributes as { Policy?: string } | undefined)?.Policy,
      ),
    );
    assert.deepEqual(policy.Statement[0].Principal, { Service: "sns.amazonaws.com" });
    assert.deepEqual(policy.Statement[0].Condition, { ArnEquals: { "aws:SourceArn": topicArn } });
    assert.deepEqual(fake.named("SubscribeCommand"), [
      {
        TopicArn: topicArn,
        Protocol: "sqs",
        Endpoint: queueArn,
        ReturnSubscriptionArn: true,
        Attributes: { RawMessageDelivery: "true", FilterPolicy: '{"ce-type":["order.placed"]}' },
      },
    ]);
    await bus.close();
    assert.deepEqual(fake.named("DeleteQueueCommand"), [], "a group's queue outlives the process");
  });

  it("deletes on resolve, changes visibility on reject, deletes after the last delivery", async () => {
    const fake = fakeAws();
    const bus = newBus(fake);
    const outcomes = new Map([
      ["ok", true],
      ["retry", false],
      ["poison", false],
    ]);
    const sub = bus.subscribe(
      "job",
      async (e) => {
        if (!outcomes.get(e.source)) throw new Error("failed");
      },
      { group: "workers" },
    );
    await sub.ready;
    const queueUrl = `https://sqs.local/000000000000/${fake.named("CreateQueueCommand")[0]?.QueueName}`;
    for (const [source, count] of [
      ["ok", "1"],
      ["retry", "1"],
      ["poison", "3"],
    ] as const) {
      fake.enqueue(queueUrl, {
        ReceiptHandle: `rh-${source}`,
        Body: JSON.stringify(createEvent("job", {}, { source })),
        Attributes: { ApproximateReceiveCount: count },
      });
    }
    await until(() => fake.sent.length >= 7);
    await bus.close();
    assert.deepEqual(
      fake.sent.filter(([n]) => n.endsWith("MessageCommand") || n === "ChangeMessageVisibilityCommand"),
      [
        ["DeleteMessageCommand", { QueueUrl: queueUrl, ReceiptHandle: "rh-ok" }],
        [
          "ChangeMessageVisibilityCommand",
          { QueueUrl: queueUrl, ReceiptHandle: "rh-retry", VisibilityTimeout: 1 },
        ],
        ["DeleteMessageCommand", { QueueUrl: queueUrl, ReceiptHandle: "rh-poison" }],
      ],
    );
  });

  it("subscribes '*' without a filter; an ungrouped queue is removed on unsubscribe", async () => {
    const fake = fakeAws();
    const bus = newBus(fake);
    const sub = bus.subscribe("*", async () => {});
    await sub.ready;
    const subscribeInput = fake.named("SubscribeCommand")[0];
    assert.deepEqual(subscribeInput?.Attributes, { RawMessageDelivery: "true" });
    await sub.unsubscribe();
    assert.deepEqual(fake.named("UnsubscribeCommand"), [
      { SubscriptionArn: "arn:aws:sns:eu-west-1:000000000000:sub-1" },
    ]);
    assert.equal(fake.named("DeleteQueueCommand").length, 1);
    await bus.close();
  });

  it("rejects a host that is not a region and unknown parameters; ready() fails when SNS is down", async () => {
    const fake = fakeAws(["CreateTopicCommand"]);
    for (const url of ["sqs://localhost/ORDERS", "sqs://eu-west-1/ORDERS?shards=2", "sqs://eu-west-1/a/b"]) {
      assert.throws(
        () => newBus(fake, url),
        (e) => hasErrorCode(e, "configuration"),
        url,
      );
    }
    const bus = new SqsSnsEventBus({
      url: "sqs://eu-west-1/x",
      client: fake.factory,
      logger,
      connectTimeoutMs: 50,
    });
    await assert.rejects(bus.ready(), (e) => hasErrorCode(e, "unavailable"));
    await bus.close();
  });
});
