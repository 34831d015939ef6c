/**
 * The runner of the SQLite stores' own schema migrations: the twin of `applyPostgresMigrations`, on
 * one `node:sqlite` connection, recording what it applied in the same `allframe_schema_migrations`
 * table, per component (a service's one SQLite file holds several stores).
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { AllFrameError } from "../errors/allframe-error.ts";
import type { SchemaMigration } from "./schema-migration.ts";

/**
 * Applies the `migrations` of `component` that the file has not seen, in version order, in one
 * `BEGIN IMMEDIATE` transaction: SQLite's write lock, so a second process opening the same file waits
 * (up to the connection's busy timeout), then finds nothing to do. Synchronous, like `node:sqlite`.
 * @throws AllFrameError `"configuration"` when the file records a version of `component` newer than
 *   any in `migrations` (it was written by a newer AllFrame: upgrade this one); the driver's error
 *   when a migration fails. Either way nothing of the run is kept.
 */
export function applySqliteMigrations(
  db: DatabaseSync,
  component: string,
  migrations: readonly SchemaMigration[],
): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS allframe_schema_migrations (
      component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,
      applied_at TEXT NOT NULL, PRIMARY KEY (component, version)) STRICT, WITHOUT ROWID`);
    const applied = new Set(
      db
        .prepare("SELECT version FROM allframe_schema_migrations WHERE component = ?")
        .all(component)
        .map((row) => Number(row.version)),
    );
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newer = [...applied].filter((version) => version > known);
    if (newer.length > 0) {
      throw new AllFrameError(
        "configuration",
        `the ${component} tables are at schema version ${Math.max(...newer)}, newer than this AllFrame knows (${known}): upgrade @allframe/core, or open a copy made before the upgrade`,
      );
    }
    const record = db.prepare(
      "INSERT INTO allframe_schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)",
    );
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(component, migration.version, migration.name, new Date().toISOString());
    }
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}
