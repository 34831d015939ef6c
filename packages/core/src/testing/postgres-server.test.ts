import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { type PostgresServer, startPostgres } from "./postgres-server.ts";

describe("startPostgres", () => {
  let server: PostgresServer;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server.stop();
  });

  it("serves isolated fresh databases on loopback", async () => {
    const a = await server.createDatabase();
    const b = await server.createDatabase();
    assert.notEqual(a, b);
    assert.match(a, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/t_/);
    const client = new pg.Client({ connectionString: a });
    await client.connect();
    try {
      await client.query("CREATE TABLE t (id int)");
      const { rows } = await client.query<{ version: string }>("SELECT version()");
      assert.match(rows[0]?.version ?? "", /PostgreSQL/);
    } finally {
      await client.end();
    }
    const other = new pg.Client({ connectionString: b });
    await other.connect();
    try {
      const { rows } = await other.query("SELECT to_regclass('t') AS t");
      assert.equal(rows[0]?.t, null);
    } finally {
      await other.end();
    }
  });

  it("pause() stops the server, resume() brings the same data back on the same URL", async () => {
    const url = await server.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)");
    await client.end();
    await server.pause();
    const down = new pg.Client({ connectionString: url });
    await assert.rejects(down.connect());
    await server.resume();
    const again = new pg.Client({ connectionString: url });
    await again.connect();
    try {
      const { rows } = await again.query("SELECT id FROM kept");
      assert.deepEqual(rows, [{ id: 7 }]);
    } finally {
      await again.end();
    }
  });
});
