import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { type ContractDocument, runDocumentStoreContract } from "./document-store.contract.ts";
import { MemoryDocumentStore } from "./memory-document-store.ts";
import { openDocumentStore, sqlitePathFromUrl } from "./open-document-store.ts";
import { SqliteDocumentStore } from "./sqlite-document-store.ts";

const dir = mkdtempSync(join(tmpdir(), "allframe-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
runDocumentStoreContract(
  "sqlite file",
  () =>
    new SqliteDocumentStore<ContractDocument>({
      path: join(dir, `contract-${++n}.db`),
      collection: "contract",
    }),
);
runDocumentStoreContract(
  "sqlite :memory:",
  () => new SqliteDocumentStore<ContractDocument>({ path: ":memory:", collection: "contract" }),
);

type Order = { id: string; total: number };

describe("SqliteDocumentStore", () => {
  it("keeps documents and their order across close and reopen", async () => {
    const path = join(dir, "nested", "folder", "orders.db");
    const first = new SqliteDocumentStore<Order>({ path, collection: "orders" });
    await first.put({ id: "o-2", total: 20 });
    await first.put({ id: "o-1", total: 10 });
    await first.put({ id: "o-2", total: 25 });
    await first.close();
    const second = new SqliteDocumentStore<Order>({ path, collection: "orders" });
    assert.deepEqual(await second.list(), [
      { id: "o-2", total: 25 },
      { id: "o-1", total: 10 },
    ]);
    await second.close();
  });

  it("keeps collections in one file apart", async () => {
    const path = join(dir, "shared.db");
    const orders = new SqliteDocumentStore<Order>({ path, collection: "orders" });
    const refunds = new SqliteDocumentStore<Order>({ path, collection: "refunds" });
    await orders.put({ id: "x", total: 1 });
    assert.equal(await refunds.get("x"), undefined);
    assert.equal(await refunds.count(), 0);
    await orders.close();
    await refunds.close();
  });

  it("refuses collection names that are not plain identifiers", () => {
    for (const collection of ['x"; DROP TABLE y; --', "Orders", "1st", "sqlite_master", ""]) {
      assert.throws(
        () => new SqliteDocumentStore({ path: ":memory:", collection }),
        (e) => hasErrorCode(e, "configuration"),
        collection,
      );
    }
  });

  it("reports a file that is not a database as a configuration error", () => {
    assert.throws(
      () => new SqliteDocumentStore({ path: dir, collection: "x" }),
      (e) => hasErrorCode(e, "configuration") && e.message.includes("cannot open SQLite database"),
    );
  });
});

describe("openDocumentStore", () => {
  it("opens memory without a URL or with memory:", async () => {
    for (const url of [undefined, "", "memory:"]) {
      const store = openDocumentStore({ collection: "orders", url });
      assert.ok(store instanceof MemoryDocumentStore);
      await store.close();
    }
  });

  it("opens SQLite for sqlite: and file: URLs, creating the folder", async () => {
    const urls = [
      `sqlite:${join(dir, "a", "one.db")}`,
      `sqlite://${join(dir, "b", "two.db")}`,
      `file:${join(dir, "c", "three.db")}`,
      `file://${join(dir, "d", "four.db")}`,
      "sqlite::memory:",
    ];
    for (const url of urls) {
      const store = openDocumentStore<Order>({ collection: "orders", url });
      assert.equal(store.kind, "sqlite", url);
      await store.put({ id: "1", total: 1 });
      assert.equal(await store.count(), 1);
      await store.close();
    }
    const reopened = openDocumentStore<Order>({
      collection: "orders",
      url: `sqlite:${join(dir, "a", "one.db")}`,
    });
    assert.equal(await reopened.count(), 1);
    await reopened.close();
  });

  it("parses SQLite URLs", () => {
    assert.equal(sqlitePathFromUrl("sqlite:./data/app.db"), "./data/app.db");
    assert.equal(sqlitePathFromUrl("sqlite:///abs/app.db"), "/abs/app.db");
    assert.equal(sqlitePathFromUrl("file:///abs/app.db?mode=rwc"), "/abs/app.db");
    assert.equal(sqlitePathFromUrl("sqlite::memory:"), ":memory:");
    assert.equal(sqlitePathFromUrl("redis://x"), undefined);
  });

  it("reports unknown schemes and empty paths as configuration errors, without the URL", () => {
    assert.throws(
      () =>
        openDocumentStore({ collection: "orders", url: "mongodb://user:hunter2@db", envVar: "ORDERS_DB" }),
      (e) =>
        hasErrorCode(e, "configuration") &&
        /ORDERS_DB has scheme "mongodb:"/.test(e.message) &&
        !e.message.includes("hunter2"),
    );
    assert.throws(
      () => openDocumentStore({ collection: "orders", url: "sqlite:" }),
      (e) => hasErrorCode(e, "configuration"),
    );
  });
});
