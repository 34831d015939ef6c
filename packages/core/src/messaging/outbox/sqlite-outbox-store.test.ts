import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { countOrders, insertOrder, outboxEvent, runOutboxStoreContract } from "./outbox-store.contract.ts";
import { SqliteOutboxStore } from "./sqlite-outbox-store.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-outbox-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runOutboxStoreContract(
  "sqlite file",
  async (clock, maxAttempts) =>
    new SqliteOutboxStore({
      path: join(dir, `contract-${++n}.db`),
      clock,
      ...(maxAttempts ? { maxAttempts } : {}),
    }),
);
runOutboxStoreContract(
  "sqlite :memory:",
  async (clock, maxAttempts) =>
    new SqliteOutboxStore({ path: ":memory:", clock, ...(maxAttempts ? { maxAttempts } : {}) }),
);

describe("SqliteOutboxStore", () => {
  it("shares the service's own connection, which close() leaves open", async () => {
    const db = new DatabaseSync(join(dir, "shared.db"));
    const store = new SqliteOutboxStore({ database: db });
    await store.transaction(async (tx) => {
      await insertOrder(tx, "o-1");
      await store.enqueue(tx, [outboxEvent("e-1")]);
    });
    await store.close();
    assert.equal(Number(db.prepare("SELECT COUNT(*) AS n FROM allframe_outbox").get()?.n), 1);
    db.close();
  });

  it("a committed message survives reopening the file", async () => {
    const path = join(dir, "reopen.db");
    const first = new SqliteOutboxStore({ path });
    await first.transaction((tx) => first.enqueue(tx, [outboxEvent("e-1", "k")]));
    await first.close();
    const second = new SqliteOutboxStore({ path });
    assert.deepEqual(
      (await second.claim(10, 1000, "w")).map((r) => r.event),
      [outboxEvent("e-1", "k")],
    );
    assert.equal(await countOrders(second), 0);
    await second.close();
  });

  it("refuses a PostgreSQL transaction, bad options and calls after close", async () => {
    const store = new SqliteOutboxStore({ path: ":memory:" });
    const pgTx = { kind: "postgres" as const, query: async () => [] };
    await assert.rejects(store.enqueue(pgTx, [outboxEvent("e-1")]), (e) => hasErrorCode(e, "configuration"));
    assert.throws(
      () => new SqliteOutboxStore({ path: ":memory:", maxAttempts: 0 }),
      (e) => hasErrorCode(e, "configuration"),
    );
    assert.throws(
      () => new SqliteOutboxStore({}),
      (e) => hasErrorCode(e, "configuration"),
    );
    await store.close();
    await assert.rejects(store.claim(1, 1000, "w"), (e) => hasErrorCode(e, "unavailable"));
  });
});
