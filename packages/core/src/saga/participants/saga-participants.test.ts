import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SqliteIdempotencyStore } from "../../idempotency/sqlite-idempotency-store.ts";
import { InProcessEventBus } from "../../messaging/in-process-event-bus.ts";
import { createLogger } from "../../observability/logger.ts";
import { SagaCommandSender } from "./saga-command-sender.ts";
import { runSagaParticipantScenarios } from "./saga-participants.scenario.ts";
import { serveSagaCommands } from "./serve-saga-commands.ts";

const logger = createLogger({ service: "saga-participants", level: "silent" });

runSagaParticipantScenarios("the in-process bus", () => new InProcessEventBus({ logger }));

describe("saga participants with a durable store", () => {
  it("answers a command re-sent after the participant restarted from its SQLite file, without a second effect", async () => {
    const dir = await mkdtemp(join(tmpdir(), "saga-participant-"));
    const bus = new InProcessEventBus({ logger });
    const sender = new SagaCommandSender({ bus, source: "order-service" });
    const effects: string[] = [];
    const participant = () => {
      const store = new SqliteIdempotencyStore({ path: join(dir, "replies.sqlite") });
      const served = serveSagaCommands(
        bus,
        {
          ReservePayment: async (_data, { idempotencyKey }) => {
            effects.push(idempotencyKey);
            return { paymentId: `p-${effects.length}` };
          },
        },
        { group: "payment-gateway", store },
      );
      return {
        close: async () => {
          await served.close();
          await store.close();
        },
      };
    };
    const info = {
      sagaId: "s-1",
      saga: "CreateOrderSaga",
      step: "ReservePayment",
      idempotencyKey: "s-1:ReservePayment",
    };
    try {
      const first = participant();
      const signal = new AbortController().signal;
      const reply = await sender.send("ReservePayment", {}, signal, { ...info, attempt: 1 });
      await first.close();
      const second = participant();
      const again = await sender.send("ReservePayment", {}, signal, { ...info, attempt: 2 });
      await second.close();
      assert.deepEqual(reply, { paymentId: "p-1" });
      assert.deepEqual(again, reply);
      assert.deepEqual(effects, ["s-1:ReservePayment"]);
    } finally {
      await sender.close();
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
