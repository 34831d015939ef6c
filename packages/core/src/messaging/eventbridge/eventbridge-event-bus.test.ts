import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { createEvent, type EventEnvelope } from "../event-envelope.ts";
import { type FakeAnswer, fakeAws, until } from "../sqs/fake-aws.ts";
import { EventBridgeEventBus } from "./eventbridge-event-bus.ts";

const logger = createLogger({ service: "test", level: "silent" });
const account = "arn:aws:sqs:eu-west-1:000000000000";
const newBus = (fake: ReturnType<typeof fakeAws>, url = "eventbridge://eu-west-1/orders-bus") =>
  new EventBridgeEventBus({ url, client: fake.factory, logger, maxDeliver: 3, redeliveryDelayMs: 1 });

/** A PutEvents answer that refuses the entries whose source is in `refuse` (each code used once). */
function refusing(refuse: Record<string, string[]>): FakeAnswer {
  return (input) => {
    const entries = input.Entries as { Source: string }[];
    const results = entries.map((entry, i) => {
      const code = refuse[entry.Source]?.shift();
      return code === undefined ? { EventId: `e-${i}` } : { ErrorCode: code, ErrorMessage: "no" };
    });
    return { FailedEntryCount: results.filter((r) => "ErrorCode" in r).length, Entries: results };
  };
}

/** The SQS message a rule delivers: the EventBridge event around the envelope. */
const delivered = (event: EventEnvelope, receipt: string, count = "1") => ({
  ReceiptHandle: receipt,
  Body: JSON.stringify({
    version: "0",
    id: "eb-1",
    "detail-type": event.type,
    source: event.source,
    detail: event,
  }),
  Attributes: { ApproximateReceiveCount: count },
});

