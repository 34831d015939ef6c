/**
 * @module persistence/migrations: versioned schema migrations on SQLite and PostgreSQL, recorded in
 * `allframe_migrations`; the runner, the folder loader, the start-up step and the `migrate` command.
 */
export { loadMigrations } from "./load-migrations.ts";
export { runMigrateCommand } from "./migrate-command.ts";
export { type MigrateOnStartOptions, migrateOnStart } from "./migrate-on-start.ts";
export {
  defineMigration,
  type Migration,
  type MigrationDatabase,
  type MigrationDialect,
  migrationChecksum,
} from "./migration.ts";
export { MIGRATIONS_TABLE, type MigrationRecord } from "./migration-records.ts";
export { type MigrationStatus, type Migrator, type MigratorOptions, openMigrator } from "./migrator.ts";
