/**
 * The consumer side of the crash test, shared by the child and the parent: a bus whose `publish`
 * hands the event to an inbox consumer (its effect is one row in `effects`) and logs `published <id>`.
 * @module
 */
import { appendFileSync } from "node:fs";
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { EventBus } from "../event-bus.ts";
import type { Inbox } from "../inbox/inbox.ts";

/** The effect table every test reads back: one row per handled message. */
export const EFFECTS_DDL = "CREATE TABLE IF NOT EXISTS effects (message_id text NOT NULL)";

export function consumerBus(inbox: Inbox, log: string): EventBus {
  return {
    kind: "crash-test",
    async publish(event) {
      await inbox.handleOnce(event.id, "billing", async (tx) => {
        await tx.query(EFFECTS_DDL);
        await tx.query(`INSERT INTO effects (message_id) VALUES (${tx.kind === "postgres" ? "$1" : "?"})`, [
          event.id,
        ]);
      });
      appendFileSync(log, `published ${event.id}\n`);
    },
    subscribe() {
      throw new AllFrameError("unsupported", "publish-only test bus");
    },
    async close() {},
  };
}
