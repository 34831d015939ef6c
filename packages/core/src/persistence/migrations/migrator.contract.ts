/**
 * The contract every migration engine passes (house style rule 4): ordered, once-only application,
 * atomic failure, checksum protection, `down` to a target, and serialised concurrent runners.
 * Imported by path from the engines' test files (it imports `node:test`).
 * @module
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { defineMigration, type Migration, type MigrationDatabase } from "./migration.ts";
import type { MigrationSession } from "./migration-session.ts";
import { openMigrator } from "./migrator.ts";

/** A fresh, empty database for one case, and a way to look into it. */
export interface MigratorFixture {
  readonly url: string;
  probe(): Promise<MigrationSession>;
}

const createTable = (name: string, table: string) =>
  defineMigration({
    name,
    up: (db) => db.exec(`CREATE TABLE ${table} (id text NOT NULL)`),
    down: (db) => db.exec(`DROP TABLE ${table}`),
  });

/** A migration that counts its runs in table `runs` (created by `0001_runs`). */
const countRun = (name: string) =>
  defineMigration({
    name,
    up: async (db) => {
      await db.query(`INSERT INTO runs (id) VALUES ('${name}')`);
    },
    down: async (db) => {
      await db.query(`DELETE FROM runs WHERE id = '${name}'`);
    },
  });

const MIGRATIONS: Migration[] = [
  createTable("0001_runs", "runs"),
  countRun("0002_first"),
  countRun("0003_second"),
];

async function rows(fixture: MigratorFixture, sql: string): Promise<Array<Record<string, unknown>>> {
  const session = await fixture.probe();
  try {
    return await session.db.query(sql);
  } finally {
    await session.close();
  }
}

async function tableExists(fixture: MigratorFixture, table: string): Promise<boolean> {
  const session = await fixture.probe();
  const sql: Record<MigrationDatabase["dialect"], string> = {
    sqlite: `SELECT name FROM sqlite_master WHERE type = 'table' AND name = '${table}'`,
    postgres: `SELECT tablename AS name FROM pg_tables WHERE tablename = '${table}'`,
  };
  try {
    return (await session.db.query(sql[session.db.dialect])).length === 1;
  } finally {
    await session.close();
  }
}

