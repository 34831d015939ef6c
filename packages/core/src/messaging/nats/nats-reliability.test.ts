import { createLogger } from "../../observability/logger.ts";
import { startNats } from "../../testing/nats-server.ts";
import { runBrokerReliability } from "../broker-reliability.scenario.ts";
import { NatsJetStreamEventBus } from "./nats-jetstream-event-bus.ts";

const logger = createLogger({ service: "test", level: "silent" });

runBrokerReliability(
  "NATS JetStream reliability (real server)",
  startNats,
  (url, namespace) => new NatsJetStreamEventBus({ url, namespace, redeliveryDelayMs: 50, logger }),
);
