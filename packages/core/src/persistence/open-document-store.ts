/**
 * Picks the document store from `DATABASE_URL`, so one generated service runs on memory in tests,
 * on a SQLite file in `npm run dev`, and on PostgreSQL in production.
 * @module
 */
import { assertCollectionName, type Document, type DocumentStore } from "./document-store.ts";
import { MemoryDocumentStore } from "./memory-document-store.ts";
import { PostgresDocumentStore } from "./postgres-document-store.ts";
import { SqliteDocumentStore } from "./sqlite-document-store.ts";
import { parseStoreUrl } from "./store-url.ts";

export { sqlitePathFromUrl } from "./store-url.ts";

/** Options for {@link openDocumentStore}. */
export interface OpenDocumentStoreOptions {
  /** Collection (table) name; must match `COLLECTION_NAME_PATTERN`. */
  collection: string;
  /** Where the documents live; see {@link openDocumentStore}. */
  url?: string;
  /** Variable named in error messages; default `"DATABASE_URL"`. */
  envVar?: string;
  /**
   * Create the SQL table when missing (default true). `false` when the service's migrations own the
   * schema (`openMigrator`): a missing table is then a `configuration` error saying to run them.
   */
  create?: boolean;
}

/**
 * Opens the store `url` names (see `parseStoreUrl`):
 * - `undefined`, `""` or `memory:` → {@link MemoryDocumentStore};
 * - `sqlite:<path>`, `file:<path>` or `sqlite::memory:` → {@link SqliteDocumentStore}, creating the
 *   parent folder;
 * - `postgres://` / `postgresql://` → {@link PostgresDocumentStore} (connects on first use).
 *
 * @throws AllFrameError `configuration` for any other scheme, an empty SQLite path, or a bad collection name. Messages
 *   name the variable and never echo the URL (it may hold a password).
 * @example
 * const orders = openDocumentStore<Order>({ collection: "orders", url: process.env.DATABASE_URL });
 */
export function openDocumentStore<T extends Document>(opts: OpenDocumentStoreOptions): DocumentStore<T> {
  assertCollectionName(opts.collection);
  const location = parseStoreUrl(opts.url, opts.envVar ?? "DATABASE_URL");
  const { collection } = opts;
  const create = opts.create ?? true;
  switch (location.engine) {
    case "memory":
      return new MemoryDocumentStore<T>({ collection });
    case "postgres":
      return new PostgresDocumentStore<T>({ url: location.url, collection, create });
    case "sqlite":
      return new SqliteDocumentStore<T>({ path: location.path, collection, create });
  }
}
