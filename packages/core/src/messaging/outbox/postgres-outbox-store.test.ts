import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { applyPostgresMigrations } from "../../cqrs/postgres-migrations.ts";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { type PostgresServer, startPostgres } from "../../testing/postgres-server.ts";
import { outboxEvent, runOutboxStoreContract } from "./outbox-store.contract.ts";
import { OUTBOX_MIGRATIONS, PostgresOutboxStore } from "./postgres-outbox-store.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server.stop());

runOutboxStoreContract(
  "postgres",
  async (clock, maxAttempts) =>
    new PostgresOutboxStore({
      url: await server.createDatabase("outbox"),
      clock,
      ...(maxAttempts ? { maxAttempts } : {}),
    }),
);

describe("PostgresOutboxStore", () => {
  it("runs on a pool the service owns, which close() leaves open", async () => {
    const pool = new pg.Pool({ connectionString: await server.createDatabase("outbox") });
    const store = new PostgresOutboxStore({ pool });
    await store.transaction((tx) => store.enqueue(tx, [outboxEvent("e-1", "k")]));
    await store.close();
    const { rows } = await pool.query("SELECT message_id, envelope FROM allframe_outbox");
    assert.deepEqual(rows, [{ message_id: "e-1", envelope: outboxEvent("e-1", "k") }]);
    await pool.end();
  });

  it("two stores on one database migrate once and share the outbox", async () => {
    const url = await server.createDatabase("outbox");
    const [a, b] = [new PostgresOutboxStore({ url }), new PostgresOutboxStore({ url })];
    await Promise.all([a.backlog(), b.backlog()]);
    await a.transaction((tx) => a.enqueue(tx, [outboxEvent("e-1")]));
    assert.deepEqual(
      (await b.claim(10, 1000, "w")).map((r) => r.id),
      ["e-1"],
    );
    await Promise.all([a.close(), b.close()]);
  });

  it("refuses a SQLite transaction and a missing url", async () => {
    const store = new PostgresOutboxStore({ url: await server.createDatabase("outbox") });
    const sqliteTx = { kind: "sqlite" as const, query: async () => [] };
    await assert.rejects(store.enqueue(sqliteTx, [outboxEvent("e-1")]), (e) =>
      hasErrorCode(e, "configuration"),
    );
    assert.throws(
      () => new PostgresOutboxStore({}),
      (e) => hasErrorCode(e, "configuration"),
    );
    await store.close();
    await assert.rejects(store.backlog(), (e) => hasErrorCode(e, "unavailable"));
  });
});

describe("PostgresOutboxStore leases", () => {
  const leaseRows = async (pool: pg.Pool) =>
    Number((await pool.query("SELECT count(*) AS n FROM allframe_outbox_leases")).rows[0].n);

  it("keeps the live leases and retry delays of an outbox made before leases had their own table", async () => {
    const pool = new pg.Pool({ connectionString: await server.createDatabase("outbox") });
    await applyPostgresMigrations(pool, "outbox", OUTBOX_MIGRATIONS.slice(0, 2));
    const now = Date.now();
    const insert = `INSERT INTO allframe_outbox (message_id, type, key, envelope, enqueued_at, locked_by, locked_until)
      VALUES ($1, 'order.placed', $2, $3, $4, $5, $6)`;
    // leased by a relay; the next of its key; retry-delayed; free.
    for (const [id, key, lockedBy, lockedUntil] of [
      ["leased", "k", "relay-1", now + 60_000],
      ["after-leased", "k", null, 0],
      ["delayed", "j", null, now + 60_000],
      ["free", "f", null, 0],
    ] as const) {
      await pool.query(insert, [id, key, outboxEvent(id, key), now, lockedBy, lockedUntil]);
    }
    const store = new PostgresOutboxStore({ pool });
    assert.deepEqual(
      (await store.claim(10, 1000, "relay-2")).map((r) => r.id),
      ["free"],
    );
    await store.release(["leased"]);
    assert.deepEqual(
      (await store.claim(10, 1000, "relay-2")).map((r) => r.id),
      ["leased", "after-leased"],
    );
    await store.close();
    await pool.end();
  });

  it("leaves no lease behind once its message is published, released or dead-lettered", async () => {
    const pool = new pg.Pool({ connectionString: await server.createDatabase("outbox") });
    const store = new PostgresOutboxStore({ pool, maxAttempts: 1 });
    await store.transaction((tx) =>
      store.enqueue(tx, [outboxEvent("published", "a"), outboxEvent("released"), outboxEvent("poison")]),
    );
    assert.equal((await store.claim(10, 60_000, "w")).length, 3);
    assert.equal(await leaseRows(pool), 3);
    await store.markPublished(["published"]);
    await store.release(["released"]);
    assert.deepEqual(await store.recordFailure("poison", new Error("boom")), {
      attempts: 1,
      deadLettered: true,
    });
    assert.equal(await leaseRows(pool), 0);
    assert.deepEqual(
      (await store.claim(10, 60_000, "w")).map((r) => r.id),
      ["released"],
    );
    await store.close();
    await pool.end();
  });
});

describe("PostgresOutboxStore wake-up across processes", () => {
  it("a commit of a store without a relay wakes the relay of another store on the database", async () => {
    const url = await server.createDatabase("outbox");
    const [relaySide, producerSide] = [new PostgresOutboxStore({ url }), new PostgresOutboxStore({ url })];
    await Promise.all([relaySide.backlog(), producerSide.backlog()]);
    let woken!: () => void;
    const wake = new Promise<void>((resolve) => {
      woken = resolve;
    });
    const off = relaySide.onCommit(() => woken());
    // LISTEN runs on a connection of its own: enqueue until a notification arrives (the first may
    // go out before the LISTEN is in place; polling would have covered it).
    let arrived = false;
    void wake.then(() => {
      arrived = true;
    });
    for (let i = 0; !arrived && i < 500; i++) {
      await producerSide.transaction((tx) => producerSide.enqueue(tx, [outboxEvent(`e-${i}`)]));
      await Promise.race([wake, new Promise((resolve) => setImmediate(resolve))]);
    }
    assert.ok(arrived, "the relay side heard a commit of the producer side");
    off();
    await Promise.all([relaySide.close(), producerSide.close()]);
  });
});
