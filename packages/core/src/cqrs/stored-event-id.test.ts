import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { describe, test } from "node:test";
import { uuidV7 } from "../runtime/uuid-v7.ts";
import { eventIdFromStored, storedEventId, storedEventIdSql } from "./stored-event-id.ts";

const canonical = [
  uuidV7(),
  randomUUID(),
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
];
const other = [
  "0193A4F2-7C01-7B3E-9F3E-5A1B2C3D4E5F", // uppercase: another string
  "0193a4f27c017b3e9f3e5a1b2c3d4e5f", // no dashes
  "0193a4f2-7c01-7b3e-9f3e-5a1b2c3d4e5g", // not hex
  "0193a4f2-7c017-b3e-9f3e-5a1b2c3d4e5f", // a dash moved
  "{0193a4f2-7c01-7b3e-9f3e-5a1b2c3d4e5}",
  "order-42:created",
  "é193a4f2-7c01-7b3e-9f3e-5a1b2c3d4e5f",
  "",
];

describe("storedEventId", () => {
  test("a canonical UUID is kept as its 16 bytes and comes back as the same text", () => {
    for (const id of canonical) {
      const stored = storedEventId(id);
      assert.ok(stored instanceof Uint8Array, id);
      assert.equal(Buffer.from(stored).toString("hex"), id.replaceAll("-", ""));
      assert.equal(eventIdFromStored(stored), id);
    }
  });

  test("every other id is kept as its text", () => {
    for (const id of other) {
      assert.equal(storedEventId(id), id);
      assert.equal(eventIdFromStored(id), id);
    }
  });

  test("a blob that is not 16 bytes is refused, not misread", () => {
    assert.throws(() => eventIdFromStored(new Uint8Array(15)), /16 bytes, got 15/);
  });

  test("the SQL expression stores exactly what the function stores", () => {
    const db = new DatabaseSync(":memory:");
    try {
      const sql = db.prepare(`SELECT ${storedEventIdSql("value")} AS stored FROM json_each(?) ORDER BY key`);
      const ids = [...canonical, ...other];
      const fromSql = sql.all(JSON.stringify(ids)).map((row) => row.stored);
      assert.deepEqual(
        fromSql.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v)),
        ids.map((id) => {
          const v = storedEventId(id);
          return v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v;
        }),
      );
    } finally {
      db.close();
    }
  });
});
