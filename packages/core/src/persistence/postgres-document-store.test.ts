import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { type PostgresServer, startPostgres } from "../testing/postgres-server.ts";
import { type ContractDocument, runDocumentStoreContract } from "./document-store.contract.ts";
import { openDocumentStore } from "./open-document-store.ts";
import { PostgresDocumentStore } from "./postgres-document-store.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
});

runDocumentStoreContract(
  "postgres",
  async () =>
    new PostgresDocumentStore<ContractDocument>({
      url: await server.createDatabase(),
      collection: "contract",
    }),
);

describe("PostgresDocumentStore", () => {
  it("is what DATABASE_URL=postgres://... opens, and keeps documents across instances", async () => {
    const url = await server.createDatabase();
    const first = openDocumentStore<{ id: string; total: number }>({ collection: "orders", url });
    assert.equal(first.kind, "postgres");
    await first.put({ id: "o-1", total: 10 });
    await first.close();
    const second = openDocumentStore<{ id: string; total: number }>({ collection: "orders", url });
    assert.deepEqual(await second.get("o-1"), { id: "o-1", total: 10 });
    await second.close();
  });

  it("lets two instances create the same table at once", async () => {
    const url = await server.createDatabase();
    const stores = Array.from(
      { length: 4 },
      () => new PostgresDocumentStore<{ id: string }>({ url, collection: "race" }),
    );
    await Promise.all(stores.map((s, i) => s.put({ id: `d-${i}` })));
    assert.equal(await stores[0]?.count(), 4);
    await Promise.all(stores.map((s) => s.close()));
  });

  it("reports an unreachable server as unavailable without echoing the password", async () => {
    const store = new PostgresDocumentStore({
      url: "postgres://u:hunter2@127.0.0.1:1/none",
      collection: "orders",
    });
    await assert.rejects(
      store.get("x"),
      (e) => hasErrorCode(e, "unavailable") && /get failed/.test(e.message) && !e.message.includes("hunter2"),
    );
    await store.close();
  });
});
