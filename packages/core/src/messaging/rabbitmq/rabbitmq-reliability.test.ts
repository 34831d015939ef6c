import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../observability/logger.ts";
import { type RabbitMqServer, startRabbitMq } from "../../testing/rabbitmq-server.ts";
import { brokerRestartLosesNothing, poisonIsDeadLettered } from "../broker-reliability.scenario.ts";
import { RabbitMqEventBus } from "./rabbitmq-event-bus.ts";

const logger = createLogger({ service: "test", level: "silent" });
let server: RabbitMqServer;
before(async () => {
  server = await startRabbitMq();
});
after(async () => {
  await server?.stop();
});
const bus = (namespace: string) =>
  new RabbitMqEventBus({ url: server.url, namespace, redeliveryDelayMs: 50, logger });

describe("RabbitMQ reliability (real server)", () => {
  it("broker restarted mid-stream: every confirmed event is delivered", async () => {
    const [publisher, consumer] = [bus("RESTART"), bus("RESTART")];
    try {
      const result = await brokerRestartLosesNothing(publisher, consumer, () => server.restart(500));
      assert.equal(result.confirmed, 150);
    } finally {
      await Promise.all([publisher.close(), consumer.close()]);
    }
  });

  it("a poison event is dead-lettered after maxRetries while the rest keep flowing", async () => {
    const b = bus("POISON");
    try {
      await poisonIsDeadLettered(b);
    } finally {
      await b.close();
    }
  });
});
