import { after, describe } from "node:test";
import { createLogger } from "../../observability/logger.ts";
import { runEventBusContract } from "../event-bus.contract.ts";
import { EventBridgeEventBus } from "./eventbridge-event-bus.ts";

// ALLFRAME_TEST_EVENTBRIDGE=<region>: real AWS (default credential chain); otherwise LocalStack.
const region = process.env.ALLFRAME_TEST_EVENTBRIDGE || undefined;
const endpoint = region === undefined ? process.env.ALLFRAME_TEST_AWS_ENDPOINT || undefined : undefined;
const logger = createLogger({ service: "test", level: "silent" });

if (region === undefined && endpoint === undefined) {
  describe("event bus contract: eventbridge", {
    skip: "set ALLFRAME_TEST_AWS_ENDPOINT=http://127.0.0.1:4566 (LocalStack), or ALLFRAME_TEST_EVENTBRIDGE=<region> for real AWS, to run against EventBridge + SQS",
  }, () => {});
} else {
  if (endpoint !== undefined) {
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
  }
  const config = { region: region ?? "us-east-1", ...(endpoint === undefined ? {} : { endpoint }) };
  const query = endpoint === undefined ? "" : `&endpoint=${encodeURIComponent(endpoint)}`;
  const buses: string[] = [];
  // FIFO: standard queues do not keep the order per key the contract checks.
  runEventBusContract(
    "eventbridge",
    () => {
      const bus = `T${process.pid}_${buses.length + 1}`;
      buses.push(bus);
      return new EventBridgeEventBus({
        url: `eventbridge://${config.region}/${bus}?fifo=true${query}`,
        maxDeliver: 3,
        redeliveryDelayMs: 1000,
        logger,
      });
    },
    { maxDeliver: 3, timeoutMs: 30_000 },
  );

  // Group queues and rules outlive a bus by design; the test removes what it made.
  after(async () => {
    const eb = await import("@aws-sdk/client-eventbridge");
    const sqsApi = await import("@aws-sdk/client-sqs");
    const events = new eb.EventBridgeClient(config);
    const sqs = new sqsApi.SQSClient(config);
    for (const EventBusName of buses) {
      const { Rules = [] } = await events.send(new eb.ListRulesCommand({ EventBusName }));
      for (const { Name } of Rules) {
        await events.send(new eb.RemoveTargetsCommand({ Rule: Name, EventBusName, Ids: ["allframe-sqs"] }));
        await events.send(new eb.DeleteRuleCommand({ Name, EventBusName }));
      }
      const { QueueUrls = [] } = await sqs.send(
        new sqsApi.ListQueuesCommand({ QueueNamePrefix: EventBusName }),
      );
      for (const QueueUrl of QueueUrls) await sqs.send(new sqsApi.DeleteQueueCommand({ QueueUrl }));
      await events.send(new eb.DeleteEventBusCommand({ Name: EventBusName }));
    }
    events.destroy();
    sqs.destroy();
  });
}
