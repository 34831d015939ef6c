/**
 * The PostgreSQL document store: one table per collection, each document as `jsonb`, on a pool shared
 * per database URL. Selected by `DATABASE_URL=postgres://...`; same contract as memory and SQLite.
 * @module
 */

import { AllFrameError } from "../errors/allframe-error.ts";
import { type DocumentSql, documentSql } from "./document-sql.ts";
import {
  assertCollectionName,
  closedStoreError,
  type Document,
  type DocumentStore,
  type ListOptions,
  resolveListOptions,
  serialiseDocument,
  storeFailure,
} from "./document-store.ts";
import { leasePool, type PoolLease } from "./postgres-pool.ts";

/** PostgreSQL's SQLSTATE for "relation does not exist". */
const UNDEFINED_TABLE = "42P01";

/** Options for {@link PostgresDocumentStore}. */
export interface PostgresDocumentStoreOptions {
  /** `postgres://user:password@host:port/database`. Never echoed in errors (it may hold a password). */
  url: string;
  /** Table name; must match `COLLECTION_NAME_PATTERN`. */
  collection: string;
  /**
   * Create the table on first use when missing (default true). `false` when migrations own the schema
   * (generated services): a missing table then fails each call with a message saying to run them.
   */
  create?: boolean;
}

/**
 * A {@link DocumentStore} in PostgreSQL: table `<collection>(seq bigserial PRIMARY KEY, id text UNIQUE,
 * doc jsonb)`, created on first use under an advisory lock (so two instances starting together do not
 * race); `seq` keeps insertion order across upserts.
 *
 * @throws AllFrameError `unavailable` when the server cannot be reached or a statement fails, and for
 *   calls after `close()`; `configuration` (with `create: false`) when the table does not exist.
 */
export class PostgresDocumentStore<T extends Document> implements DocumentStore<T> {
  readonly kind = "postgres";
  readonly collection: string;
  readonly #lease: PoolLease;
  readonly #sql: DocumentSql;
  readonly #create: boolean;
  #ready: Promise<void> | undefined;
  #closed = false;

  constructor(opts: PostgresDocumentStoreOptions) {
    assertCollectionName(opts.collection);
    this.collection = opts.collection;
    this.#sql = documentSql("postgres", opts.collection);
    this.#lease = leasePool(opts.url);
    this.#create = opts.create !== false;
  }

  async #createTable(): Promise<void> {
    const client = await this.#lease.pool.connect();
    try {
      await client.query("BEGIN");
      for (const ddl of this.#sql.create) await client.query(ddl);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Runs one query after the table exists; failures become `unavailable` naming the operation. */
  async #query(operation: string, sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
    if (this.#closed) throw closedStoreError(this.kind, this.collection);
    try {
      if (this.#create) {
        this.#ready ??= this.#createTable().catch((error: unknown) => {
          this.#ready = undefined;
          throw error;
        });
        await this.#ready;
      }
      return (await this.#lease.pool.query(sql, params)).rows;
    } catch (cause) {
      if (!this.#create && (cause as { code?: string }).code === UNDEFINED_TABLE) {
        throw new AllFrameError(
          "configuration",
          `table "${this.collection}" does not exist; run the service's migrations first (npm run migrate -- up, or MIGRATE_ON_START=true)`,
          { cause },
        );
      }
      throw storeFailure(this.kind, this.collection, operation, cause);
    }
  }

  async get(id: string): Promise<T | undefined> {
    const rows = await this.#query("get", this.#sql.get, [id]);
    return rows[0]?.doc as T | undefined;
  }

  async list(opts?: ListOptions): Promise<T[]> {
    const { limit, offset } = resolveListOptions(opts);
    const rows = await this.#query("list", this.#sql.list, this.#sql.listParams(limit, offset));
    return rows.map((row) => row.doc as T);
  }

  async put(doc: T): Promise<void> {
    const json = serialiseDocument(doc);
    await this.#query("put", this.#sql.put, [doc.id, json]);
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.#query("delete", this.#sql.delete, [id]);
    return rows.length > 0;
  }

  async count(): Promise<number> {
    const rows = await this.#query("count", this.#sql.count, []);
    return Number(rows[0]?.n ?? 0);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#lease.release();
  }
}
