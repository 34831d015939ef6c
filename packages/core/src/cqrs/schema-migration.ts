/**
 * The shape of the stores' own schema changes, shared by the PostgreSQL and SQLite runners
 * (`applyPostgresMigrations`, `applySqliteMigrations`), which record them per component in
 * `allframe_schema_migrations`.
 * @module
 */

/** One forward-only migration of a store's own tables; `sql` may hold several statements. */
export interface SchemaMigration {
  /** Applied in ascending order; never reused once released. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
