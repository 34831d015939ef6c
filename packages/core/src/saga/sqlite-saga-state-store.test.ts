import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { runSagaStateStoreContract } from "./saga-state-store.contract.ts";
import { SqliteSagaStateStore } from "./sqlite-saga-state-store.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-saga-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

runSagaStateStoreContract({
  name: "sqlite",
  newStore: () => new SqliteSagaStateStore({ path: join(dir, `contract-${++files}.db`) }),
  connectAgain: () => new SqliteSagaStateStore({ path: join(dir, `contract-${files}.db`) }),
});

describe("SqliteSagaStateStore", () => {
  test("keeps instances across reopening the file, in WAL mode", async () => {
    const path = join(dir, "nested", "reopen.db");
    const first = new SqliteSagaStateStore({ path });
    await first.save({
      id: "s-1",
      saga: "CreateOrderSaga",
      status: "running",
      context: { orderId: "o-1" },
      completedSteps: [],
      compensatedSteps: [],
      log: [],
      revision: 1,
      startedAt: "2025-01-01T00:00:00.000Z",
    });
    await first.close();
    const again = new SqliteSagaStateStore({ path });
    assert.equal((await again.load("s-1"))?.revision, 1);
    await again.close();
    const db = new DatabaseSync(path);
    assert.equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    db.close();
  });

  test("shares a given connection and leaves it open on close", async () => {
    const db = new DatabaseSync(":memory:");
    const store = new SqliteSagaStateStore({ database: db, table: "sagas" });
    await store.close();
    assert.equal(db.prepare("SELECT COUNT(*) AS n FROM sagas").get()?.n, 0);
    db.close();
  });

  test("rejects a bad table name and calls after close", async () => {
    assert.throws(
      () => new SqliteSagaStateStore({ path: ":memory:", table: "x; DROP TABLE y" }),
      (e) => hasErrorCode(e, "configuration"),
    );
    const store = new SqliteSagaStateStore({});
    await store.close();
    await assert.rejects(store.list(), (e) => hasErrorCode(e, "unavailable"));
  });
});
