import { after, before } from "node:test";
import { NatsJetStreamEventBus } from "../../messaging/nats/nats-jetstream-event-bus.ts";
import { createLogger } from "../../observability/logger.ts";
import { type NatsServer, startNats } from "../../testing/nats-server.ts";
import { runSagaParticipantScenarios } from "./saga-participants.scenario.ts";

const logger = createLogger({ service: "saga-participants", level: "silent" });
let server: NatsServer;
let namespaces = 0;

before(async () => {
  server = await startNats();
});
after(async () => {
  await server?.stop();
});

runSagaParticipantScenarios(
  "NATS JetStream",
  () =>
    new NatsJetStreamEventBus({
      url: server.url,
      namespace: `SAGA${process.pid}_${++namespaces}`,
      redeliveryDelayMs: 20,
      logger,
    }),
  {
    skipFakeTime:
      "the NATS client runs its own timers, which fake time would freeze; the step deadline is the orchestrator's, covered on the in-process bus",
  },
);
