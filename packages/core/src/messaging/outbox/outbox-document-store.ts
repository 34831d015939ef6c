/**
 * A document store whose writes commit in the outbox's transaction, so a document and the events
 * that announce its change are stored together or not at all, and the relay publishes the events
 * after the commit (Chris Richardson, microservices.io, "Pattern: Transactional outbox"). It is what a
 * stateless service with `[services.messaging] pattern = "outbox"` stores its entities in.
 * @module
 */
import { type DocumentSql, documentFromColumn, documentSql } from "../../persistence/document-sql.ts";
import {
  closedStoreError,
  type Document,
  type DocumentStore,
  type ListOptions,
  resolveListOptions,
  serialiseDocument,
  storeFailure,
} from "../../persistence/document-store.ts";
import type { EventEnvelope } from "../event-envelope.ts";
import type { OutboxStore } from "./outbox-store.ts";
import type { RunSql } from "./sql-dead-letters.ts";
import type { SqlTransaction } from "./sql-transaction.ts";

/**
 * One collection's view of an open outbox transaction. Reads see the transaction's own writes. Valid
 * only inside the callback that received it (later calls fail with AllFrameError `unsupported`).
 */
export interface DocumentTransaction<T extends Document> {
  /** A copy of the document, or `undefined`. */
  get(id: string): Promise<T | undefined>;
  /** Inserts or replaces `doc`. @throws AllFrameError `validation` as `DocumentStore.put`. */
  put(doc: T): Promise<void>;
  /** Deletes by id; true when something was deleted. */
  delete(id: string): Promise<boolean>;
  /**
   * Adds events to the outbox in this transaction; the relay publishes them after the commit, each
   * envelope exactly as given. @throws as `OutboxStore.enqueue` (`validation`, `conflict`).
   */
  enqueue(events: readonly EventEnvelope[]): Promise<void>;
}

/** Options of {@link OutboxDocumentStore}. */
export interface OutboxDocumentStoreOptions {
  /** The outbox whose transactions carry the writes; its database holds the collection's table. */
  readonly outbox: OutboxStore;
  /** Table name; must match `COLLECTION_NAME_PATTERN`. */
  readonly collection: string;
  /**
   * Runs a read outside any transaction, with the engine's placeholders. Default: each read runs in
   * an outbox transaction of its own (right for SQLite, whose one connection would otherwise let a
   * read see another caller's uncommitted write).
   */
  readonly read?: RunSql;
  /** `kind` to report; default the outbox's engine. */
  readonly kind?: string;
}

/**
 * A {@link DocumentStore} in the outbox's database (same table layout as the SQLite and PostgreSQL
 * document stores, created on first use) that can enqueue events with a write:
 *
 * - `put(doc, events)` and `delete(id, events)` write and enqueue in one transaction (`delete`
 *   enqueues only when it deleted something);
 * - `transaction(work)` gives several reads, writes and enqueues one transaction.
 *
 * A rolled-back transaction leaves neither the document change nor an outbox row. `close()` releases
 * only this view; the outbox (and its connection) belong to whoever opened it.
 *
 * @throws AllFrameError `configuration` (constructor) for a bad collection name; `unavailable` when the
 *   database fails, and for calls after `close()`.
 * @example
 * const users = new OutboxDocumentStore<User>({ outbox, collection: "users" });
 * await users.put(user, [createEvent("UserCreated", user, { source: "users", key: user.id })]);
 */
export class OutboxDocumentStore<T extends Document> implements DocumentStore<T> {
  readonly kind: string;
  readonly collection: string;
  readonly #outbox: OutboxStore;
  readonly #sql: DocumentSql;
  readonly #read: RunSql;
  #ready: Promise<void> | undefined;
  #closed = false;