/** Runs the contract against databases from `fresh`. */
export function runMigratorContract(engine: string, fresh: () => Promise<MigratorFixture>): void {
  describe(`migrator contract: ${engine}`, () => {
    it("applies pending migrations in order, once, recording name, time and checksum", async () => {
      const fixture = await fresh();
      const clock = new ManualClock(Date.parse("2026-01-02T03:04:05.000Z"));
      const migrator = openMigrator({ url: fixture.url, migrations: MIGRATIONS, clock, scope: "orders" });
      assert.equal(migrator.engine, engine);
      assert.deepEqual(await migrator.up(), ["0001_runs", "0002_first", "0003_second"]);
      assert.deepEqual(await migrator.up(), [], "a second run applies nothing");
      const runs = await rows(fixture, "SELECT id FROM runs ORDER BY id");
      assert.deepEqual(
        runs.map((r) => r.id),
        ["0002_first", "0003_second"],
      );
      const records = await rows(
        fixture,
        "SELECT scope, name, checksum FROM allframe_migrations ORDER BY name",
      );
      assert.deepEqual(
        records,
        MIGRATIONS.map((m) => ({ scope: "orders", name: m.name, checksum: m.checksum })),
      );
      const status = await migrator.status();
      assert.deepEqual(
        status.map((s) => [s.name, s.state, s.appliedAt]),
        MIGRATIONS.map((m) => [m.name, "applied", "2026-01-02T03:04:05.000Z"]),
      );
    });

    it("applies only up to a target, and reports the rest as pending", async () => {
      const fixture = await fresh();
      const migrator = openMigrator({ url: fixture.url, migrations: MIGRATIONS });
      assert.deepEqual(await migrator.up({ to: "0002_first" }), ["0001_runs", "0002_first"]);
      assert.deepEqual(
        (await migrator.status()).map((s) => s.state),
        ["applied", "applied", "pending"],
      );
      assert.deepEqual(await migrator.up({ to: "0002_first" }), [], "an applied target is a no-op");
      await assert.rejects(
        migrator.up({ to: "0009_nope" }),
        (e) => hasErrorCode(e, "configuration") && /0009_nope/.test(e.message),
      );
    });

    it("rolls a failed migration back, records nothing for it, and keeps the ones before", async () => {
      const fixture = await fresh();
      const broken = defineMigration({
        name: "0004_broken",
        up: async (db) => {
          await db.exec("CREATE TABLE half_done (id text)");
          await db.query("INSERT INTO runs (id) VALUES ('0004_broken')");
          await db.exec("THIS IS NOT SQL");
        },
      });
      const migrator = openMigrator({ url: fixture.url, migrations: [...MIGRATIONS, broken] });
      await assert.rejects(
        migrator.up(),
        (e) =>
          hasErrorCode(e, "unavailable") && /0004_broken failed \(up\) and was rolled back/.test(e.message),
      );
      assert.equal(await tableExists(fixture, "half_done"), false);
      assert.deepEqual(
        (await rows(fixture, "SELECT id FROM runs ORDER BY id")).map((r) => r.id),
        ["0002_first", "0003_second"],
      );
      assert.deepEqual(
        (await migrator.status()).map((s) => s.state),
        ["applied", "applied", "applied", "pending"],
      );
    });

    it("refuses to run when an applied migration was edited, naming it and what to do", async () => {
      const fixture = await fresh();
      await openMigrator({ url: fixture.url, migrations: MIGRATIONS }).up();
      const edited = {
        ...MIGRATIONS[0],
        path: "/srv/migrations/0001_runs.ts",
        checksum: "0".repeat(64),
      } as Migration;
      const migrator = openMigrator({ url: fixture.url, migrations: [edited, ...MIGRATIONS.slice(1)] });
      for (const run of [() => migrator.up(), () => migrator.status(), () => migrator.down()]) {
        await assert.rejects(
          run(),
          (e) =>
            hasErrorCode(e, "configuration") &&
            e.message.includes("/srv/migrations/0001_runs.ts was changed after it was applied") &&
            /new migration/.test(e.message),
        );
      }
    });

    it("reverts the last migration, or down to and including a target, and re-applies after", async () => {
      const fixture = await fresh();
      const migrator = openMigrator({ url: fixture.url, migrations: MIGRATIONS });
      await migrator.up();
      assert.deepEqual(await migrator.down(), ["0003_second"]);
      assert.deepEqual(await migrator.down({ to: "0002_first" }), ["0002_first"]);
      assert.deepEqual(
        (await migrator.status()).map((s) => s.state),
        ["applied", "pending", "pending"],
      );
      assert.deepEqual((await rows(fixture, "SELECT id FROM runs")).length, 0);
      assert.deepEqual(await migrator.up(), ["0002_first", "0003_second"]);
      assert.deepEqual(await migrator.down({ to: 0 }), ["0003_second", "0002_first", "0001_runs"]);
      assert.equal(await tableExists(fixture, "runs"), false);
      assert.deepEqual(await migrator.down(), [], "nothing left to revert");
    });

    it("refuses to revert a migration without down, leaving it applied", async () => {
      const fixture = await fresh();
      const oneWay = defineMigration({
        name: "0001_one_way",
        up: (db) => db.exec("CREATE TABLE one_way (id text)"),
      });
      const migrator = openMigrator({ url: fixture.url, migrations: [oneWay] });
      await migrator.up();
      await assert.rejects(
        migrator.down(),
        (e) => hasErrorCode(e, "configuration") && /has no down\(db\)/.test(e.message),
      );
      assert.deepEqual(
        (await migrator.status()).map((s) => s.state),
        ["applied"],
      );
    });

    it("keeps scopes apart: another service's migrations on the same database are not mistaken for these", async () => {
      const fixture = await fresh();
      await openMigrator({ url: fixture.url, migrations: MIGRATIONS, scope: "a" }).up();
      const other = [createTable("0001_runs", "other_runs")];
      assert.deepEqual(await openMigrator({ url: fixture.url, migrations: other, scope: "b" }).up(), [
        "0001_runs",
      ]);
      assert.equal(await tableExists(fixture, "other_runs"), true);
    });

    it("applies each migration once when several runners start together", async () => {
      const fixture = await fresh();
      const results = await Promise.all(
        Array.from({ length: 4 }, () => openMigrator({ url: fixture.url, migrations: MIGRATIONS }).up()),
      );
      assert.deepEqual(
        results.flat().sort(),
        MIGRATIONS.map((m) => m.name),
      );
      assert.equal((await rows(fixture, "SELECT id FROM runs")).length, 2);
    });
  });
}
