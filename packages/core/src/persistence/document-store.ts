/**
 * The document store port: JSON documents keyed by id, one collection per store. It is the state
 * store of stateless services' CRUD resources; embedded default in memory, durable default SQLite,
 * real engines (PostgreSQL) in a later issue (DESIGN.md: "Embedded defaults and real engines").
 * @module
 */
import { AllFrameError, isAllFrameError } from "../errors/allframe-error.ts";

/** Anything with a string id. Documents are stored as JSON, so they must survive `JSON.stringify`. */
export interface Document {
  id: string;
}

/** Paging for {@link DocumentStore.list}. */
export interface ListOptions {
  /** Most documents to return (integer ≥ 0); default all. */
  limit?: number;
  /** Documents to skip first (integer ≥ 0); default 0. */
  offset?: number;
}

/** The document store port; implementations pass `runDocumentStoreContract`. */
export interface DocumentStore<T extends Document> {
  /** Backend name, e.g. `"memory"`, `"sqlite"`. */
  readonly kind: string;
  /** A copy of the document, or `undefined`. */
  get(id: string): Promise<T | undefined>;
  /**
   * Copies of the documents in insertion order (an upsert keeps the original position).
   * @throws AllFrameError `validation` for a negative or fractional limit/offset.
   */
  list(opts?: ListOptions): Promise<T[]>;
  /**
   * Inserts or replaces the document with `doc.id`.
   * @throws AllFrameError `validation` when `id` is not a non-empty string or `doc` is not JSON-serialisable.
   */
  put(doc: T): Promise<void>;
  /** Deletes by id; true when something was deleted. */
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
  /** Releases the store; later calls fail with AllFrameError `unavailable`. Idempotent. */
  close(): Promise<void>;
}

/** Collection names every backend accepts (they become SQL table names). */
export const COLLECTION_NAME_PATTERN = /^[a-z_][a-z0-9_]*$/;

/** @throws AllFrameError `configuration` unless `name` matches {@link COLLECTION_NAME_PATTERN} (and is not `sqlite_*`). */
export function assertCollectionName(name: string): void {
  if (!COLLECTION_NAME_PATTERN.test(name) || name.startsWith("sqlite_") || name.length > 63) {
    throw new AllFrameError(
      "configuration",
      `collection name "${name}" is not valid; use lowercase letters, digits and _ (starting with a letter or _, at most 63 characters, not sqlite_*)`,
    );
  }
}

/**
 * Serialises a document for storage.
 * @throws AllFrameError `validation` for a missing/empty id or a value JSON cannot hold.
 */
export function serialiseDocument(doc: Document): string {
  if (typeof doc !== "object" || doc === null || typeof doc.id !== "string" || doc.id === "") {
    throw new AllFrameError("validation", "a document needs a non-empty string id", {
      issues: [{ path: ["id"], message: "expected a non-empty string" }],
    });
  }
  try {
    return JSON.stringify(doc);
  } catch (cause) {
    throw new AllFrameError("validation", `document ${doc.id} cannot be serialised to JSON`, { cause });
  }
}

/**
 * Checks paging options and resolves defaults.
 * @throws AllFrameError `validation` for a negative or fractional limit/offset.
 */
export function resolveListOptions(opts: ListOptions = {}): { limit: number; offset: number } {
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const offset = opts.offset ?? 0;
  const ok = (n: number) => n >= 0 && (Number.isInteger(n) || n === Number.POSITIVE_INFINITY);
  if (!ok(limit) || !ok(offset) || offset === Number.POSITIVE_INFINITY) {
    throw new AllFrameError(
      "validation",
      `list: limit and offset must be integers ≥ 0 (got limit ${opts.limit}, offset ${opts.offset})`,
    );
  }
  return { limit, offset };
}

/** The error for any call on a closed store. */
export function closedStoreError(kind: string, collection: string): AllFrameError {
  return new AllFrameError("unavailable", `${kind} document store "${collection}" is closed`);
}

/**
 * Converts a storage engine's failure at a store boundary: AllFrame errors pass through, anything
 * else becomes `unavailable` naming the store and the operation, keeping the original as `cause`.
 */
export function storeFailure(
  kind: string,
  collection: string,
  operation: string,
  cause: unknown,
): AllFrameError {
  if (isAllFrameError(cause)) return cause;
  return new AllFrameError(
    "unavailable",
    `${kind} document store "${collection}": ${operation} failed: ${(cause as Error).message}`,
    { cause },
  );
}
