import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createEvent } from "../event-envelope.ts";
import { openTransactionalOutbox } from "./open-transactional-outbox.ts";
import { runTransactionalOutboxContract } from "./transactional-outbox.contract.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-tx-outbox-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runTransactionalOutboxContract("sqlite file", () => `sqlite:${join(dir, `contract-${++n}.db`)}`);
runTransactionalOutboxContract("memory", () => "memory:");

describe("openTransactionalOutbox on SQLite", () => {
  it("keeps documents and outbox rows in the one file, across reopening", async () => {
    const path = join(dir, "nested", "orders.db");
    const first = openTransactionalOutbox(`sqlite:${path}`);
    assert.equal(first.kind, "sqlite");
    const event = createEvent("OrderPlaced", { id: "o-1" }, { source: "orders", key: "o-1" });
    await first.documents<{ id: string }>("orders").put({ id: "o-1" }, [event]);
    await first.close();
    const db = new DatabaseSync(path, { readOnly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    assert.deepEqual(
      tables.map((t) => t.name).filter((name) => name !== "sqlite_sequence"),
      ["allframe_outbox", "allframe_outbox_dead", "orders"],
    );
    db.close();
    const second = openTransactionalOutbox(`file:${path}`);
    assert.deepEqual(await second.documents<{ id: string }>("orders").get("o-1"), { id: "o-1" });
    assert.deepEqual(
      (await second.store.claim(10, 1000, "w")).map((r) => r.event),
      [event],
    );
    await second.close();
  });

  it("opens memory: as a private in-memory database", async () => {
    const [a, b] = [openTransactionalOutbox(undefined), openTransactionalOutbox("memory:")];
    assert.equal(a.kind, "memory");
    await a.documents<{ id: string }>("orders").put({ id: "o-1" });
    assert.equal(await b.documents<{ id: string }>("orders").count(), 0);
    await Promise.all([a.close(), b.close()]);
  });

  it("reports a bad URL or collection as a configuration error naming the variable, not the URL", () => {
    assert.throws(
      () => openTransactionalOutbox("mysql://u:hunter2@db/x", { envVar: "ORDERS_DB" }),
      (e) =>
        hasErrorCode(e, "configuration") &&
        /^ORDERS_DB has scheme "mysql:"/.test(e.message) &&
        !e.message.includes("hunter2"),
    );
    assert.throws(
      () => openTransactionalOutbox("sqlite:"),
      (e) => hasErrorCode(e, "configuration"),
    );
    const outbox = openTransactionalOutbox("memory:");
    assert.throws(
      () => outbox.documents("Orders"),
      (e) => hasErrorCode(e, "configuration"),
    );
    return outbox.close();
  });
});