describe("EventBridgeEventBus (AWS SDK mocked at send)", () => {
  it("puts the envelope as Detail, with Source = source and DetailType = type, on the named bus", async () => {
    const fake = fakeAws();
    const bus = newBus(fake);
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const event = createEvent(
      "order.placed",
      { n: 1 },
      { source: "orders", key: "o-1", headers: { traceparent } },
    );
    await bus.publish(event);
    assert.deepEqual(fake.named("DescribeEventBusCommand"), [{ Name: "orders-bus" }]);
    assert.deepEqual(fake.named("PutEventsCommand"), [
      {
        Entries: [
          {
            EventBusName: "orders-bus",
            Source: "orders",
            DetailType: "order.placed",
            Detail: JSON.stringify(event),
            Time: new Date(event.time),
          },
        ],
      },
    ]);
    await bus.close();
  });

  it("creates a missing bus; the default bus is used as it is", async () => {
    const missing = Object.assign(new Error("Event bus orders-bus does not exist."), {
      name: "ResourceNotFoundException",
    });
    const fake = fakeAws([], {
      DescribeEventBusCommand: () => {
        throw missing;
      },
    });
    const bus = newBus(fake);
    await bus.ready();
    assert.deepEqual(fake.named("CreateEventBusCommand"), [{ Name: "orders-bus" }]);
    await bus.close();
    const onDefault = fakeAws();
    const defaultBus = newBus(onDefault, "eventbridge://eu-west-1/default");
    await defaultBus.publish(createEvent("order.placed", {}, { source: "orders" }));
    assert.deepEqual(onDefault.named("DescribeEventBusCommand"), []);
    const [put] = onDefault.named("PutEventsCommand");
    const [entry] = (put?.Entries ?? []) as { EventBusName: string }[];
    assert.equal(entry?.EventBusName, "default");
    await defaultBus.close();
  });

  it("batches concurrent publishes and sends again only the entries refused as retryable", async () => {
    const fake = fakeAws([], {
      PutEventsCommand: refusing({ b: ["ThrottlingException", "InternalFailure"] }),
    });
    const bus = newBus(fake);
    const events = ["a", "b", "c"].map((source) => createEvent("order.placed", {}, { source }));
    await Promise.all(events.map((event) => bus.publish(event)));
    const sources = fake
      .named("PutEventsCommand")
      .map((input) => (input.Entries as { Source: string }[]).map((entry) => entry.Source));
    assert.deepEqual(sources, [["a", "b", "c"], ["b"], ["b"]]);
    await bus.close();
  });

  it("fails at once on a permanent refusal and before sending an entry over 256 KB", async () => {
    const fake = fakeAws([], {
      PutEventsCommand: refusing({
        bad: ["MalformedDetail"],
        "aws.fake": ["NotAuthorizedForSourceException"],
      }),
    });
    const bus = newBus(fake);
    await assert.rejects(
      bus.publish(createEvent("order.placed", {}, { source: "bad" })),
      (e) => hasErrorCode(e, "validation") && e.message.includes("MalformedDetail"),
    );
    await assert.rejects(bus.publish(createEvent("order.placed", {}, { source: "aws.fake" })), (e) =>
      hasErrorCode(e, "forbidden"),
    );
    assert.equal(fake.named("PutEventsCommand").length, 2, "no retries of permanent refusals");
    const big = createEvent("order.placed", { blob: "x".repeat(256 * 1024) }, { source: "orders" });
    await assert.rejects(
      bus.publish(big),
      (e) => hasErrorCode(e, "validation") && /is \d+ bytes as an EventBridge entry/.test(e.message),
    );
    assert.equal(fake.named("PutEventsCommand").length, 2);
    await bus.close();
  });

  it("gives a group a queue and a rule on its detail-type that targets the queue", async () => {
    const fake = fakeAws();
    const bus = newBus(fake);
    await bus.subscribe("order.placed", async () => {}, { group: "billing" }).ready;
    const [queue] = fake.named("CreateQueueCommand");
    const name = String(queue?.QueueName);
    assert.match(name, /^orders-bus-billing-order_placed-[0-9a-z]+$/);
    assert.deepEqual(queue?.Attributes, { VisibilityTimeout: "30" });
    assert.deepEqual(fake.named("PutRuleCommand"), [
      {
        Name: name,
        EventBusName: "orders-bus",
        EventPattern: '{"detail-type":["order.placed"]}',
        State: "ENABLED",
      },
    ]);
    const policy = JSON.parse(
      String(
        (fake.named("SetQueueAttributesCommand")[0]?.Attributes as { Policy?: string } | undefined)?.Policy,
      ),
    );
    assert.deepEqual(policy.Statement[0].Principal, { Service: "events.amazonaws.com" });
    assert.deepEqual(policy.Statement[0].Condition, {
      ArnEquals: { "aws:SourceArn": `arn:aws:events:eu-west-1:000000000000:rule/${name}` },
    });
    assert.deepEqual(fake.named("PutTargetsCommand"), [
      {
        Rule: name,
        EventBusName: "orders-bus",
        Targets: [{ Id: "allframe-sqs", Arn: `${account}:${name}` }],
      },
    ]);
    await bus.close();
    assert.deepEqual(fake.named("DeleteRuleCommand"), [], "a group's rule outlives the process");
  });

  it("fifo=true: FIFO queue with content-based deduplication, one message group per rule", async () => {
    const fake = fakeAws();
    const bus = newBus(fake, "eventbridge://eu-west-1/orders-bus?fifo=true");
    await bus.subscribe("order.placed", async () => {}, { group: "billing" }).ready;
    const [queue] = fake.named("CreateQueueCommand");
    assert.match(String(queue?.QueueName), /^orders-bus-billing-order_placed-[0-9a-z]+\.fifo$/);
    assert.deepEqual(queue?.Attributes, {
      VisibilityTimeout: "30",
      FifoQueue: "true",
      ContentBasedDeduplication: "true",
    });
    const rule = String(fake.named("PutRuleCommand")[0]?.Name);
    assert.equal(`${rule}.fifo`, queue?.QueueName);
    const [target] = (fake.named("PutTargetsCommand")[0]?.Targets ?? []) as Record<string, unknown>[];
    assert.deepEqual(target?.SqsParameters, { MessageGroupId: rule });
    await bus.close();
  });

  it("hands the detail to the handler: delete on resolve, visibility change on reject, foreign deleted", async () => {
    const fake = fakeAws();
    const bus = newBus(fake);
    const seen: EventEnvelope[] = [];
    const sub = bus.subscribe(
      "job",
      async (e) => {
        seen.push(e);
        if (e.source !== "ok") throw new Error("failed");
      },
      { group: "workers" },
    );
    await sub.ready;
    const queueUrl = `https://sqs.local/000000000000/${fake.named("CreateQueueCommand")[0]?.QueueName}`;
    const ok = createEvent("job", { n: 1 }, { source: "ok", headers: { "x-correlation-id": "c-1" } });
    fake.enqueue(queueUrl, delivered(ok, "rh-ok"));
    fake.enqueue(queueUrl, delivered(createEvent("job", {}, { source: "retry" }), "rh-retry"));
    fake.enqueue(queueUrl, delivered(createEvent("job", {}, { source: "poison" }), "rh-poison", "3"));
    fake.enqueue(queueUrl, { ReceiptHandle: "rh-foreign", Body: '{"detail":{"instance-id":"i-1"}}' });
    await until(() => fake.sent.filter(([n]) => /Message(Visibility)?Command$/.test(n)).length >= 4);
    await bus.close();
    assert.deepEqual(seen[0], ok);
    const settled = fake.sent
      .filter(([n]) => /Message(Visibility)?Command$/.test(n))
      .map(([n, input]) => [n, input.ReceiptHandle, input.VisibilityTimeout]);
    assert.deepEqual(
      settled.sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      [
        ["DeleteMessageCommand", "rh-foreign", undefined],
        ["DeleteMessageCommand", "rh-ok", undefined],
        ["DeleteMessageCommand", "rh-poison", undefined],
        ["ChangeMessageVisibilityCommand", "rh-retry", 1],
      ],
    );
  });

  it("'*' matches AllFrame envelopes only; an ungrouped rule, target and queue go on unsubscribe", async () => {
    const fake = fakeAws();
    const bus = newBus(fake);
    const sub = bus.subscribe("*", async () => {});
    await sub.ready;
    const [rule] = fake.named("PutRuleCommand");
    assert.match(String(rule?.Name), /^orders-bus-solo-[0-9a-f]{8}-all-[0-9a-z]+$/);
    assert.deepEqual(JSON.parse(String(rule?.EventPattern)), {
      detail: { id: [{ exists: true }], type: [{ exists: true }] },
    });
    await sub.unsubscribe();
    const removal = fake.sent.filter(([n]) => n === "RemoveTargetsCommand" || n === "DeleteRuleCommand");
    assert.deepEqual(removal, [
      ["RemoveTargetsCommand", { Rule: rule?.Name, EventBusName: "orders-bus", Ids: ["allframe-sqs"] }],
      ["DeleteRuleCommand", { Name: rule?.Name, EventBusName: "orders-bus" }],
    ]);
    assert.equal(fake.named("DeleteQueueCommand").length, 1);
    await bus.close();
  });

  it("rejects a host that is not a region and unknown parameters; ready() fails when EventBridge is down", async () => {
    const fake = fakeAws(["DescribeEventBusCommand"]);
    for (const url of [
      "eventbridge://localhost/orders",
      "eventbridge://eu-west-1/orders?topicArn=x",
      "eventbridge://eu-west-1/a/b",
    ]) {
      assert.throws(
        () => newBus(fake, url),
        (e) => hasErrorCode(e, "configuration"),
        url,
      );
    }
    const bus = new EventBridgeEventBus({
      url: "eventbridge://eu-west-1/orders",
      client: fake.factory,
      logger,
      connectTimeoutMs: 50,
    });
    await assert.rejects(bus.ready(), (e) => hasErrorCode(e, "unavailable"));
    await bus.close();
    await assert.rejects(bus.publish(createEvent("order.placed", {}, { source: "orders" })), (e) =>
      hasErrorCode(e, "unavailable"),
    );
  });
});
