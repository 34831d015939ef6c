/**
 * What a schema migration is: a named, ordered change of a service's database with an `up` and an
 * optional `down`, run by the migration runner in one transaction with its record (the versioned
 * migrations of Flyway and Rails, run here by umzug; DESIGN.md "Embedded defaults and real engines").
 * @module
 */
import { createHash } from "node:crypto";

/** The SQL engines migrations run on (a `memory:` store has no schema, so nothing to migrate). */
export type MigrationDialect = "sqlite" | "postgres";

/**
 * The database a migration runs on, inside the transaction that also records it. Statements are the
 * dialect's own SQL; parameters are positional (`?` on SQLite, `$1` on PostgreSQL).
 */
export interface MigrationDatabase {
  readonly dialect: MigrationDialect;
  /** Runs one or more statements (no parameters), e.g. a `CREATE TABLE` and its indexes. */
  exec(sql: string): Promise<void>;
  /** Runs one statement with parameters and answers its rows (empty for statements without any). */
  query(sql: string, params?: readonly unknown[]): Promise<Array<Record<string, unknown>>>;
}

/** One migration. Migrations apply in the order given (files: by name, so prefix them `0001_`, `0002_`). */
export interface Migration {
  /** Unique, stable name recorded in `allframe_migrations`, e.g. `"0001_create_orders"`. */
  readonly name: string;
  /** The file it came from, named in errors; absent for migrations written in code. */
  readonly path?: string;
  /**
   * SHA-256 (hex) of the migration's source, recorded when applied and compared on every later run,
   * so an edited applied migration is noticed. See {@link migrationChecksum}.
   */
  readonly checksum: string;
  up(db: MigrationDatabase): Promise<void>;
  /** Reverts `up`; without it the migration cannot be rolled back. */
  down?(db: MigrationDatabase): Promise<void>;
}

/**
 * The checksum of a migration's source: SHA-256, hex, over the text with line endings normalised to
 * `\n` (so a checkout converting to CRLF is not an edit).
 */
export function migrationChecksum(source: string): string {
  return createHash("sha256").update(source.replaceAll("\r\n", "\n")).digest("hex");
}

/**
 * A migration written in code rather than in a file; its checksum covers the text of `up` and `down`.
 * @example
 * defineMigration({ name: "0001_create_orders", up: (db) => db.exec("CREATE TABLE orders (id TEXT)") })
 */
export function defineMigration(migration: Omit<Migration, "checksum">): Migration {
  const source = `${migration.up.toString()}\n${migration.down?.toString() ?? ""}`;
  return { ...migration, checksum: migrationChecksum(source) };
}
