import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { InMemorySagaStateStore } from "./in-memory-saga-state-store.ts";
import { openSagaStateStore } from "./open-saga-state-store.ts";
import { PostgresSagaStateStore } from "./postgres-saga-state-store.ts";
import { SqliteSagaStateStore } from "./sqlite-saga-state-store.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-saga-open-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("openSagaStateStore", () => {
  test("undefined, empty and memory: open the in-memory store", () => {
    for (const url of [undefined, "", "  ", "memory:", "MEMORY:"])
      assert.ok(openSagaStateStore(url) instanceof InMemorySagaStateStore, String(url));
  });

  test("sqlite: and file: URLs open a SQLite file, creating its folder", async () => {
    for (const url of [
      `sqlite:${join(dir, "a", "app.db")}`,
      `sqlite://${join(dir, "b.db")}`,
      `file:${join(dir, "c.db")}`,
      pathToFileURL(join(dir, "d", "app.db")).href,
      "sqlite::memory:",
    ]) {
      const store = openSagaStateStore(url);
      assert.ok(store instanceof SqliteSagaStateStore, url);
      assert.deepEqual(await store.list(), []);
      await store.close();
    }
  });

  test("postgres: and postgresql: URLs open the PostgreSQL store without connecting yet", async () => {
    for (const url of ["postgres://u:p@127.0.0.1:1/db", "postgresql://u:p@127.0.0.1:1/db"]) {
      const store = openSagaStateStore(url, { table: "my_sagas" });
      assert.ok(store instanceof PostgresSagaStateStore);
      assert.equal(store.table, "my_sagas");
      await store.close();
    }
  });

  test("anything else is a configuration error naming the variable, never the URL", () => {
    for (const url of ["mysql://root:secret@db/app", "no-scheme", "sqlite:"]) {
      assert.throws(
        () => openSagaStateStore(url, { envVar: "SAGA_DATABASE_URL" }),
        (e) =>
          hasErrorCode(e, "configuration") &&
          e.message.includes("SAGA_DATABASE_URL") &&
          !e.message.includes("secret"),
        url,
      );
    }
    assert.throws(() => openSagaStateStore("redis://x"), /DATABASE_URL/);
  });
});
