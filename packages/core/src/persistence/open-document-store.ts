/**
 * Picks the document store from `DATABASE_URL`, so one generated service runs on memory in tests,
 * on a SQLite file in `npm run dev`, and on PostgreSQL in production.
 * @module
 */
import { fileURLToPath } from "node:url";
import { AllFrameError } from "../errors/allframe-error.ts";
import { assertCollectionName, type Document, type DocumentStore } from "./document-store.ts";
import { MemoryDocumentStore } from "./memory-document-store.ts";
import { PostgresDocumentStore } from "./postgres-document-store.ts";
import { SqliteDocumentStore } from "./sqlite-document-store.ts";

/** Options for {@link openDocumentStore}. */
export interface OpenDocumentStoreOptions {
  /** Collection (table) name; must match `COLLECTION_NAME_PATTERN`. */
  collection: string;
  /** Where the documents live; see {@link openDocumentStore}. */
  url?: string;
  /** Variable named in error messages; default `"DATABASE_URL"`. */
  envVar?: string;
}

/**
 * Resolves a store URL to a SQLite path: `sqlite:./data/app.db`, `sqlite://./data/app.db`,
 * `sqlite:///abs/app.db`, `file:./data/app.db`, `file:///abs/app.db`, `sqlite::memory:`.
 * Query strings are ignored. Returns undefined when the URL is not a SQLite URL.
 */
export function sqlitePathFromUrl(url: string): string | undefined {
  const lower = url.toLowerCase();
  if (lower.startsWith("file://")) return fileURLToPath(url.split("?")[0] ?? url);
  let rest: string;
  if (lower.startsWith("sqlite:")) rest = url.slice("sqlite:".length);
  else if (lower.startsWith("file:")) rest = url.slice("file:".length);
  else return undefined;
  rest = rest.split("?")[0] ?? "";
  if (rest.startsWith("//")) rest = rest.slice(2);
  return rest;
}

/**
 * Opens the store `url` names:
 * - `undefined`, `""` or `memory:` → {@link MemoryDocumentStore};
 * - `sqlite:<path>`, `file:<path>` (see {@link sqlitePathFromUrl}) or `sqlite::memory:` →
 *   {@link SqliteDocumentStore}, creating the parent folder;
 * - `postgres://` / `postgresql://` → {@link PostgresDocumentStore} (connects on first use).
 *
 * @throws AllFrameError `configuration` for any other scheme, an empty SQLite path, or a bad collection name. Messages
 *   name the variable and never echo the URL (it may hold a password).
 * @example
 * const orders = openDocumentStore<Order>({ collection: "orders", url: process.env.DATABASE_URL });
 */
export function openDocumentStore<T extends Document>(opts: OpenDocumentStoreOptions): DocumentStore<T> {
  assertCollectionName(opts.collection);
  const variable = opts.envVar ?? "DATABASE_URL";
  const url = opts.url?.trim() ?? "";
  if (url === "" || url.toLowerCase() === "memory:")
    return new MemoryDocumentStore<T>({ collection: opts.collection });
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") {
    return new PostgresDocumentStore<T>({ url, collection: opts.collection });
  }
  const path = sqlitePathFromUrl(url);
  if (path === undefined) {
    const shown = scheme === undefined ? "has no scheme" : `has scheme "${scheme}:", which is not supported`;
    throw new AllFrameError(
      "configuration",
      `${variable} ${shown}; set it to memory:, sqlite:<path> or file:<path>, or unset it for the in-memory store`,
    );
  }
  if (path === "") {
    throw new AllFrameError(
      "configuration",
      `${variable} names no SQLite file; use e.g. sqlite:./data/app.db`,
    );
  }
  return new SqliteDocumentStore<T>({ path, collection: opts.collection });
}
