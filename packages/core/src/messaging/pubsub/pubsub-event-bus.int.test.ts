import { describe } from "node:test";
import { createLogger } from "../../observability/logger.ts";
import { runEventBusContract } from "../event-bus.contract.ts";
import { PubSubEventBus } from "./pubsub-event-bus.ts";

const emulator = process.env.ALLFRAME_TEST_PUBSUB_EMULATOR_HOST;
const logger = createLogger({ service: "test", level: "silent" });
let namespaces = 0;

if (emulator === undefined || emulator === "") {
  describe("event bus contract: pubsub", {
    skip: "set ALLFRAME_TEST_PUBSUB_EMULATOR_HOST=127.0.0.1:8085 (gcloud beta emulators pubsub start) to run against Pub/Sub",
  }, () => {});
} else {
  process.env.PUBSUB_EMULATOR_HOST = emulator;
  runEventBusContract(
    "pubsub",
    () =>
      new PubSubEventBus({
        url: `pubsub://allframe-test/T${process.pid}_${++namespaces}`,
        maxDeliver: 3,
        redeliveryDelayMs: 1000,
        logger,
      }),
    { maxDeliver: 3, timeoutMs: 30_000 },
  );
}
