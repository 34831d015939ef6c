import { describe } from "node:test";
import { createLogger } from "../../observability/logger.ts";
import { runEventBusContract } from "../event-bus.contract.ts";
import { KafkaEventBus } from "./kafka-event-bus.ts";

const brokers = process.env.ALLFRAME_TEST_KAFKA_BROKERS;
const logger = createLogger({ service: "test", level: "silent" });
let namespaces = 0;

if (brokers === undefined || brokers === "") {
  describe("event bus contract: kafka", {
    skip: "set ALLFRAME_TEST_KAFKA_BROKERS=host:9092[,host:9092] to run against a real Kafka",
  }, () => {});
} else {
  runEventBusContract(
    "kafka",
    () =>
      new KafkaEventBus({
        url: `kafka://${brokers}/T${process.pid}_${++namespaces}`,
        maxDeliver: 3,
        redeliveryDelayMs: 20,
        logger,
      }),
    { maxDeliver: 3, timeoutMs: 30_000 },
  );
}
