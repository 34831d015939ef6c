/**
 * End to end for the schema migrations of generated stateless services (issue 7): ignites one
 * stateless service (formatted, as users get it), checks the migration and its wiring, runs the
 * generated tests (fresh SQLite file → tables and record; restart → no re-run), `npm run migrate` on
 * SQLite and on a real PostgreSQL, the service itself on PostgreSQL, and the type-check and lint.
 * The workspace borrows this checkout's node_modules (which links `@allframe/core`).
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type PostgresServer, startPostgres } from "../../../core/src/testing/postgres-server.ts";
import {
  assertTypecheckAndLint,
  runGeneratedTests,
  useBorrowedWorkspace,
} from "../verify/borrowed-workspace.fixture.ts";
import { runInWorkspace } from "../verify/workspace-process.ts";

const MIGRATION = "0001_create_products_order_items";

const ARCHITECTURE = `
[architecture]
name = "migrated-shop"
version = "0.1.0"

[[services]]
name = "catalog-service"
type = "stateless"
responsibility = "Products and order items on migrated tables"
[services.domain]
entities = ["Product", "OrderItem"]
`;

/** Starts the generated service on DATABASE_URL, creates and reads a product, and prints the outcome. */
const PROBE = `
import { startService } from "@allframe/core";
import { createService } from "./services/catalog-service/src/service.ts";

const svc = await startService(createService, { env: { ...process.env, LOG_LEVEL: "silent" } });
const created = await svc.request("/products", { method: "POST", body: { name: "on postgres" } });
const read = await svc.request(\`/products/\${created.body.id}\`);
await svc.stop();
console.log(JSON.stringify({ created: created.status, read: read.status, name: read.body.name }));
`;

describe("generated schema migrations of a stateless service", () => {
  const workspace = useBorrowedWorkspace(ARCHITECTURE, { name: "migrations" });
  let postgres: PostgresServer;
  const read = (path: string) => workspace.read(`services/catalog-service/${path}`);
  /** Runs `args` in the workspace with extra environment variables. */
  const runWith = (env: Record<string, string>, args: string[]) =>
    runInWorkspace(workspace.dir, "env", [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args]);
  /** `npm run migrate -- <args>` in the service, as users type it (npm takes seconds; used once per engine). */
  const npmMigrate = (url: string, ...args: string[]) =>
    runWith({ DATABASE_URL: url }, [
      "npm",
      "run",
      "--silent",
      "migrate",
      "-w",
      "services/catalog-service",
      "--",
      ...args,
    ]);
  /** What the npm script runs. */
  const migrate = (url: string, ...args: string[]) =>
    runWith({ DATABASE_URL: url }, [process.execPath, "services/catalog-service/src/migrate.ts", ...args]);

  before(async () => {
    await writeFile(join(workspace.dir, "probe.ts"), PROBE);
    postgres = await startPostgres();
  });
  after(async () => {
    await postgres?.stop();
  });

  it("writes one migration creating each entity's table and unique id index in both dialects", async () => {
    const migration = await read(`migrations/${MIGRATION}.ts`);
    for (const table of ["product", "order_item"]) {
      assert.match(
        migration,
        new RegExp(`'CREATE TABLE "${table}" \\(seq INTEGER PRIMARY KEY AUTOINCREMENT`),
      );
      assert.match(
        migration,
        new RegExp(`'CREATE TABLE "${table}" \\(seq bigserial PRIMARY KEY, id text NOT NULL, doc jsonb`),
      );
      assert.match(migration, new RegExp(`'CREATE UNIQUE INDEX "${table}_id_key" ON "${table}" \\(id\\)'`));
      assert.match(migration, new RegExp(`await db\\.exec\\('DROP TABLE "${table}"'\\);`));
    }
    const pkg = JSON.parse(await read("package.json")) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.migrate, "node src/migrate.ts");
    const tsconfig = JSON.parse(await workspace.read("tsconfig.json")) as {
      include: string[];
    };
    assert.ok(tsconfig.include.includes("services/*/migrations/**/*.ts"));
  });

  it("migrates at start before opening the stores, which create no tables themselves", async () => {
    const service = await read("src/service.ts");
    const migrateAt = service.indexOf("await migrateOnStart({");
    assert.ok(migrateAt > 0 && migrateAt < service.indexOf("openDocumentStore<Product>"), service);
    assert.match(service, /apply: config\.MIGRATE_ON_START \?\? env\.NODE_ENV !== "production",/);
    assert.match(service, /scope: MIGRATION_SCOPE,/);
    assert.match(
      service,
      /openDocumentStore<OrderItem>\(\{\s*collection: "order_item",\s*url: config\.DATABASE_URL,\s*create: false,?\s*\}\)/,
    );
    assert.match(await read("src/config.ts"), /MIGRATE_ON_START: z\.stringbool\(\)\.optional\(\)/);
  });

  it("passes the generated tests, the type-check and the lint", async () => {
    const tests = await runGeneratedTests(workspace.dir, ["services/catalog-service/src/service.test.ts"]);
    assert.match(tests, /✔ migrates a fresh SQLite database at start, once/);
    await assertTypecheckAndLint(workspace.dir);
  });

  it("npm run migrate reports, applies and reverts on a SQLite file", async () => {
    const url = `sqlite:${join(workspace.root, "cli.sqlite")}`;
    const status = await npmMigrate(url, "status");
    assert.equal(status.code, 0, status.output);
    assert.match(status.output, new RegExp(`^pending  ${MIGRATION}$`, "m"));
    assert.match((await migrate(url, "up")).output, new RegExp(`^applied ${MIGRATION}$`, "m"));
    assert.match((await migrate(url, "up")).output, /up to date: nothing to apply/);
    assert.match(
      (await migrate(url, "status")).output,
      new RegExp(`^applied \\d{4}-\\d\\d-\\d\\dT\\S+Z  ${MIGRATION}$`, "m"),
    );
    assert.match((await migrate(url, "down")).output, new RegExp(`^reverted ${MIGRATION}$`, "m"));
    const bad = await migrate(url, "sideways");
    assert.equal(bad.code, 2, bad.output);
  });

  it("runs on PostgreSQL: migrate up, the service on the migrated tables, and a refusal to start unmigrated", async () => {
    const url = await postgres.createDatabase();
    const up = await npmMigrate(url, "up");
    assert.equal(up.code, 0, up.output);
    assert.match(up.output, new RegExp(`^applied ${MIGRATION}$`, "m"));
    const appliedAt = (await migrate(url, "status")).output.match(
      new RegExp(`^applied (\\S+)  ${MIGRATION}$`, "m"),
    )?.[1];
    assert.ok(appliedAt !== undefined);
    const probe = await runWith({ DATABASE_URL: url }, [process.execPath, "probe.ts"]);
    assert.equal(probe.code, 0, probe.output);
    assert.deepEqual(JSON.parse(probe.output.trim().split("\n").at(-1) ?? ""), {
      created: 201,
      read: 200,
      name: "on postgres",
    });
    const status = await migrate(url, "status");
    assert.equal(status.code, 0, status.output);
    assert.equal(
      status.output.match(new RegExp(`^applied (\\S+)  ${MIGRATION}$`, "m"))?.[1],
      appliedAt,
      "the service's start re-ran nothing",
    );
    const fresh = await postgres.createDatabase();
    const refused = await runWith({ DATABASE_URL: fresh, MIGRATE_ON_START: "false" }, [
      process.execPath,
      "probe.ts",
    ]);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.output,
      new RegExp(`1 pending migration\\(s\\): ${MIGRATION}; run \`npm run migrate -- up\``),
    );
  });
});
