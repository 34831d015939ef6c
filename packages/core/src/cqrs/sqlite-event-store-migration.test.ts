import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, test } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import type { RecordedEvent } from "./event.ts";
import { draft } from "./event-store-backend.fixture.ts";
import { SqliteEventStoreBackend } from "./sqlite-event-store-backend.ts";
import { applySqliteMigrations } from "./sqlite-migrations.ts";
import { SQLITE_EVENT_STORE_MIGRATIONS } from "./sqlite-schema.ts";

const dir = await mkdtemp(join(tmpdir(), "allframe-es-migrate-"));
after(() => rm(dir, { recursive: true, force: true }));
let files = 0;
const file = (): string => join(dir, `${++files}.db`);

const AT = "2025-03-01T10:00:00.000Z";
/** The events a file of the first layout holds, as the store must give them back after converting it. */
const LEGACY: RecordedEvent[] = [
  event(1, "order-1", 0, "0193a4f2-7c01-7b3e-9f3e-5a1b2c3d4e5f", "OrderPlaced", { total: 12.5 }),
  event(2, "order-2", 0, "order-2:placed", "OrderPlaced", { total: 3 }),
  event(3, "order-1", 1, "0193A4F2-7C01-7B3E-9F3E-5A1B2C3D4E60", "ItemAdded", { sku: "a" }),
  event(4, "order-1", 2, "0193a4f2-7c01-7b3e-9f3e-5a1b2c3d4e61", "OrderPaid", null, 2),
];

function event(
  position: number,
  streamId: string,
  version: number,
  id: string,
  type: string,
  data: unknown,
  schemaVersion = 1,
): RecordedEvent {
  const metadata = { correlationId: `c-${position}` };
  return { id, streamId, version, position, type, schemaVersion, data, metadata, recordedAt: AT };
}

/** Writes `LEGACY` into `path` as releases before integer stream keys did (DDL on open, no records). */
function writeLegacyFile(path: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec(`PRAGMA journal_mode = WAL; ${SQLITE_EVENT_STORE_MIGRATIONS[0]?.sql}`);
    const insert = db.prepare(
      "INSERT INTO allframe_events (position, stream_id, version, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const stream = db.prepare(
      "INSERT INTO allframe_streams (stream_id, version) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version",
    );
    for (const e of LEGACY) {
      insert.run(
        e.position,
        e.streamId,
        e.version,
        e.id,
        e.type,
        e.schemaVersion,
        JSON.stringify(e.data),
        JSON.stringify(e.metadata),
        e.recordedAt,
      );
      stream.run(e.streamId, e.version);
    }
    db.exec(`INSERT INTO allframe_snapshots VALUES ('order-1', 1, 1, '{"items":1}', '${AT}');
      INSERT INTO allframe_checkpoints VALUES ('order-history', 3);`);
  } finally {
    db.close();
  }
}

function tables(path: string): { names: string[]; migrations: { version: number; applied_at: string }[] } {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const names = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => String(row.name));
    const migrations = db
      .prepare(
        "SELECT version, applied_at FROM allframe_schema_migrations WHERE component = 'event-store' ORDER BY version",
      )
      .all()
      .map((row) => ({ version: Number(row.version), applied_at: String(row.applied_at) }));
    return { names, migrations };
  } finally {
    db.close();
  }
}

