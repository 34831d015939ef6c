import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { loadMigrations } from "./load-migrations.ts";
import { migrationChecksum } from "./migration.ts";
import { runMigratorContract } from "./migrator.contract.ts";
import { openMigrator } from "./migrator.ts";
import { openSqliteMigrationSession } from "./sqlite-migration-session.ts";

let dir: string;
let counter = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "allframe-migrations-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

runMigratorContract("sqlite", async () => {
  const path = join(dir, `db-${++counter}`, "app.sqlite");
  return { url: `sqlite:${path}`, probe: async () => openSqliteMigrationSession(path) };
});

describe("SQLite migrations from a folder", () => {
  it("loads files in name order with their checksums, skipping tests and declarations", async () => {
    const folder = join(dir, "folder");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(folder);
    const second = 'export async function up(db) { await db.exec("CREATE TABLE b (id TEXT)"); }\n';
    await writeFile(join(folder, "0002_b.mjs"), second);
    await writeFile(
      join(folder, "0001_a.ts"),
      'import type { MigrationDatabase } from "../x.ts";\nexport async function up(db: MigrationDatabase): Promise<void> {\n  await db.exec("CREATE TABLE a (id TEXT)");\n}\nexport async function down(db: MigrationDatabase): Promise<void> {\n  await db.exec("DROP TABLE a");\n}\n',
    );
    await writeFile(join(folder, "0001_a.test.ts"), "throw new Error('not a migration');\n");
    await writeFile(join(folder, "README.md"), "# migrations\n");
    const migrations = await loadMigrations(folder);
    assert.deepEqual(
      migrations.map((m) => [m.name, m.path, typeof m.down]),
      [
        ["0001_a", join(folder, "0001_a.ts"), "function"],
        ["0002_b", join(folder, "0002_b.mjs"), "undefined"],
      ],
    );
    assert.equal(migrations[1]?.checksum, migrationChecksum(second));
    assert.equal(migrationChecksum("a\r\nb"), migrationChecksum("a\nb"), "CRLF is not an edit");
    const url = `sqlite:${join(dir, "folder.sqlite")}`;
    assert.deepEqual(await openMigrator({ url, migrations }).up(), ["0001_a", "0002_b"]);
  });

  it("names a file that exports no up function", async () => {
    const folder = join(dir, "bad");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(folder);
    await writeFile(join(folder, "0001_bad.mjs"), "export const nothing = 1;\n");
    await assert.rejects(
      loadMigrations(folder),
      (e) => hasErrorCode(e, "configuration") && e.message.includes(join(folder, "0001_bad.mjs")),
    );
    await assert.rejects(loadMigrations(join(dir, "missing")), (e) => hasErrorCode(e, "configuration"));
  });

  it("has nothing to migrate on memory: and a private in-memory SQLite database", async () => {
    for (const url of ["memory:", undefined, "sqlite::memory:"]) {
      const migrator = openMigrator({ url, migrations: [] });
      assert.equal(migrator.engine, "memory");
      assert.deepEqual(await migrator.up(), []);
      assert.deepEqual(await migrator.status(), []);
    }
  });

  it("refuses duplicate names and unknown URL schemes", () => {
    const m = { name: "0001_x", checksum: "c", up: async () => {} };
    assert.throws(
      () => openMigrator({ url: "memory:", migrations: [m, m] }),
      (e) => hasErrorCode(e, "configuration"),
    );
    assert.throws(
      () => openMigrator({ url: "mysql://x", migrations: [] }),
      (e) => hasErrorCode(e, "configuration") && /DATABASE_URL/.test(e.message),
    );
  });
});
