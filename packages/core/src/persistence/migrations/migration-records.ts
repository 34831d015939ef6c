/**
 * The `allframe_migrations` table: which migrations a database has applied, when, and with which
 * checksum. One row per (scope, name); `scope` lets several services share one database without
 * mistaking each other's migrations for their own.
 * @module
 */
import type { MigrationDatabase, MigrationDialect } from "./migration.ts";

/** The table recording applied migrations. */
export const MIGRATIONS_TABLE = "allframe_migrations";

/** One applied migration as recorded. `appliedAt` is ISO-8601 UTC. */
export interface MigrationRecord {
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: string;
}

const SQL: Record<MigrationDialect, { create: string; select: string; insert: string; remove: string }> = {
  sqlite: {
    create: `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (scope TEXT NOT NULL, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (scope, name)) STRICT`,
    select: `SELECT name, checksum, applied_at FROM ${MIGRATIONS_TABLE} WHERE scope = ? ORDER BY applied_at, name`,
    insert: `INSERT INTO ${MIGRATIONS_TABLE} (scope, name, checksum, applied_at) VALUES (?, ?, ?, ?)`,
    remove: `DELETE FROM ${MIGRATIONS_TABLE} WHERE scope = ? AND name = ?`,
  },
  postgres: {
    create: `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (scope text NOT NULL, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL, PRIMARY KEY (scope, name))`,
    select: `SELECT name, checksum, applied_at FROM ${MIGRATIONS_TABLE} WHERE scope = $1 ORDER BY applied_at, name`,
    insert: `INSERT INTO ${MIGRATIONS_TABLE} (scope, name, checksum, applied_at) VALUES ($1, $2, $3, $4)`,
    remove: `DELETE FROM ${MIGRATIONS_TABLE} WHERE scope = $1 AND name = $2`,
  },
};

/** Reads and writes one scope's records on `db` (inside the runner's lock and transactions). */
export function migrationRecords(db: MigrationDatabase, scope: string) {
  const sql = SQL[db.dialect];
  return {
    /** Creates the table when missing. */
    ensureTable: () => db.exec(sql.create),
    async list(): Promise<MigrationRecord[]> {
      const rows = await db.query(sql.select, [scope]);
      return rows.map((row) => ({
        name: String(row.name),
        checksum: String(row.checksum),
        appliedAt: row.applied_at instanceof Date ? row.applied_at.toISOString() : String(row.applied_at),
      }));
    },
    insert: (name: string, checksum: string, appliedAt: Date) =>
      db.query(sql.insert, [scope, name, checksum, appliedAt.toISOString()]),
    remove: (name: string) => db.query(sql.remove, [scope, name]),
  };
}
