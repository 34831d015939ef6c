import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { type PostgresServer, startPostgres } from "../../testing/postgres-server.ts";
import { outboxEvent } from "../outbox/outbox-store.contract.ts";
import { PostgresOutboxStore } from "../outbox/postgres-outbox-store.ts";
import { runInboxContract } from "./inbox.contract.ts";
import { PostgresInbox } from "./postgres-inbox.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server.stop());

runInboxContract(
  "postgres",
  async (clock) => new PostgresInbox({ url: await server.createDatabase("inbox"), clock }),
);

describe("PostgresInbox", () => {
  it("handles a message and enqueues its follow-up event in one transaction (inbox + outbox)", async () => {
    const url = await server.createDatabase("inbox");
    const inbox = new PostgresInbox({ url });
    const outbox = new PostgresOutboxStore({ url });
    await outbox.backlog();
    for (let delivery = 0; delivery < 2; delivery++) {
      await inbox.handleOnce("m-1", "billing", (tx) => outbox.enqueue(tx, [outboxEvent("invoice-for-m-1")]));
    }
    assert.deepEqual(
      (await outbox.claim(10, 1000, "w")).map((r) => r.id),
      ["invoice-for-m-1"],
    );
    await Promise.all([inbox.close(), outbox.close()]);
  });

  it("refuses a missing url; calls after close are unavailable", async () => {
    assert.throws(
      () => new PostgresInbox({}),
      (e) => hasErrorCode(e, "configuration"),
    );
    const inbox = new PostgresInbox({ url: await server.createDatabase("inbox") });
    await inbox.close();
    await assert.rejects(inbox.has("m", "c"), (e) => hasErrorCode(e, "unavailable"));
  });
});
