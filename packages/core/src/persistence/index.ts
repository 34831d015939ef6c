/**
 * @module persistence: the document store port, its memory and SQLite implementations, and the
 * URL-driven opener. The contract suite (`document-store.contract.ts`) imports `node:test` and is
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
  type OpenDocumentStoreOptions,
  openDocumentStore,
  sqlitePathFromUrl,
} from "./open-document-store.ts";
export { SqliteDocumentStore, type SqliteDocumentStoreOptions } from "./sqlite-document-store.ts";
export { parseStoreUrl, type StoreLocation } from "./store-url.ts";