describe("SqliteEventStoreBackend: converting a file of the first layout", () => {
  test("opening it converts it in place: every event, snapshot and checkpoint reads back the same", async () => {
    const path = file();
    writeLegacyFile(path);
    const backend = new SqliteEventStoreBackend({ path });
    try {
      assert.deepEqual(await backend.readAll(), LEGACY);
      assert.deepEqual(
        await backend.readStream("order-1", 1),
        LEGACY.filter((e) => e.streamId === "order-1" && e.version >= 1),
      );
      assert.deepEqual(await backend.stats(), { streams: 2, events: 4, lastPosition: 4 });
      assert.equal((await backend.loadSnapshot("order-1"))?.version, 1);
      assert.equal(await backend.loadCheckpoint("order-history"), 3);
      const { names, migrations } = tables(path);
      assert.deepEqual(
        migrations.map((m) => m.version),
        [1, 2],
      );
      assert.ok(!names.some((name) => name.endsWith("_v1")), `old tables left: ${names}`);
    } finally {
      await backend.close();
    }
  });

  test("appends go on after the converted events, and an old event's retry is still recognised", async () => {
    const path = file();
    writeLegacyFile(path);
    const backend = new SqliteEventStoreBackend({ path });
    try {
      const [added] = await backend.append("order-1", [draft("OrderShipped")], 2);
      assert.equal(added?.version, 3);
      assert.equal(added?.position, 5);
      const [created] = await backend.append("order-3", [draft("OrderPlaced")], "no-stream");
      assert.equal(created?.position, 6);
      const [first] = LEGACY;
      const retry = { ...(first as RecordedEvent), metadata: { correlationId: "c-1" } };
      assert.deepEqual(await backend.append("order-1", [retry], "no-stream"), [first]);
      assert.deepEqual(await backend.stats(), { streams: 3, events: 6, lastPosition: 6 });
    } finally {
      await backend.close();
    }
  });

  test("reopening a converted file applies nothing again", async () => {
    const path = file();
    writeLegacyFile(path);
    await new SqliteEventStoreBackend({ path }).close();
    const before = tables(path).migrations;
    const again = new SqliteEventStoreBackend({ path });
    try {
      assert.deepEqual(await again.readAll(), LEGACY);
      assert.deepEqual(tables(path).migrations, before);
    } finally {
      await again.close();
    }
  });

  test("a file of a newer layout is refused with what to do, and left as it was", async () => {
    const path = file();
    const backend = new SqliteEventStoreBackend({ path });
    await backend.append("s", [draft("A")], "no-stream");
    await backend.close();
    const db = new DatabaseSync(path);
    db.exec(
      "INSERT INTO allframe_schema_migrations VALUES ('event-store', 3, 'from the future', '2030-01-01T00:00:00.000Z')",
    );
    db.close();
    assert.throws(
      () => new SqliteEventStoreBackend({ path }),
      (error: unknown) =>
        hasErrorCode(error, "configuration") &&
        error.message.includes(path) &&
        /schema version 3, newer than this AllFrame knows \(2\): upgrade @allframe\/core/.test(error.message),
    );
    assert.deepEqual(
      tables(path).migrations.map((m) => m.version),
      [1, 2, 3],
    );
    const reader = new DatabaseSync(path, { readOnly: true });
    assert.equal(reader.prepare("SELECT count(*) AS n FROM allframe_events").get()?.n, 1);
    reader.close();
  });
});

describe("applySqliteMigrations", () => {
  test("a failing migration keeps nothing of its run, not even the earlier migrations", () => {
    const db = new DatabaseSync(":memory:");
    try {
      const migrations = [
        { version: 1, name: "a table", sql: "CREATE TABLE first_one (id INTEGER PRIMARY KEY)" },
        { version: 2, name: "broken", sql: "CREATE TABLE second_one (id INTEGER PRIMARY KEY" },
      ];
      assert.throws(() => applySqliteMigrations(db, "thing", migrations), /syntax error|incomplete input/);
      assert.equal(db.isTransaction, false);
      const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all();
      assert.deepEqual(names, []);
      applySqliteMigrations(db, "thing", migrations.slice(0, 1));
      applySqliteMigrations(db, "other", [{ version: 1, name: "own", sql: "CREATE TABLE other_one (x)" }]);
      const rows = db.prepare("SELECT component, version FROM allframe_schema_migrations ORDER BY 1").all();
      assert.deepEqual(
        rows.map((r) => `${r.component}@${r.version}`),
        ["other@1", "thing@1"],
      );
    } finally {
      db.close();
    }
  });
});
