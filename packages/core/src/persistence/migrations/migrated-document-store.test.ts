/**
 * Document stores opened with `create: false` on tables that migrations made (as generated services
 * do): the store creates nothing, works on the migrated table, and a missing table says to migrate.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { type PostgresServer, startPostgres } from "../../testing/postgres-server.ts";
import { documentSql } from "../document-sql.ts";
import { openDocumentStore } from "../open-document-store.ts";
import { defineMigration } from "./migration.ts";
import { openMigrator } from "./migrator.ts";

/** A migration making the `orders` document table, as a generated `0001_create_*.ts` does. */
const createOrders = defineMigration({
  name: "0001_create_orders",
  up: async (db) => {
    for (const statement of documentSql(db.dialect, "orders").create) await db.exec(statement);
  },
  down: (db) => db.exec('DROP TABLE "orders"'),
});

type Order = { id: string; total: number };

/** Opens `collection` without creating it (SQLite checks on open, PostgreSQL on first use) and counts it. */
async function countOf(url: string, collection: string): Promise<number> {
  const store = openDocumentStore<Order>({ collection, url, create: false });
  try {
    return await store.count();
  } finally {
    await store.close();
  }
}

let dir: string;
let server: PostgresServer;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "allframe-migrated-store-"));
  server = await startPostgres();
});
after(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

const engines: Array<[string, () => Promise<string>]> = [
  ["sqlite", async () => `sqlite:${join(dir, `${Math.random().toString(36).slice(2)}.sqlite`)}`],
  ["postgres", () => server.createDatabase()],
];

for (const [engine, freshUrl] of engines) {
  describe(`document store with create: false on ${engine}`, () => {
    it("refuses a table migrations have not made, saying to run them", async () => {
      const url = await freshUrl();
      await assert.rejects(
        countOf(url, "orders"),
        (e) =>
          hasErrorCode(e, "configuration") &&
          /table "orders" does not exist; run the service's migrations/.test(e.message),
      );
    });

    it("works on the migrated table and creates nothing itself", async () => {
      const url = await freshUrl();
      assert.deepEqual(await openMigrator({ url, migrations: [createOrders] }).up(), ["0001_create_orders"]);
      const store = openDocumentStore<Order>({ collection: "orders", url, create: false });
      await store.put({ id: "o-1", total: 5 });
      await store.put({ id: "o-1", total: 7 });
      assert.deepEqual(await store.list(), [{ id: "o-1", total: 7 }]);
      await store.close();
      await assert.rejects(countOf(url, "refunds"), (e) => hasErrorCode(e, "configuration"));
    });
  });
}
