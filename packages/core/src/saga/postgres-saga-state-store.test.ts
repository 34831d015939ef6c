import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { type PostgresServer, startPostgres } from "../testing/postgres-server.ts";
import { PostgresSagaStateStore } from "./postgres-saga-state-store.ts";
import { runSagaStateStoreContract } from "./saga-state-store.contract.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
});

const urls = new Map<PostgresSagaStateStore, string>();
runSagaStateStoreContract({
  name: "postgres",
  newStore: async () => {
    const url = await server.createDatabase("saga");
    const store = new PostgresSagaStateStore({ connectionString: url });
    urls.set(store, url);
    return store;
  },
  connectAgain: (store) =>
    new PostgresSagaStateStore({ connectionString: urls.get(store as PostgresSagaStateStore) ?? "" }),
});

describe("PostgresSagaStateStore", () => {
  test("many stores creating the table at once all succeed", async () => {
    const url = await server.createDatabase("saga");
    const stores = Array.from({ length: 6 }, () => new PostgresSagaStateStore({ connectionString: url }));
    try {
      assert.deepEqual(await Promise.all(stores.map((s) => s.list())), [[], [], [], [], [], []]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test("shares a given pool, leaving it open on close; the table lives beside the event store's", async () => {
    const pool = new pg.Pool({ connectionString: await server.createDatabase("saga") });
    try {
      const store = new PostgresSagaStateStore({ pool });
      assert.deepEqual(await store.list({ status: "running" }), []);
      await store.close();
      const { rows } = await pool.query("SELECT to_regclass('allframe_saga_instances') AS t");
      assert.equal(rows[0]?.t, "allframe_saga_instances");
    } finally {
      await pool.end();
    }
  });

  test("an unreachable server is unavailable, without echoing the password", async () => {
    const store = new PostgresSagaStateStore({ connectionString: "postgres://u:secret@127.0.0.1:1/db" });
    await assert.rejects(
      store.load("x"),
      (e) => hasErrorCode(e, "unavailable") && !e.message.includes("secret"),
    );
    await store.close();
  });
});
