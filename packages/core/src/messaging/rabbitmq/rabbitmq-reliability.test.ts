import { createLogger } from "../../observability/logger.ts";
import { startRabbitMq } from "../../testing/rabbitmq-server.ts";
import { runBrokerReliability } from "../broker-reliability.scenario.ts";
import { RabbitMqEventBus } from "./rabbitmq-event-bus.ts";

const logger = createLogger({ service: "test", level: "silent" });

runBrokerReliability(
  "RabbitMQ reliability (real server)",
  startRabbitMq,
  (url, namespace) => new RabbitMqEventBus({ url, namespace, redeliveryDelayMs: 50, logger }),
);
