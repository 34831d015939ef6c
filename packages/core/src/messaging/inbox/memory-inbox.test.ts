import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { createEvent } from "../event-envelope.ts";
import { InProcessEventBus } from "../in-process-event-bus.ts";
import { runInboxContract } from "./inbox.contract.ts";
import { idempotentHandler } from "./inbox.ts";
import { MemoryInbox } from "./memory-inbox.ts";

runInboxContract("memory", async (clock) => new MemoryInbox({ clock }), {
  skip: { rollback: "the memory inbox has no transaction; effects written before a failure stay" },
});

describe("MemoryInbox", () => {
  it("has no SQL", async () => {
    const inbox = new MemoryInbox();
    await assert.rejects(
      inbox.handleOnce("m-1", "c", (tx) => tx.query("SELECT 1")),
      (e) => hasErrorCode(e, "unsupported"),
    );
  });

  it("idempotentHandler: a bus delivering one event twice leaves one effect", async () => {
    const inbox = new MemoryInbox();
    const bus = new InProcessEventBus({ logger: createLogger({ service: "t", level: "silent" }) });
    const effects: string[] = [];
    bus.subscribe(
      "order.placed",
      idempotentHandler(inbox, "billing", async (event) => {
        effects.push(event.id);
      }),
    );
    const event = createEvent("order.placed", { n: 1 }, { source: "orders" });
    await bus.publish(event);
    await bus.publish(event);
    await bus.close();
    assert.deepEqual(effects, [event.id]);
    assert.throws(
      () => idempotentHandler(inbox, "", async () => {}),
      (e) => hasErrorCode(e, "validation"),
    );
  });
});
