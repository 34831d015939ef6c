import { describe } from "node:test";
import { createLogger } from "../../observability/logger.ts";
import { runEventBusContract } from "../event-bus.contract.ts";
import { SqsSnsEventBus } from "./sqs-sns-event-bus.ts";

const endpoint = process.env.ALLFRAME_TEST_AWS_ENDPOINT;
const logger = createLogger({ service: "test", level: "silent" });
let namespaces = 0;

if (endpoint === undefined || endpoint === "") {
  describe("event bus contract: sqs/sns", {
    skip: "set ALLFRAME_TEST_AWS_ENDPOINT=http://127.0.0.1:4566 (LocalStack) to run against SQS/SNS",
  }, () => {});
} else {
  process.env.AWS_ACCESS_KEY_ID ??= "test";
  process.env.AWS_SECRET_ACCESS_KEY ??= "test";
  // FIFO: standard queues do not keep the order per key the contract checks.
  runEventBusContract(
    "sqs/sns",
    () =>
      new SqsSnsEventBus({
        url: `sqs://us-east-1/T${process.pid}_${++namespaces}?fifo=true&endpoint=${encodeURIComponent(endpoint)}`,
        maxDeliver: 3,
        redeliveryDelayMs: 1000,
        logger,
      }),
    { maxDeliver: 3, timeoutMs: 30_000 },
  );
}
