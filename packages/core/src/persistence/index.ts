/**
 * @module persistence: the document store port, its memory and SQLite implementations, the
 * URL-driven opener, and the schema migrations of SQL stores. The contract suites
 * (`document-store.contract.ts`, `migrations/migrator.contract.ts`) import `node:test` and are
 * imported by path, not from here.
 */
export {
  assertCollectionName,
  COLLECTION_NAME_PATTERN,
  closedStoreError,
  type Document,
  type DocumentStore,
  type ListOptions,
  resolveListOptions,
  serialiseDocument,
} from "./document-store.ts";
export { MemoryDocumentStore } from "./memory-document-store.ts";
export {
  defineMigration,
  loadMigrations,
  MIGRATIONS_TABLE,
  type MigrateOnStartOptions,
  type Migration,
  type MigrationDatabase,
  type MigrationDialect,
  type MigrationRecord,
  type MigrationStatus,
  type Migrator,
  type MigratorOptions,
  migrateOnStart,
  migrationChecksum,
  openMigrator,
  runMigrateCommand,
} from "./migrations/index.ts";
export {
  type OpenDocumentStoreOptions,
  openDocumentStore,
  sqlitePathFromUrl,
} from "./open-document-store.ts";
export { SqliteDocumentStore, type SqliteDocumentStoreOptions } from "./sqlite-document-store.ts";
export { parseStoreUrl, type StoreLocation } from "./store-url.ts";
