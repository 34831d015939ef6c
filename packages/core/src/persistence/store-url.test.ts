import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { parseStoreUrl } from "./store-url.ts";

describe("parseStoreUrl", () => {
  it("reads memory, SQLite and PostgreSQL spellings", () => {
    for (const url of [undefined, "", "  ", "memory:", "MEMORY:"])
      assert.deepEqual(parseStoreUrl(url, "DATABASE_URL"), { engine: "memory" }, String(url));
    assert.deepEqual(parseStoreUrl(" sqlite:.data/app.sqlite ", "DATABASE_URL"), {
      engine: "sqlite",
      path: ".data/app.sqlite",
    });
    assert.deepEqual(parseStoreUrl("file:///abs/app.db?mode=rwc", "DATABASE_URL"), {
      engine: "sqlite",
      path: "/abs/app.db",
    });
    assert.deepEqual(parseStoreUrl("sqlite::memory:", "DATABASE_URL"), {
      engine: "sqlite",
      path: ":memory:",
    });
    for (const url of ["postgres://u:p@h:5432/db", "postgresql://h/db"])
      assert.deepEqual(parseStoreUrl(url, "DATABASE_URL"), { engine: "postgres", url });
  });

  it("names the variable, never the URL, for other schemes and empty SQLite paths", () => {
    assert.throws(
      () => parseStoreUrl("mongodb://u:hunter2@db", "ORDERS_DB"),
      (e) =>
        hasErrorCode(e, "configuration") &&
        e.message.startsWith('ORDERS_DB has scheme "mongodb:"') &&
        !e.message.includes("hunter2"),
    );
    assert.throws(
      () => parseStoreUrl("no-scheme", "X"),
      (e) => hasErrorCode(e, "configuration") && e.message.startsWith("X has no scheme"),
    );
    assert.throws(
      () => parseStoreUrl("sqlite:", "X"),
      (e) => hasErrorCode(e, "configuration") && /X names no SQLite file/.test(e.message),
    );
  });
});
