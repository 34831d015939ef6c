/**
 * The in-memory document store: the embedded default for `npm run dev` and unit tests.
 * @module
 */
import {
  assertCollectionName,
  closedStoreError,
  type Document,
  type DocumentStore,
  type ListOptions,
  resolveListOptions,
  serialiseDocument,
} from "./document-store.ts";

/**
 * A {@link DocumentStore} in a `Map`. Documents are kept as JSON text, so reads return fresh copies
 * and a value JSON cannot hold (a `Date`, `undefined`) behaves exactly as it will in SQLite or Postgres.
 * Lost when the process ends.
 *
 * @example
 * const orders = new MemoryDocumentStore<Order>({ collection: "orders" });
 */
export class MemoryDocumentStore<T extends Document> implements DocumentStore<T> {
  readonly kind = "memory";
  readonly collection: string;
  readonly #docs = new Map<string, string>();
  #closed = false;

  /** @throws AllFrameError `configuration` for an invalid collection name. */
  constructor(opts: { collection?: string } = {}) {
    this.collection = opts.collection ?? "documents";
    assertCollectionName(this.collection);
  }

  #open(): void {
    if (this.#closed) throw closedStoreError(this.kind, this.collection);
  }

  async get(id: string): Promise<T | undefined> {
    this.#open();
    const json = this.#docs.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  async list(opts?: ListOptions): Promise<T[]> {
    this.#open();
    const { limit, offset } = resolveListOptions(opts);
    const out: T[] = [];
    let index = 0;
    for (const json of this.#docs.values()) {
      if (out.length >= limit) break;
      if (index++ >= offset) out.push(JSON.parse(json) as T);
    }
    return out;
  }

  async put(doc: T): Promise<void> {
    this.#open();
    // Map.set on an existing key keeps its position: upserts keep insertion order.
    this.#docs.set(doc.id, serialiseDocument(doc));
  }

  async delete(id: string): Promise<boolean> {
    this.#open();
    return this.#docs.delete(id);
  }

  async count(): Promise<number> {
    this.#open();
    return this.#docs.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#docs.clear();
  }
}
