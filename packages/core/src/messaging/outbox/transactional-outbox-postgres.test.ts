import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { type PostgresServer, startPostgres } from "../../testing/postgres-server.ts";
import { createEvent } from "../event-envelope.ts";
import { openTransactionalOutbox } from "./open-transactional-outbox.ts";
import { runTransactionalOutboxContract } from "./transactional-outbox.contract.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server.stop());

runTransactionalOutboxContract("postgres", () => server.createDatabase("txoutbox"));

describe("openTransactionalOutbox on PostgreSQL", () => {
  it("keeps documents in the document store's table layout, beside the outbox", async () => {
    const url = await server.createDatabase("txoutbox");
    const outbox = openTransactionalOutbox(url);
    assert.equal(outbox.kind, "postgres");
    const event = createEvent("OrderPlaced", { id: "o-1" }, { source: "orders", key: "o-1" });
    await outbox.documents<{ id: string; total: number }>("orders").put({ id: "o-1", total: 1 }, [event]);
    await outbox.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const docs = await client.query("SELECT id, doc FROM orders");
    assert.deepEqual(docs.rows, [{ id: "o-1", doc: { id: "o-1", total: 1 } }]);
    const rows = await client.query("SELECT message_id FROM allframe_outbox");
    assert.deepEqual(rows.rows, [{ message_id: event.id }]);
    await client.end();
  });
});
