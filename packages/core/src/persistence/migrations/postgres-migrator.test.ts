import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { type PostgresServer, startPostgres } from "../../testing/postgres-server.ts";
import { defineMigration } from "./migration.ts";
import { runMigratorContract } from "./migrator.contract.ts";
import { openMigrator } from "./migrator.ts";
import { openPostgresMigrationSession } from "./postgres-migration-session.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server.stop();
});

runMigratorContract("postgres", async () => {
  const url = await server.createDatabase();
  return { url, probe: () => openPostgresMigrationSession(url) };
});

describe("PostgreSQL migrations", () => {
  it("serialises runners on the advisory lock: a runner waits while another holds it", async () => {
    const url = await server.createDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query("SELECT pg_advisory_lock(hashtext('allframe.migrations'))");
    const migrations = [defineMigration({ name: "0001_t", up: (db) => db.exec("CREATE TABLE t (id text)") })];
    let settled = false;
    const running = openMigrator({ url, migrations })
      .up()
      .finally(() => {
        settled = true;
      });
    // The runner is connected and blocked once the server shows it waiting for the advisory lock.
    for (;;) {
      const { rows } = await holder.query(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
      );
      if (rows[0].n === 1) break;
    }
    assert.equal(settled, false);
    await holder.query("SELECT pg_advisory_unlock(hashtext('allframe.migrations'))");
    assert.deepEqual(await running, ["0001_t"]);
    await holder.end();
  });

  it("reports an unreachable server as unavailable without echoing the password", async () => {
    const migrator = openMigrator({ url: "postgres://u:hunter2@127.0.0.1:1/none", migrations: [] });
    await assert.rejects(
      migrator.up(),
      (e) =>
        hasErrorCode(e, "unavailable") && /cannot connect/.test(e.message) && !e.message.includes("hunter2"),
    );
  });
});