  constructor(opts: OutboxDocumentStoreOptions) {
    this.#sql = documentSql(opts.outbox.kind, opts.collection);
    this.collection = opts.collection;
    this.kind = opts.kind ?? opts.outbox.kind;
    this.#outbox = opts.outbox;
    this.#read = opts.read ?? ((sql, params) => opts.outbox.transaction((tx) => tx.query(sql, params)));
  }

  /** Creates the table once (a failed attempt is retried by the next call). */
  #ensureTable(): Promise<void> {
    if (this.#closed) return Promise.reject(closedStoreError(this.kind, this.collection));
    this.#ready ??= this.#outbox
      .transaction(async (tx) => {
        for (const ddl of this.#sql.create) await tx.query(ddl);
      })
      .catch((cause: unknown) => {
        this.#ready = undefined;
        throw storeFailure(this.kind, this.collection, "create table", cause);
      });
    return this.#ready;
  }

  async #query(
    operation: string,
    sql: string,
    params: readonly unknown[],
  ): Promise<Record<string, unknown>[]> {
    await this.#ensureTable();
    try {
      return await this.#read(sql, params);
    } catch (cause) {
      throw storeFailure(this.kind, this.collection, operation, cause);
    }
  }

  /** The collection's operations on `tx`; SQL failures become `unavailable` naming the operation. */
  #documents(tx: SqlTransaction): DocumentTransaction<T> {
    const run = async (operation: string, sql: string, params: readonly unknown[]) => {
      try {
        return await tx.query(sql, params);
      } catch (cause) {
        throw storeFailure(this.kind, this.collection, operation, cause);
      }
    };
    return {
      get: async (id) => {
        const [row] = await run("get", this.#sql.get, [id]);
        return row === undefined ? undefined : documentFromColumn<T>(row.doc);
      },
      put: async (doc) => {
        await run("put", this.#sql.put, [doc.id, serialiseDocument(doc)]);
      },
      delete: async (id) => (await run("delete", this.#sql.delete, [id])).length > 0,
      enqueue: (events) => this.#outbox.enqueue(tx, events),
    };
  }

  /**
   * Runs `work` in one outbox transaction: everything it wrote and enqueued commits together when it
   * resolves, and nothing does when it throws.
   * @throws whatever `work` throws (after the rollback); AllFrameError `unavailable` when the database
   *   fails or the store is closed.
   */
  async transaction<R>(work: (tx: DocumentTransaction<T>) => Promise<R>): Promise<R> {
    await this.#ensureTable();
    return this.#outbox.transaction((tx) => work(this.#documents(tx)));
  }

  async get(id: string): Promise<T | undefined> {
    const [row] = await this.#query("get", this.#sql.get, [id]);
    return row === undefined ? undefined : documentFromColumn<T>(row.doc);
  }

  async list(opts?: ListOptions): Promise<T[]> {
    const { limit, offset } = resolveListOptions(opts);
    const rows = await this.#query("list", this.#sql.list, this.#sql.listParams(limit, offset));
    return rows.map((row) => documentFromColumn<T>(row.doc));
  }

  /**
   * Inserts or replaces `doc` and enqueues `events` in one transaction.
   * @throws AllFrameError `validation` for a bad document or event (nothing is written); as `transaction`.
   */
  async put(doc: T, events: readonly EventEnvelope[] = []): Promise<void> {
    await this.transaction(async (tx) => {
      await tx.put(doc);
      await tx.enqueue(events);
    });
  }

  /**
   * Deletes by id and, when something was deleted, enqueues `events`, in one transaction.
   * @returns true when something was deleted.
   */
  delete(id: string, events: readonly EventEnvelope[] = []): Promise<boolean> {
    return this.transaction(async (tx) => {
      const deleted = await tx.delete(id);
      if (deleted) await tx.enqueue(events);
      return deleted;
    });
  }

  async count(): Promise<number> {
    const [row] = await this.#query("count", this.#sql.count, []);
    return Number(row?.n ?? 0);
  }

  /** Closes this view (later calls fail with `unavailable`); leaves the outbox open. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
  }
}
