import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { outboxEvent } from "../outbox/outbox-store.contract.ts";
import { SqliteOutboxStore } from "../outbox/sqlite-outbox-store.ts";
import { runInboxContract } from "./inbox.contract.ts";
import { SqliteInbox } from "./sqlite-inbox.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-inbox-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runInboxContract("sqlite file", async (clock) => new SqliteInbox({ path: join(dir, `c-${++n}.db`), clock }));
runInboxContract("sqlite :memory:", async (clock) => new SqliteInbox({ path: ":memory:", clock }));

describe("SqliteInbox", () => {
  it("handles a message and enqueues its follow-up event in one transaction (inbox + outbox)", async () => {
    const path = join(dir, "inbox-outbox.db");
    const inbox = new SqliteInbox({ path });
    const outbox = new SqliteOutboxStore({ path });
    for (let delivery = 0; delivery < 2; delivery++) {
      await inbox.handleOnce("m-1", "billing", (tx) => outbox.enqueue(tx, [outboxEvent("invoice-for-m-1")]));
    }
    await assert.rejects(
      inbox.handleOnce("m-2", "billing", async (tx) => {
        await outbox.enqueue(tx, [outboxEvent("invoice-for-m-2")]);
        throw new Error("rolled back");
      }),
    );
    assert.deepEqual(
      (await outbox.claim(10, 1000, "w")).map((r) => r.id),
      ["invoice-for-m-1"],
    );
    await Promise.all([inbox.close(), outbox.close()]);
  });
});
